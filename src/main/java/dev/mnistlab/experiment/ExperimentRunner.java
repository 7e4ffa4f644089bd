package dev.mnistlab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.io.YamlInput;
import dev.mnistlab.jobs.Job;
import dev.mnistlab.jobs.JobExecutor;
import dev.mnistlab.jobs.TrainingJobs;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.Reasons;
import dev.mnistlab.text.UsageException;
import dev.mnistlab.train.Training;
import dev.mnistlab.train.TrainingObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Runs an experiment's steps in order, each seed into {@code OUT/NN-step-name/seed-S}. It can be
 * stopped at any time and run again: complete runs are skipped and an interrupted run resumes from
 * its last checkpoint.
 *
 * <p>The experiment file may be edited between runs. Before training, every run already in {@code
 * OUT} is compared with its step's recipe ({@link Recipe}: the resolved configuration and network,
 * not the file's text): a run of the same recipe is kept, whatever the step's target or analysis
 * now say; a run of another recipe is moved aside into {@code NN-step/replaced-K/} (never deleted)
 * and the step trains again; runs set aside move back when their recipe is the step's again. A step
 * that moved (one was inserted before it) or was renamed takes its directory along.
 */
public final class ExperimentRunner {
  /** The resolved experiment, saved in the output directory so reports need only that. */
  public static final String EXPERIMENT_FILE = "experiment.yaml";

