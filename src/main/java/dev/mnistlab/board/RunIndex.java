package dev.mnistlab.board;

import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunProgress;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.run.RunStatus;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.Reasons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The runs under a directory, as the board shows them: every run directory found there, alone or in
 * a seeds directory, an experiment or a search, with where it stands. Read afresh on every request
 * (the files are small), so a run that appears, trains, or vanishes shows at once; a run whose
 * files cannot be read is listed as damaged, never an error of the whole list.
 */
final class RunIndex {
  /** How deep runs are looked for: an experiment's seed run is at {@code EXP/NN-step/seed-S}. */
  private static final int MAX_DEPTH = 5;

  /** The most runs listed, so a huge directory tree cannot make every poll slow. */
  static final int MAX_RUNS = 2_000;

  private final Path root;

  RunIndex(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The directory the board shows. */
  Path root() {
    return root;
  }

  /** Every run under the root, by path. */
  List<BoardRun> runs() {
    List<BoardRun> runs = new ArrayList<>();
    for (Path dir : runDirectories()) {
      runs.add(describe(dir));
    }
    return runs;
  }

  /** The run directory an id names, if it is one of the root's runs. */
  Optional<Path> find(String id) {
    String relative;
    try {
      relative = new String(Base64.getUrlDecoder().decode(id), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Path dir = root.resolve(relative).normalize();
    // Only a run under the root: an id is a path, and a crafted one must not leave the root.
    if (relative.isEmpty() || !dir.startsWith(root) || !RunDirectory.exists(dir)) {
      return Optional.empty();
    }
    return Optional.of(dir);
  }

  /**
   * A run as the board shows it, and its epochs so far (its metrics when complete, else its
   * progress), from one reading of its files: the board reads every run on every poll.
   */
  record Entry(BoardRun run, List<EpochMetrics> epochs) {}

  /** The run at {@code dir} as the board lists it; damaged files make a damaged entry. */
  BoardRun describe(Path dir) {
    return read(dir).run();
  }

  /** The run at {@code dir} and its epochs; damaged files make a damaged entry, without epochs. */
  Entry read(Path dir) {
    String path = root.relativize(dir).toString();
    String id =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(path.getBytes(StandardCharsets.UTF_8));
    Path parent = dir.getParent();
    String group =
        parent == null || parent.equals(root) ? null : root.relativize(parent).toString();
    String kind = kind(dir);
    boolean hasReport = Files.isRegularFile(dir.resolve(RunBoard.REPORT_FILE));
    RunDirectory run = RunDirectory.open(dir);
    try {
      RunStatus status = run.status();
      TrainConfig config = run.readConfig();
      // What it measured: the metrics of a complete run, else its progress (each read once).
      RunResult metrics = status.isComplete() ? run.readMetrics() : null;
      Optional<RunProgress> progress = metrics != null ? Optional.empty() : run.readProgress();
      List<EpochMetrics> epochs =
          metrics != null ? metrics.epochs() : progress.map(RunProgress::epochs).orElse(List.of());
      Long params =
          metrics != null
              ? Long.valueOf(metrics.trainableParams())
              : progress.map(RunProgress::trainableParams).orElse(null);
      String model =
          metrics != null
              ? metrics.model()
              : progress.map(RunProgress::model).orElse(config.model());
      List<Double> accuracies = EpochMetrics.testAccuracies(epochs);
      BoardRun entry =
          new BoardRun(
              id,
              path,
              status.state().word(),
              status.describe(),
              group,
              kind,
              model,
              params,
              config.dataset(),
              config.seed(),
              epochs.size(),
              status.plannedEpochs(),
              accuracies.stream().max(Double::compare).orElse(null),
              accuracies.size() < 3
                  ? null
                  : accuracies.subList(accuracies.size() - 3, accuracies.size()).stream()
                      .min(Double::compare)
                      .orElseThrow(),
              accuracies.isEmpty() ? null : accuracies.get(accuracies.size() - 1),
              status.updated(),
              highlights(config),
              hasReport);
      return new Entry(entry, epochs);
    } catch (RuntimeException e) {
      // A damaged or half-deleted run is shown as such; it never breaks the list.
      BoardRun damaged =
          new BoardRun(
              id,
              path,
              "damaged",
              "damaged: " + Reasons.oneLine(e),
              group,
              kind,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              List.of(),
              hasReport);
      return new Entry(damaged, List.of());
    }
  }

  /** The settings a person compares runs by, each in a few words. */
  static List<String> highlights(TrainConfig config) {
    List<String> out = new ArrayList<>();
    out.add(Plain.count(config.epochs(), "epoch"));
    out.add("batch " + config.batchSize());
    TrainConfig.Optimizer o = config.optimizer();
    out.add(o.type() + " lr " + Plain.number(o.lr()));
    TrainConfig.Schedule s = config.schedule();
    out.add(s.type().equals("onecycle") ? "onecycle max_lr " + Plain.number(s.maxLr()) : s.type());
    if (config.augment().rotation() > 0) {
      out.add("rotation ±" + Plain.number(config.augment().rotation()) + "°");
    }
    if (config.emaDecay() > 0) {
      out.add("ema " + Plain.number(config.emaDecay()));
    }
    if (config.limit() > 0) {
      out.add(Plain.count(config.limit(), "training image"));
    }
    return out;
  }

  /** What the run belongs to, from the marker files of the directories above it. */
  private String kind(Path dir) {
    for (Path p = dir.getParent(); p != null && p.startsWith(root); p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("experiment.yaml"))) {
        return "experiment";
      }
      if (Files.isRegularFile(p.resolve("space.yaml"))) {
        return "search";
      }
    }
    return dir.getFileName().toString().matches("seed-\\d+") ? "seeds" : "run";
  }

  /** Run directories under the root (the root itself included), by path; at most MAX_RUNS. */
  private List<Path> runDirectories() {
    List<Path> found = new ArrayList<>();
    collect(root, 0, found);
    found.sort(Comparator.comparing(Path::toString));
    return found;
  }

  private static void collect(Path dir, int depth, List<Path> found) {
    if (found.size() >= MAX_RUNS) {
      return;
    }
    if (RunDirectory.exists(dir)) {
      found.add(dir);
      return;
    }
    if (depth >= MAX_DEPTH || !Files.isDirectory(dir)) {
      return;
    }
    List<Path> children;
    try (Stream<Path> list = Files.list(dir)) {
      children = list.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      // A directory that vanished or cannot be read holds nothing to show.
      return;
    }
    for (Path child : children) {
      String name = child.getFileName().toString();
      // Hidden folders, runs an edited experiment set aside, and report images hold no runs.
      if (!name.startsWith(".") && !name.startsWith("replaced-") && !name.endsWith("-images")) {
        collect(child, depth + 1, found);
      }
    }
  }
}
