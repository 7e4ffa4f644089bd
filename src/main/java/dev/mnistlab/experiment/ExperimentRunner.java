package dev.mnistlab.experiment;

import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.jobs.Job;
import dev.mnistlab.jobs.JobExecutor;
import dev.mnistlab.jobs.TrainingJobs;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.UsageException;
import dev.mnistlab.train.Training;
import dev.mnistlab.train.TrainingObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Runs an experiment's steps in order, each seed into {@code OUT/NN-step-name/seed-S} ({@link
 * ExperimentDirectory}). It can be stopped at any time and run again: complete runs are skipped and
 * an interrupted run resumes from its last checkpoint.
 *
 * <p>The experiment file may be edited between runs. Before training, the runs already in {@code
 * OUT} are brought in line with it: a step that moved or was renamed takes its runs along, runs of
 * another recipe are moved aside (never deleted) and the step trains again, and runs set aside move
 * back when their recipe is the step's again; each move is told to {@link Listener#changed}.
 */
public final class ExperimentRunner {
  private ExperimentRunner() {}

  /** How a step's run begins. */
  public enum Start {
    /** From scratch. */
    FRESH,
    /** From the checkpoint of an interrupted run. */
    RESUMED,
    /** Not at all: it is complete. */
    SKIPPED
  }

  /** Told about every run; returns the observer that watches its epochs. */
  public interface Listener {
    /** Ignores everything. */
    Listener SILENT = (index, step, seed, runDir, start) -> TrainingObserver.SILENT;

    /**
     * A step's run for {@code seed} begins.
     *
     * @param index the step's position, from 1
     */
    TrainingObserver starting(int index, Experiment.Step step, long seed, Path runDir, Start start);

    /** Runs already in the output directory were moved before training; ignored by default. */
    default void changed(Change change) {}
  }

  /**
   * Runs moved before training, because the experiment file changed.
   *
   * @param index the step's position now, from 1
   * @param from the directory the runs were in
   * @param to where they are now
   * @param seeds the seeds of the runs moved
   * @param differences why runs were replaced: how their recipe differs from the step's (the run's
   *     value first); empty when a step only moved
   */
  public record Change(
      int index,
      Experiment.Step step,
      Kind kind,
      Path from,
      Path to,
      List<Long> seeds,
      List<Recipe.Difference> differences) {

    /** What happened to the runs. */
    public enum Kind {
      /** The step moved or was renamed; its runs went along. */
      MOVED,
      /** The step's recipe changed; its runs were set aside and the step trains again. */
      REPLACED,
      /** Runs of the step's recipe, set aside earlier, were moved back: they need not train. */
      RESTORED
    }

    /**
     * A sentence for the console, wrapped under 100 characters (lines after the first indented).
     */
    public String describe() {
      String runs =
          seeds.isEmpty()
              ? "directory"
              : (seeds.size() == 1 ? "run of seed " : "runs of seeds ") + Plain.list(seeds);
      String head = String.format(Locale.ROOT, "step %d '%s': ", index, step.name());
      String text =
          switch (kind) {
            case MOVED ->
                "its " + runs + " moved from " + from.getFileName() + " to " + to.getFileName();
            case RESTORED ->
                "its " + runs + " moved back from " + from + ": the recipe is theirs again";
            case REPLACED ->
                "the recipe changed ("
                    + String.join(
                        ", ", differences.stream().map(Recipe.Difference::toString).toList())
                    + "); its "
                    + runs
                    + " moved aside to "
                    + to;
          };
      return String.join("\n", ExperimentSheet.wrap(head + text, "", "  "));
    }
  }

  /**
   * A step and its runs, one per seed.
   *
   * @param dir the step's directory, holding one {@code seed-S} run directory per seed
   */
  public record StepResult(Experiment.Step step, Path dir, List<RunResult> runs) {}

