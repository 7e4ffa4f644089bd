package dev.mnistlab.report;

import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.AugmentationGrid;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Plain;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of a run that decide its figures, in words, and whether it was a limited ("smoke")
 * run: fewer training images or epochs than the recipe it is set beside. A 3,000-image, 3-epoch try
 * must never read as a full run next to an author's figures.
 *
 * @param summary e.g. {@code 15 epochs · 60,000 images · batch 128 · sgd lr 0.01 ... · onecycle,
 *     peak 0.2 · augment rotation ±7°}
 * @param limits why the run is limited, e.g. {@code 3,000 of 60,000 training images}; empty for a
 *     full run
 * @param shortLimits the same, shorter, for table cells
 */
public record RunSettings(String summary, List<String> limits, List<String> shortLimits) {

  /**
   * What a run is compared against: the recipe whose epochs a full run trains.
   *
   * @param name e.g. {@code the default recipe}, {@code the step}
   */
  public record Reference(String name, int epochs) {
    /** {@code ./mnistlab train}'s default recipe. */
    public static Reference defaults() {
      return new Reference("the default recipe", TrainConfig.defaults().epochs());
    }
  }

  /**
   * The settings of {@code run}, trained with {@code config}.
   *
   * @param fullTrainImages the dataset's training images, or 0 when not known (then a run counts as
   *     limited when its configuration set a limit that it used)
   */
  public static RunSettings of(
      TrainConfig config, RunResult run, Reference reference, int fullTrainImages) {
    List<String> parts = new ArrayList<>();
    int epochsRun = run.epochs().size();
    parts.add(
        epochsRun < config.epochs()
            ? epochsRun + " of " + config.epochs() + " epochs (stopped early)"
            : config.epochs() + " epochs");
    boolean fewerImages =
        fullTrainImages > 0
            ? run.trainImages() < fullTrainImages
            : config.limit() > 0 && run.trainImages() <= config.limit();
    parts.add(Plain.count(run.trainImages()) + " images");
    parts.add("batch " + config.batchSize());
    parts.add(optimizer(config.optimizer()));
    parts.add(schedule(config));
    parts.add("augment " + AugmentationGrid.describe(config.augment()));
    if (config.emaDecay() > 0) {
      parts.add("ema_decay " + Plain.significant(config.emaDecay()));
    }
    if (config.labelSmoothing() > 0) {
      parts.add("label smoothing " + Plain.significant(config.labelSmoothing()));
    }
    if (config.stop().at() > 0) {
      parts.add("stop at " + Plain.significant(config.stop().at()) + "%");
    }
    List<String> limits = new ArrayList<>();
    List<String> shortLimits = new ArrayList<>();
    if (fewerImages) {
      String images =
          Plain.count(run.trainImages())
              + (fullTrainImages > 0 ? " of " + Plain.count(fullTrainImages) : "");
      limits.add(images + " training images");
      shortLimits.add(images + " images");
    }
    if (config.epochs() < reference.epochs()) {
      limits.add(
          config.epochs() + " of " + reference.name() + "'s " + reference.epochs() + " epochs");
      shortLimits.add(config.epochs() + " of " + reference.epochs() + " epochs");
    }
    if (config.testLimit() > 0 && epochsRun > 1) {
      // Its curves before the last epoch are scored on fewer images than a full run's.
      limits.add(
          "the test set scored on its first "
              + Plain.count(config.testLimit())
              + " images in every epoch but the last");
      shortLimits.add("test on " + Plain.count(config.testLimit()) + " images");
    }
    return new RunSettings(
        String.join(" · ", parts), List.copyOf(limits), List.copyOf(shortLimits));
  }

  /** True for a run with fewer images or epochs than its reference recipe. */
  public boolean limited() {
    return !limits.isEmpty();
  }

  /**
   * The warning a limited run carries wherever its figures appear, e.g. {@code SMOKE RUN (3,000 of
   * 60,000 training images; 3 of the default recipe's 15 epochs)}; empty for a full run.
   */
  public String warning() {
    return limited() ? "⚠ SMOKE RUN (" + String.join("; ", limits) + ")" : "";
  }

  /**
   * The warning in a table cell, short enough for a phone: {@code ⚠ smoke: 3,000 of 60,000 images;
   * 3 of 15 epochs}; {@code full} for a full run.
   */
  public String cell() {
    return limited() ? "⚠ smoke: " + String.join("; ", shortLimits) : "full";
  }

  private static String optimizer(TrainConfig.Optimizer o) {
    StringBuilder b = new StringBuilder(o.type());
    b.append(" (momentum ").append(Plain.significant(o.momentum()));
    if (o.nesterov()) {
      b.append(", Nesterov");
    }
    b.append(", weight decay ").append(Plain.significant(o.weightDecay())).append(')');
    return b.toString();
  }

  /** The schedule and its peak rate: the highest rate it reaches. */
  static String schedule(TrainConfig config) {
    TrainConfig.Schedule s = config.schedule();
    String lr = Plain.significant(config.optimizer().lr());
    return switch (s.type()) {
      case "onecycle" -> "onecycle, peak " + Plain.significant(s.maxLr());
      case "step" ->
          "step, peak "
              + lr
              + " ×"
              + Plain.significant(s.gamma())
              + " every "
              + s.stepSize()
              + " epochs";
      case "multistep" ->
          "multistep, peak "
              + lr
              + " ×"
              + Plain.significant(s.gamma())
              + " at epochs "
              + s.milestones();
      case "cosine" -> "cosine, peak " + lr + " to " + Plain.significant(s.etaMin());
      case "linear" ->
          "linear warm-up to peak "
              + lr
              + " from ×"
              + Plain.significant(s.startFactor())
              + " over "
              + s.totalIters()
              + " epochs";
      case "plateau" -> "plateau, peak " + lr + " ×" + Plain.significant(s.factor()) + " on stalls";
      default -> s.type() + " " + lr;
    };
  }
}
