package dev.mnistlab.train;

import dev.mnistlab.config.ConfigDiff;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.io.DirectoryLock;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.SpecException;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.UsageException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a training starts: a new run, an interrupted run continued, a finished run extended, or a
 * refusal naming what differs. Each then hands its recipe to {@link TrainingLoop}, the loop itself.
 */
public final class Training {
  private Training() {}

  /**
   * Runs the whole recipe from scratch: build, train its epochs evaluating and checkpointing after
   * each, save. The loop in {@link TrainingLoop} is the whole algorithm; nothing happens in
   * listeners.
   *
   * @param runDir where metrics, configuration, checkpoint and the trained model are written
   * @return what was measured, also saved as {@code metrics.json}
   */
  public static RunResult run(
      Recipe recipe, DataStore.Loaded data, Path runDir, TrainingObserver observer) {
    checkInput(recipe.config(), recipe.spec(), data);
    // Claimed before anything is written, so a refused run leaves no trace.
    try (Engines.Lease engine = Engines.claim(runDir.toString())) {
      RunDirectory run = RunDirectory.create(runDir);
      try (DirectoryLock lock = take(run, observer)) {
        run.writeRecipe(recipe);
        return TrainingLoop.train(recipe, data, run, observer, false, engine);
      }
    }
  }

  /**
   * Continues the run in {@code runDir} after its last complete epoch, with the configuration and
   * model saved there; the remaining epochs match those of an uninterrupted run. A finished run is
   * returned as it is (the observer hears {@link TrainingObserver#alreadyComplete}); a run that
   * never finished an epoch starts again.
   *
   * @param data the dataset the saved configuration names
   */
  public static RunResult resume(Path runDir, DataStore.Loaded data, TrainingObserver observer) {
    RunDirectory dir = RunDirectory.open(runDir);
    if (dir.isComplete()) {
      RunResult done = dir.readMetrics();
      observer.alreadyComplete(done);
      return done;
    }
    Recipe recipe = dir.readRecipe();
    checkInput(recipe.config(), recipe.spec(), data);
    try (Engines.Lease engine = Engines.claim(runDir.toString());
        DirectoryLock lock = take(dir, observer)) {
      return TrainingLoop.train(recipe, data, dir, observer, dir.hasCheckpoint(), engine);
    }
  }

  /**
   * Locks the run for this process and clears what a dead predecessor left: its lock and its
   * temporary files (a crash mid-write), which the observer hears of.
   *
   * @throws DirectoryLock.HeldException naming the process that trains the run now
   */
  private static DirectoryLock take(RunDirectory run, TrainingObserver observer) {
    DirectoryLock lock = run.lock();
    List<Path> leftovers = run.removeLeftovers();
    if (lock.previousOwner() != null || !leftovers.isEmpty()) {
      observer.recovered(lock.previousOwner(), leftovers);
    }
    return lock;
  }