  /**
   * Runs every step for every seed.
   *
   * @param seeds seeds to run each step with; empty runs each step's configured seed
   * @param steps the steps to run, numbered from 1; empty runs them all
   * @param threads the engine thread count this process trains with (0: the engine's default), as
   *     the caller started the engine: the engine reads it once. Every new run saves it in its
   *     {@code config.yaml}, so that configuration reproduces the run; an interrupted run saved
   *     with another count is not continued (it would no longer be what its configuration says)
   * @param data loads a dataset (steps may name different ones)
   * @throws IllegalArgumentException when {@code out} holds a different experiment, or an
   *     interrupted run was trained with another thread count
   */
  public static List<StepResult> run(
      Experiment experiment,
      Path out,
      List<Long> seeds,
      List<Long> steps,
      int threads,
      Function<Dataset, DataStore.Loaded> data,
      Listener listener) {
    List<StepResult> results = new ArrayList<>();
    for (List<PlannedRun> stepRuns : plan(experiment, out, seeds, steps, threads, listener)) {
      List<RunResult> runs = new ArrayList<>();
      for (PlannedRun r : stepRuns) {
        DataStore.Loaded loaded = data.apply(Dataset.parse(r.config().dataset()));
        TrainingObserver observer =
            listener.starting(r.index(), r.step(), r.seed(), r.runDir(), r.start());
        // ExperimentReconciler left only runs of this recipe here; the run keeps the configuration
        // it saved (it may name the same network differently).
        runs.add(
            RunDirectory.exists(r.runDir())
                ? Training.resume(r.runDir(), loaded, observer)
                : Training.run(r.recipe(), loaded, r.runDir(), observer));
      }
      results.add(new StepResult(stepRuns.get(0).step(), stepRuns.get(0).stepDir(), runs));
    }
    return results;
  }

  /**
   * Like {@link #run}, but each run that is not complete trains as a job on {@code executor} (in a
   * JVM of its own, several at once); then every run is read from its directory.
   *
   * @param dataDirs where each dataset lies, fetched and verified beforehand
   * @throws dev.mnistlab.jobs.JobsFailedException naming the runs that failed
   */
  public static List<StepResult> runAsJobs(
      Experiment experiment,
      Path out,
      List<Long> seeds,
      List<Long> steps,
      int threads,
      Function<Dataset, Path> dataDirs,
      Listener listener,
      JobExecutor executor,
      JobExecutor.Listener jobListener) {
    List<List<PlannedRun>> planned = plan(experiment, out, seeds, steps, threads, listener);
    List<Job> jobs = new ArrayList<>();
    for (List<PlannedRun> stepRuns : planned) {
      for (PlannedRun r : stepRuns) {
        Path dataDir = dataDirs.apply(Dataset.parse(r.config().dataset()));
        String name = "step " + r.index() + " seed " + r.seed();
        // As in run(): a run already there keeps the configuration it saved (ExperimentReconciler
        // left only runs of this recipe, which may name the same network differently).
        switch (r.start()) {
          case SKIPPED -> listener.starting(r.index(), r.step(), r.seed(), r.runDir(), r.start());
          case FRESH, RESUMED ->
              jobs.add(TrainingJobs.startOrContinue(name, r.config(), r.runDir(), dataDir));
        }
      }
    }
    TrainingJobs.runAllOrFail(executor, jobs, jobListener);
    List<StepResult> results = new ArrayList<>();
    for (List<PlannedRun> stepRuns : planned) {
      List<RunResult> runs = new ArrayList<>();
      for (PlannedRun r : stepRuns) {
        runs.add(RunDirectory.open(r.runDir()).readMetrics());
      }
      results.add(new StepResult(stepRuns.get(0).step(), stepRuns.get(0).stepDir(), runs));
    }
    return results;
  }

  /** One run an experiment asks for, and how it starts. */
  private record PlannedRun(
      int index,
      Experiment.Step step,
      long seed,
      Path stepDir,
      Path runDir,
      Recipe recipe,
      Start start) {
    TrainConfig config() {
      return recipe.config();
    }
  }

