package dev.mnistlab.experiment;

import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.Augmentation;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.text.Plain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * An experiment as text for a person ({@code experiment show}): its steps and each step's resolved
 * settings, in words and plain numbers, lines under {@value #WIDTH} characters.
 */
public final class ExperimentSheet {
  /** The longest line written. */
  public static final int WIDTH = 99;

  private static final String INDENT = "    ";
  private static final int LABEL = 16;

  private ExperimentSheet() {}

  /**
   * The whole sheet.
   *
   * @param params a step network's trainable parameters (it is built to count them)
   * @param runs for each output directory that exists, what it holds per step
   */
  public static String show(
      Experiment e, ToLongFunction<ModelSpec> params, Map<Path, List<StepStatus>> runs) {
    List<String> lines = new ArrayList<>();
    lines.addAll(wrap(e.name() + ": " + e.title(), "", ""));
    if (!e.source().isEmpty()) {
      lines.addAll(wrap("source: " + e.source(), "", INDENT));
    }
    lines.add("file: " + e.origin());
    if (!e.description().isEmpty()) {
      lines.add("");
      lines.addAll(wrap(e.description(), "", ""));
    }
    for (int i = 0; i < e.steps().size(); i++) {
      Experiment.Step step = e.steps().get(i);
      lines.add("");
      lines.addAll(wrap(String.format(Locale.ROOT, "step %d: %s", i + 1, step.name()), "", ""));
      List<String[]> rows = new ArrayList<>();
      if (!step.target().isEmpty()) {
        rows.add(new String[] {"target", step.target()});
      }
      rows.addAll(settings(step.config(), params.applyAsLong(step.recipe().spec())));
      String reported = reported(step.reported());
      if (!reported.isEmpty()) {
        rows.add(new String[] {"reported", reported});
      }
      for (var dir : runs.entrySet()) {
        rows.add(new String[] {"runs", dir.getKey() + ": " + dir.getValue().get(i).describe()});
      }
      for (String[] row : rows) {
        String head = INDENT + String.format(Locale.ROOT, "%-" + LABEL + "s", row[0]);
        lines.addAll(wrap(row[1], head, " ".repeat(head.length())));
      }
    }
    return String.join("\n", lines) + "\n";
  }

  /**
   * One line on what an output directory holds: how many steps are complete, whether they are a
   * smoke run and which steps were made with another recipe.
   */
  public static String runs(List<StepStatus> steps) {
    long complete =
        steps.stream().filter(s -> !s.complete().isEmpty() && s.incomplete().isEmpty()).count();
    List<String> parts = new ArrayList<>();
    parts.add(complete + " of " + Plain.count(steps.size(), "step") + " complete");
    steps.stream()
        .filter(StepStatus::shortened)
        .findFirst()
        .ifPresent(s -> parts.add("SMOKE RUN (" + StepStatus.lengths(s) + ")"));
    List<Integer> other =
        steps.stream()
            .filter(s -> !s.differences().isEmpty() && !s.shortened())
            .map(StepStatus::index)
            .toList();
    if (!other.isEmpty()) {
      parts.add(
          (other.size() == 1 ? "step " : "steps ")
              + Plain.list(other)
              + " made with another recipe");
    }
    return String.join("; ", parts);
  }

  /**
   * A configuration's settings as label and value, in words: model with its trainable parameters,
   * data, length, optimizer, schedule with its peak, augmentation, and the optional parts only when
   * set.
   */
  public static List<String[]> settings(TrainConfig c, long trainableParams) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "model", c.model() + " · " + Plain.count(trainableParams, "trainable parameter")
        });
    rows.add(
        new String[] {
          "data",
          c.dataset()
              + (c.limit() == 0
                  ? ", all training images"
                  : ", the first " + Plain.count(c.limit(), "training image"))
              + (c.testNormalization() == null
                  ? ""
                  : " · test set normalized with mean "
                      + c.testNormalization().mean()
                      + ", std "
                      + c.testNormalization().std())
        });
    rows.add(
        new String[] {
          "training",
          Plain.count(c.epochs(), "epoch")
              + " · batch "
              + c.batchSize()
              + " · seed "
              + c.seed()
              + (c.threads() > 0 ? " · " + Plain.count(c.threads(), "thread") : "")
        });
    rows.add(new String[] {"optimizer", optimizer(c.optimizer())});
    rows.add(new String[] {"schedule", schedule(c)});
    rows.add(new String[] {"augmentation", augmentation(c.augment())});
    if (c.labelSmoothing() > 0) {
      rows.add(new String[] {"label smoothing", Plain.number(c.labelSmoothing())});
    }
    if (c.emaDecay() > 0) {
      rows.add(new String[] {"ema_decay", Plain.number(c.emaDecay())});
    }
    if (c.stop().at() > 0) {
      rows.add(
          new String[] {
            "stop",
            "once test accuracy is at least "
                + Plain.number(c.stop().at())
                + "% in "
                + Plain.count(c.stop().patience(), "epoch")
                + " in a row"
          });
    }
    return rows;
  }

  private static String optimizer(TrainConfig.Optimizer o) {
    String momentum = o.type().equals("sgd") ? "momentum " : "beta1 ";
    return o.type().toUpperCase(Locale.ROOT).replace("ADAMW", "AdamW").replace("ADAM", "Adam")
        + " · lr "
        + Plain.number(o.lr())
        + (o.momentum() > 0 ? " · " + momentum + Plain.number(o.momentum()) : "")
        + (o.nesterov() ? " (Nesterov)" : "")
        + (o.weightDecay() > 0 ? " · weight decay " + Plain.number(o.weightDecay()) : "");
  }

  private static String schedule(TrainConfig c) {
    TrainConfig.Schedule s = c.schedule();
    String lr = Plain.number(c.optimizer().lr());
    return switch (s.type()) {
      case "onecycle" -> {
        double start = s.maxLr() / s.divFactor();
        yield "OneCycle · peak "
            + Plain.number(s.maxLr())
            + " after "
            + Plain.percent(s.pctStart())
            + " of the steps · from "
            + Plain.rounded(start)
            + " down to "
            + Plain.rounded(start / s.finalDivFactor())
            + " ("
            + s.anneal()
            + ")"
            + (s.cycleMomentum()
                ? " · momentum "
                    + Plain.number(s.maxMomentum())
                    + " to "
                    + Plain.number(s.baseMomentum())
                    + " and back"
                : "");
      }
      case "step" ->
          "StepLR · peak "
              + lr
              + ", times "
              + Plain.number(s.gamma())
              + " every "
              + Plain.count(s.stepSize(), "epoch");
      case "multistep" ->
          "MultiStepLR · peak "
              + lr
              + ", times "
              + Plain.number(s.gamma())
              + " at epochs "
              + Plain.list(s.milestones());
      case "cosine" ->
          "cosine annealing · peak "
              + lr
              + " down to "
              + Plain.number(s.etaMin())
              + " over "
              + Plain.count(s.tMax() > 0 ? s.tMax() : c.epochs(), "epoch");
      case "linear" ->
          "linear warm-up · from "
              + Plain.rounded(c.optimizer().lr() * s.startFactor())
              + " to the peak "
              + lr
              + " over "
              + Plain.count(s.totalIters(), "epoch");
      case "plateau" ->
          "ReduceLROnPlateau · peak "
              + lr
              + ", times "
              + Plain.number(s.factor())
              + " after "
              + Plain.count(s.patience(), "epoch")
              + " without a better test loss, not below "
              + Plain.number(s.minLr());
      default -> "constant · " + lr;
    };
  }

  private static String augmentation(Augmentation a) {
    if (a.isIdentity()) {
      return "none";
    }
    if (!a.transforms().isEmpty()) {
      return "torchvision's " + dev.mnistlab.data.Transform.describe(a.transforms());
    }
    List<String> parts = new ArrayList<>();
    if (a.rotation() > 0) {
      parts.add("rotation ±" + Plain.number(a.rotation()) + "°");
    }
    if (a.translate() > 0) {
      parts.add("shift ±" + Plain.number(a.translate()) + " px");
    }
    if (a.scale() > 0) {
      parts.add("scale ±" + Plain.percent(a.scale()));
    }
    if (a.shear() > 0) {
      parts.add("shear ±" + Plain.number(a.shear()) + "°");
    }
    if (a.cropScale() > 0) {
      parts.add("resized crop of " + Plain.percent(a.cropScale()) + " to 100% of the area");
    }
    if (a.elasticAlpha() > 0) {
      parts.add(
          "elastic alpha "
              + Plain.number(a.elasticAlpha())
              + " sigma "
              + Plain.number(a.elasticSigma()));
    }
    if (a.brightness() > 0) {
      parts.add("brightness ±" + Plain.percent(a.brightness()));
    }
    if (a.contrast() > 0) {
      parts.add("contrast ±" + Plain.percent(a.contrast()));
    }
    if (a.cutoutHoles() > 0) {
      parts.add(
          "cutout "
              + Plain.count(a.cutoutHoles(), "hole")
              + " of "
              + a.cutoutSize()
              + "×"
              + a.cutoutSize()
              + " px");
    }
    if (a.fill() != 0) {
      parts.add("fill " + Plain.number(a.fill()));
    }
    return String.join(" · ", parts);
  }

  private static String reported(Experiment.Reported r) {
    List<String> parts = new ArrayList<>();
    if (r.params() != null) {
      parts.add(Plain.count(r.params(), "parameter"));
    }
    if (r.bestTrain() != null) {
      parts.add(String.format(Locale.ROOT, "best train %.2f%%", r.bestTrain()));
    }
    if (r.bestTest() != null) {
      parts.add(String.format(Locale.ROOT, "best test %.2f%%", r.bestTest()));
    }
    if (r.epochs() != null) {
      parts.add(Plain.count(r.epochs(), "epoch"));
    }
    if (r.heldFrom() != null) {
      parts.add("≥ 99.40% held from epoch " + r.heldFrom());
    }
    if (!r.log().isEmpty()) {
      parts.add("the author's log of " + Plain.count(r.log().size(), "epoch"));
    }
    return String.join(" · ", parts);
  }

  /** Words of {@code text} in lines under {@link #WIDTH}, the first after {@code first}. */
  public static List<String> wrap(String text, String first, String rest) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder(first);
    boolean empty = true;
    for (String word : text.strip().split("\\s+")) {
      if (!empty && line.length() + 1 + word.length() > WIDTH) {
        lines.add(line.toString());
        line = new StringBuilder(rest);
        empty = true;
      }
      if (!empty) {
        line.append(' ');
      }
      line.append(word);
      empty = false;
    }
    lines.add(line.toString());
    return lines;
  }
}