  private static final String REPLACED = "replaced";

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
   * What the output directory holds for one step, against the step's recipe.
   *
   * @param index the step's position, from 1
   * @param dir the step's directory
   * @param complete seeds whose run finished
   * @param incomplete seeds whose run was interrupted
   * @param differences how the runs' recipe differs from the step's (the run's value first); empty
   *     when the runs are of the step's recipe or there are none
   * @param shortened the runs are of the step's recipe with fewer epochs or training images: a
   *     smoke run ({@code experiment run --epochs N --limit N})
   */
  public record StepStatus(
      int index,
      Experiment.Step step,
      Path dir,
      List<Long> complete,
      List<Long> incomplete,
      List<Recipe.Difference> differences,
      boolean shortened) {

    /** Whether any run of the step is there. */
    public boolean hasRuns() {
      return !complete.isEmpty() || !incomplete.isEmpty();
    }

    /** One line: which seeds ran, and whether they are a smoke run or of another recipe. */
    public String describe() {
      if (!hasRuns()) {
        return "not run";
      }
      List<String> parts = new ArrayList<>();
      if (!complete.isEmpty()) {
        parts.add("complete: seed " + Plain.list(complete));
      }
      if (!incomplete.isEmpty()) {
        parts.add("interrupted: seed " + Plain.list(incomplete));
      }
      String line = String.join(", ", parts);
      if (shortened) {
        return line + "; SMOKE RUN (" + lengths(this) + ")";
      }
      if (!differences.isEmpty()) {
        return line
            + "; another recipe ("
            + String.join(", ", differences.stream().map(Recipe.Difference::toString).toList())
            + "), replaced on the next run";
      }
      return line;
    }

    /** How a smoke run's length differs from the recipe's: {@code epochs 2, recipe 15}. */
    static String lengths(StepStatus status) {
      return String.join(
          "; ",
          status.differences().stream()
              .map(
                  d ->
                      d.field().equals("limit")
                          ? "limit " + images(d.was()) + ", recipe " + images(d.now())
                          : d.field() + " " + d.was() + ", recipe " + d.now())
              .toList());
    }

    private static String images(String limit) {
      long n = Long.parseLong(limit);
      return n == 0 ? "all images" : Plain.count(n, "image");
    }
  }

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
        // reconcile() left only runs of this recipe here; the run keeps the configuration it
        // saved (it may name the same network differently).
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
        // As in run(): a run already there keeps the configuration it saved (reconcile() left
        // only runs of this recipe, which may name the same network differently).
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
    reconcile(experiment, out, listener);
    saveExperiment(experiment, out);
    List<List<PlannedRun>> planned = new ArrayList<>();
    for (int i = 0; i < experiment.steps().size(); i++) {
      if (!steps.isEmpty() && !steps.contains((long) i + 1)) {
        continue;
      }
      Experiment.Step step = experiment.steps().get(i);
      Path stepDir = out.resolve(stepDirName(i, step));
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

  /**
   * What {@code out} holds for each step of {@code experiment}, compared with the step's recipe;
   * reads only.
   */
  public static List<StepStatus> status(Experiment experiment, Path out) {
    List<StepStatus> statuses = new ArrayList<>();
    for (int i = 0; i < experiment.steps().size(); i++) {
      Experiment.Step step = experiment.steps().get(i);
      Path dir = out.resolve(stepDirName(i, step));
      Recipe recipe = step.recipe();
      List<Long> complete = new ArrayList<>();
      List<Long> incomplete = new ArrayList<>();
      List<Recipe.Difference> differences = List.of();
      boolean shortened = false;
      for (RunDirectory run : RunDirectory.runsIn(dir)) {
        Recipe saved = run.readRecipe();
        (run.isComplete() ? complete : incomplete).add(saved.config().seed());
        List<Recipe.Difference> d = saved.differences(recipe);
        if (differences.isEmpty() && !d.isEmpty()) {
          differences = d;
          shortened = saved.isShortenedFrom(recipe, d);
        }
      }
      statuses.add(new StepStatus(i + 1, step, dir, complete, incomplete, differences, shortened));
    }
    return statuses;
  }

  /**
   * {@code 03-batchnorm} for step 3 "3 BatchNorm": the step's position and a file-system-safe form
   * of its name.
   */
  public static String stepDirName(int index, Experiment.Step step) {
    return stepDirName(index, step.name());
  }

  static String stepDirName(int index, String name) {
    String slug =
        name.toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-|-$", "")
            // Names often start with their own number ("3 BatchNorm"); the prefix says it already.
            .replaceFirst("^\\d+-", "");
    // A file name has at most 255 bytes; the name itself is kept whole in experiment.yaml.
    slug = slug.substring(0, Math.min(slug.length(), 60)).replaceAll("-$", "");
    return String.format(Locale.ROOT, "%02d-%s", index + 1, slug.isEmpty() ? "step" : slug);
  }

  /** The experiment with every step's configuration written out in full. */
  public static String toYaml(Experiment experiment) {
    ObjectNode root = Mappers.YAML.createObjectNode();
    root.put("name", experiment.name());
    root.put("title", experiment.title());
    root.put("source", experiment.source());
    root.put("description", experiment.description());
    var steps = root.putArray("steps");
    for (Experiment.Step step : experiment.steps()) {
      ObjectNode node = steps.addObject();
      node.put("name", step.name());
      node.put("target", step.target());
      node.set("config", Mappers.YAML.valueToTree(step.config()));
      node.put("analysis", step.analysis());
      node.set("reported", Mappers.YAML.valueToTree(step.reported()));
    }
    try {
      return Mappers.YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  /**
   * Brings the runs in {@code out} in line with {@code experiment}: step directories follow their
   * step to its new position or name, and runs of another recipe are moved aside.
   */
  private static void reconcile(Experiment experiment, Path out, Listener listener) {
    List<String> before = savedStepNames(experiment, out);
    List<String> after = experiment.steps().stream().map(Experiment.Step::name).toList();
    // Step directories whose step moved or was renamed: a step keeps its directory by name, or
    // by position when it has a new name and its old name is gone.
    Map<Integer, Path> moves = new LinkedHashMap<>();
    for (int i = 0; i < after.size(); i++) {
      int was = before.indexOf(after.get(i));
      if (was < 0 && i < before.size() && !after.contains(before.get(i))) {
        was = i;
      }
      if (was < 0) {
        continue;
      }
      Path from = out.resolve(stepDirName(was, before.get(was)));
      Path to = out.resolve(stepDirName(i, after.get(i)));
      if (!from.equals(to) && Files.isDirectory(from)) {
        moves.put(i, from);
      }
    }
    try {
      // Two passes, through temporary names, so that no move lands on a directory still to move.
      Map<Integer, Path> parked = new HashMap<>();
      for (var move : moves.entrySet()) {
        Path tmp = out.resolve(".moving-" + move.getKey());
        Files.move(move.getValue(), tmp);
        parked.put(move.getKey(), tmp);
      }
      for (var move : moves.entrySet()) {
        int i = move.getKey();
        Experiment.Step step = experiment.steps().get(i);
        Path to = out.resolve(stepDirName(i, step));
        if (Files.exists(to)) {
          // A directory left by a step since removed: keep it, under a name no step uses.
          Files.move(to, uniqueSibling(to, ".removed-"));
        }
        Files.move(parked.get(i), to);
        listener.changed(
            new Change(
                i + 1, step, Change.Kind.MOVED, move.getValue(), to, seedsIn(to), List.of()));
      }
      for (int i = 0; i < experiment.steps().size(); i++) {
        replaceStale(i, experiment.steps().get(i), out, listener);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move runs in " + out, e);
    }
  }

  private static void replaceStale(int i, Experiment.Step step, Path out, Listener listener)
      throws IOException {
    Path stepDir = out.resolve(stepDirName(i, step));
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
      Path aside = uniqueSibling(stepDir.resolve(REPLACED), "-");
      Files.createDirectories(aside);
      List<Long> seeds = new ArrayList<>();
      for (RunDirectory run : stale) {
        seeds.add(run.readConfig().seed());
        Files.move(run.path(), aside.resolve(run.path().getFileName()));
      }
      listener.changed(
          new Change(i + 1, step, Change.Kind.REPLACED, stepDir, aside, seeds, differences));
    }
    restore(i, step, recipe, stepDir, listener);
  }

  /**
   * Moves runs of {@code recipe} set aside earlier back into the step's directory, where no run of
   * their seed is: a full run set aside by a smoke run into the same directory comes back when the
   * full recipe is run again. Complete runs are preferred.
   */
  private static void restore(
      int i, Experiment.Step step, Recipe recipe, Path stepDir, Listener listener)
      throws IOException {
    if (!Files.isDirectory(stepDir)) {
      return;
    }
    List<Path> asides;
    try (var children = Files.list(stepDir)) {
      asides =
          children
              .filter(d -> d.getFileName().toString().matches(REPLACED + "-\\d+"))
              .filter(Files::isDirectory)
              .sorted(
                  Comparator.comparingLong(
                          (Path d) ->
                              Long.parseLong(
                                  d.getFileName().toString().substring(REPLACED.length() + 1)))
                      .reversed())
              .toList();
    }
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
          listener.changed(
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

  /** {@code base} followed by {@code separator} and the first number that names nothing yet. */
  private static Path uniqueSibling(Path base, String separator) {
    for (int k = 1; ; k++) {
      Path candidate = base.resolveSibling(base.getFileName() + separator + k);
      if (!Files.exists(candidate)) {
        return candidate;
      }
    }
  }

  private static List<Long> seedsIn(Path stepDir) {
    return RunDirectory.runsIn(stepDir).stream().map(r -> r.readConfig().seed()).toList();
  }

  /**
   * The step names of the experiment saved in {@code out}, read from its text only (its models need
   * not resolve any more); empty when there is none.
   *
   * @throws IllegalArgumentException when {@code out} holds another experiment
   */
  private static List<String> savedStepNames(Experiment experiment, Path out) {
    Path file = out.resolve(EXPERIMENT_FILE);
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    JsonNode saved;
    try {
      saved = Mappers.YAML.readTree(YamlInput.read(file));
    } catch (YamlInput.Problem e) {
      throw new UsageException(e.in(file));
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read (" + Reasons.of(e) + ")");
    }
    String name = saved == null || saved.get("name") == null ? "" : saved.get("name").asText();
    if (!name.equals(experiment.name())) {
      throw new UsageException(
          out
              + " holds another experiment ("
              + (name.isEmpty() ? "unnamed" : "'" + name + "'")
              + ", not '"
              + experiment.name()
              + "'); choose another --out or delete it");
    }
    List<String> names = new ArrayList<>();
    saved.path("steps").forEach(s -> names.add(s.path("name").asText()));
    return names;
  }

  private static void saveExperiment(Experiment experiment, Path out) {
    Path file = out.resolve(EXPERIMENT_FILE);
    try {
      Files.createDirectories(out);
      Path tmp = Files.createTempFile(out, EXPERIMENT_FILE, ".tmp");
      Files.writeString(tmp, toYaml(experiment));
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