  /**
   * Trains into {@code runDir}, or continues the run already there: a complete run is returned as
   * it is, an interrupted one resumes from its checkpoint. Lets multi-seed runs and experiments be
   * stopped and started again. The thread count may differ (it is how a run is executed, not what
   * it trains); the run keeps the configuration it saved.
   *
   * <p>A configuration that asks for more epochs than the run has, and differs in nothing else,
   * extends it from its checkpoint when the schedule's rates do not depend on the number of epochs
   * (constant, step, multistep, linear, plateau, and cosine with a fixed {@code t_max}); see {@link
   * #whyNotExtensible}.
   *
   * @throws IllegalArgumentException when {@code runDir} holds a run of another network (its spec
   *     file was edited), or of another configuration, naming the fields that differ ({@code
   *     epochs: 15 → 5}), or one that cannot be extended, saying why
   */
  public static RunResult runOrContinue(
      Recipe recipe, DataStore.Loaded data, Path runDir, TrainingObserver observer) {
    if (!RunDirectory.exists(runDir)) {
      return run(recipe, data, runDir, observer);
    }
    RunDirectory dir = RunDirectory.open(runDir);
    Recipe savedRecipe = dir.readRecipe();
    TrainConfig saved = savedRecipe.config();
    TrainConfig config = recipe.config();
    ConfigDiff diff = ConfigDiff.ofRun(saved, config);
    // The network counts, not its name: an edited spec file keeps its name but not its run.
    if (!savedRecipe.sameNetwork(recipe)) {
      throw new UsageException(
          runDir
              + " holds a run of another network (model "
              + config.model()
              + ": its layers changed"
              + (diff.isEmpty() ? "" : "; " + diff)
              + "); choose another --out or delete it");
    }
    if (diff.isEmpty()) {
      return resume(runDir, data, observer);
    }
    if (!diff.fields().equals(List.of("epochs"))) {
      throw new UsageException(
          runDir
              + " holds a run of another configuration ("
              + diff
              + "); choose another --out or delete it");
    }
    String refusal = whyNotExtensible(saved, config.epochs(), dir);
    if (refusal != null) {
      throw new UsageException(
          runDir
              + " holds a run of "
              + saved.epochs()
              + (saved.epochs() == 1 ? " epoch (" : " epochs (")
              + diff
              + "): "
              + refusal);
    }
    observer.extending(saved.epochs(), config.epochs());
    dir.extend(saved.toBuilder().epochs(config.epochs()).build().validate());
    return resume(runDir, data, observer);
  }

  /**
   * Why the run in {@code dir}, trained under {@code saved}, cannot continue to {@code epochs}
   * epochs, or null when it can: the schedule must give every epoch trained so far the rate it
   * would have had in the longer run, and the run must have a checkpoint to continue from.
   */
  static String whyNotExtensible(TrainConfig saved, int epochs, RunDirectory dir) {
    if (epochs < saved.epochs()) {
      return "a run cannot be shortened; choose another --out for a shorter one";
    }
    TrainConfig.Schedule s = saved.schedule();
    if (s.type().equals("onecycle")) {
      return "OneCycle spreads its rates over the run's total epochs, so the epochs already"
          + " trained followed a "
          + saved.epochs()
          + "-epoch cycle and cannot be continued as part of a longer one; choose another --out";
    }
    if (s.type().equals("cosine") && s.tMax() == 0) {
      return "cosine with t_max 0 anneals over the run's total epochs, so the epochs already"
          + " trained cannot be continued as part of a longer run; fix t_max to extend runs,"
          + " or choose another --out";
    }
    if (!dir.hasCheckpoint()) {
      return "it has no checkpoint to continue from; choose another --out or delete it";
    }
    if (dir.isComplete() && saved.stop().reached(dir.readMetrics().testAccuracies())) {
      return "it ended early at its stop_at target ("
          + saved.stop().at()
          + "%), which further epochs would pass at once; choose another --out";
    }
    return null;
  }

  /**
   * The limit must not ask for more training images than there are, and the spec must take the
   * dataset's images; checked before anything is written.
   */
  static void checkInput(TrainConfig config, ModelSpec spec, DataStore.Loaded data) {
    if (config.validation() >= data.train().count()) {
      throw new UsageException(
          "validation "
              + config.validation()
              + " would hold out all "
              + Plain.count(data.train().count(), "training image")
              + " of "
              + data.dataset());
    }
    if (config.limit() > data.train().count() - config.validation()) {
      // More images than there are would silently train on all of them.
      throw new UsageException(
          "limit "
              + config.limit()
              + " is more than the "
              + Plain.count(data.train().count() - config.validation(), "training image")
              + " of "
              + data.dataset()
              + " (0 uses them all)");
    }
    int rows = data.train().rows();
    int cols = data.train().cols();
    ModelSpec.Shape3 input = spec.inputShape();
    if (input.channels() != 1 || input.height() != rows || input.width() != cols) {
      throw new SpecException(
          spec.source(),
          0,
          "input "
              + input
              + " does not match "
              + data.dataset()
              + "'s 1×"
              + rows
              + "×"
              + cols
              + " grayscale images");
    }
  }
}