  /**
   * The runs to make, step by step: checks the steps, brings the directory in line with the
   * experiment (reporting each change) and saves the experiment beside its runs.
   */
  private static List<List<PlannedRun>> plan(
      Experiment experiment,
      Path out,
      List<Long> seeds,
      List<Long> steps,
      int threads,
      Listener listener) {
    checkSteps(experiment, steps);
    ExperimentDirectory directory = new ExperimentDirectory(out);
    ExperimentReconciler.reconcile(experiment, directory, listener::changed);
    directory.saveExperiment(experiment);
    List<List<PlannedRun>> planned = new ArrayList<>();
    for (int i = 0; i < experiment.steps().size(); i++) {
      if (!steps.isEmpty() && !steps.contains((long) i + 1)) {
        continue;
      }
      Experiment.Step step = experiment.steps().get(i);
      Path stepDir = directory.stepDir(i, step);
      List<PlannedRun> stepRuns = new ArrayList<>();
      for (long seed : seeds.isEmpty() ? List.of(step.config().seed()) : seeds) {
        Recipe recipe = step.recipe().withConfig(step.config().withRun(seed, threads));
        Path runDir = RunDirectory.seedDir(stepDir, seed);
        Start start = Start.FRESH;
        if (RunDirectory.exists(runDir)) {
          RunDirectory existing = RunDirectory.open(runDir);
          if (existing.isComplete()) {
            start = Start.SKIPPED;
          } else {
            checkThreads(existing, threads);
            start = existing.hasCheckpoint() ? Start.RESUMED : Start.FRESH;
          }
        }
        stepRuns.add(new PlannedRun(i + 1, step, seed, stepDir, runDir, recipe, start));
      }
      planned.add(stepRuns);
    }
    return planned;
  }

  /**
   * The engine thread count the steps to run ask for, to start the engine with when no count is
   * given on the command line.
   *
   * @param steps the steps to run, numbered from 1; empty means all
   * @throws IllegalArgumentException when they ask for different counts (one process trains with
   *     one count)
   */
  public static int threads(Experiment experiment, List<Long> steps) {
    checkSteps(experiment, steps);
    Map<Integer, List<Integer>> stepsByThreads = new TreeMap<>();
    for (int i = 0; i < experiment.steps().size(); i++) {
      if (steps.isEmpty() || steps.contains((long) i + 1)) {
        stepsByThreads
            .computeIfAbsent(experiment.steps().get(i).config().threads(), t -> new ArrayList<>())
            .add(i + 1);
      }
    }
    if (stepsByThreads.size() > 1) {
      List<String> asks = new ArrayList<>();
      stepsByThreads.forEach(
          (t, s) -> asks.add((s.size() == 1 ? "step " : "steps ") + Plain.list(s) + ": " + t));
      throw new UsageException(
          experiment.origin()
              + ": the steps ask for different engine thread counts ("
              + String.join("; ", asks)
              + "); one process trains with one, so give --threads N");
    }
    return stepsByThreads.keySet().iterator().next();
  }

  private static void checkSteps(Experiment experiment, List<Long> steps) {
    for (long n : steps) {
      if (n < 1 || n > experiment.steps().size()) {
        throw new UsageException(
            "step "
                + n
                + " does not exist; "
                + experiment.name()
                + " has steps 1.."
                + experiment.steps().size());
      }
    }
  }

  private static void checkThreads(RunDirectory run, int threads) {
    int saved = run.readConfig().threads();
    if (saved != threads) {
      throw new UsageException(
          run.path()
              + " was interrupted; its config.yaml says threads: "
              + saved
              + ", but this process trains with "
              + threads
              + " (0: the engine's default). Continue it with --threads "
              + saved
              + ", or delete it to train it again");
    }
  }
}
