package dev.mnistlab.experiment;

import dev.mnistlab.config.Recipe;
import dev.mnistlab.experiment.ExperimentRunner.Change;
import dev.mnistlab.run.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Brings the runs already in an experiment's directory in line with the experiment as it is now,
 * after its file was edited, so that only what changed trains again.
 *
 * <p>A step that moved (one was inserted before it) or was renamed takes its directory along. Every
 * run is then compared with its step's recipe ({@link Recipe}: the resolved configuration and
 * network, not the file's text): a run of the same recipe is kept, whatever the step's target or
 * analysis now say; a run of another recipe is moved aside into {@code NN-step/replaced-K/} (never
 * deleted); runs set aside move back when their recipe is the step's again. Where each of these
 * lies is {@link ExperimentDirectory}'s to say.
 */
final class ExperimentReconciler {
  private final Experiment experiment;
  private final ExperimentDirectory dir;
  private final Consumer<Change> changes;

  private ExperimentReconciler(
      Experiment experiment, ExperimentDirectory dir, Consumer<Change> changes) {
    this.experiment = experiment;
    this.dir = dir;
    this.changes = changes;
  }

  /**
   * Moves step directories to their step's new position or name, sets aside runs of another recipe
   * and moves back runs of the step's recipe, telling {@code changes} about each.
   *
   * @throws IllegalArgumentException when {@code dir} holds another experiment
   */
  static void reconcile(Experiment experiment, ExperimentDirectory dir, Consumer<Change> changes) {
    new ExperimentReconciler(experiment, dir, changes).reconcile();
  }

  private void reconcile() {
    Map<Integer, Path> moves = stepDirectoryMoves();
    try {
      move(moves);
      for (int i = 0; i < experiment.steps().size(); i++) {
        replaceStale(i, experiment.steps().get(i));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move runs in " + dir.path(), e);
    }
  }

  /**
   * The step directories whose step moved or was renamed, by the step's index now: a step keeps its
   * directory by name, or by position when it has a new name and its old name is gone.
   */
  private Map<Integer, Path> stepDirectoryMoves() {
    List<String> before = dir.savedStepNames(experiment);
    List<String> after = experiment.steps().stream().map(Experiment.Step::name).toList();
    Map<Integer, Path> moves = new LinkedHashMap<>();
    for (int i = 0; i < after.size(); i++) {
      int was = before.indexOf(after.get(i));
      if (was < 0 && i < before.size() && !after.contains(before.get(i))) {
        was = i;
      }
      if (was < 0) {
        continue;
      }
      Path from = dir.stepDir(was, before.get(was));
      Path to = dir.stepDir(i, after.get(i));
      if (!from.equals(to) && Files.isDirectory(from)) {
        moves.put(i, from);
      }
    }
    return moves;
  }

  private void move(Map<Integer, Path> moves) throws IOException {
    // Two passes, through temporary names, so that no move lands on a directory still to move.
    Map<Integer, Path> parked = new HashMap<>();
    for (var move : moves.entrySet()) {
      Path tmp = dir.parkingPlace(move.getKey());
      Files.move(move.getValue(), tmp);
      parked.put(move.getKey(), tmp);
    }
    for (var move : moves.entrySet()) {
      int i = move.getKey();
      Experiment.Step step = experiment.steps().get(i);
      Path to = dir.stepDir(i, step);
      if (Files.exists(to)) {
        // A directory left by a step since removed: keep it, under a name no step uses.
        Files.move(to, ExperimentDirectory.removedPlace(to));
      }
      Files.move(parked.get(i), to);
      changes.accept(
          new Change(
              i + 1,
              step,
              Change.Kind.MOVED,
              move.getValue(),
              to,
              ExperimentDirectory.seedsIn(to),
              List.of()));
    }
  }

  private void replaceStale(int i, Experiment.Step step) throws IOException {
    Path stepDir = dir.stepDir(i, step);
    Recipe recipe = step.recipe();
    List<RunDirectory> stale = new ArrayList<>();
    List<Recipe.Difference> differences = List.of();
    for (RunDirectory run : RunDirectory.runsIn(stepDir)) {
      List<Recipe.Difference> d = run.readRecipe().differences(recipe);
      if (!d.isEmpty()) {
        stale.add(run);
        differences = stale.size() == 1 ? d : differences;
      }
    }
    if (!stale.isEmpty()) {
      Path aside = ExperimentDirectory.newAside(stepDir);
      Files.createDirectories(aside);
      List<Long> seeds = new ArrayList<>();
      for (RunDirectory run : stale) {
        seeds.add(run.readConfig().seed());
        Files.move(run.path(), aside.resolve(run.path().getFileName()));
      }
      changes.accept(
          new Change(i + 1, step, Change.Kind.REPLACED, stepDir, aside, seeds, differences));
    }
    restore(i, step, recipe, stepDir);
  }

  /**
   * Moves runs of {@code recipe} set aside earlier back into the step's directory, where no run of
   * their seed is: a full run set aside by a smoke run into the same directory comes back when the
   * full recipe is run again. Complete runs are preferred.
   */
  private void restore(int i, Experiment.Step step, Recipe recipe, Path stepDir)
      throws IOException {
    if (!Files.isDirectory(stepDir)) {
      return;
    }
    List<Path> asides = ExperimentDirectory.asidesIn(stepDir);
    for (boolean complete : new boolean[] {true, false}) {
      for (Path aside : asides) {
        List<Long> seeds = new ArrayList<>();
        for (RunDirectory run : RunDirectory.runsIn(aside)) {
          long seed = run.readConfig().seed();
          Path back = RunDirectory.seedDir(stepDir, seed);
          if (run.isComplete() == complete
              && !Files.exists(back)
              && run.readRecipe().differences(recipe).isEmpty()) {
            Files.move(run.path(), back);
            seeds.add(seed);
          }
        }
        if (!seeds.isEmpty()) {
          changes.accept(
              new Change(i + 1, step, Change.Kind.RESTORED, aside, stepDir, seeds, List.of()));
          try (var left = Files.list(aside)) {
            if (left.findAny().isEmpty()) {
              Files.delete(aside);
            }
          }
        }
      }
    }
  }
}
