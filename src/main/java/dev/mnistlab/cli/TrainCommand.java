package dev.mnistlab.cli;

import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.jobs.Job;
import dev.mnistlab.jobs.JobExecutor;
import dev.mnistlab.jobs.TrainingJobs;
import dev.mnistlab.report.Comparison;
import dev.mnistlab.run.Consistency;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Plain;
import dev.mnistlab.train.Training;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mnistlab train}: trains a model and writes a run directory. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a model and write a run directory (metrics.json, config.yaml, model.yaml, weights).",
      "With no options: the default compact model on MNIST, 15 epochs, OneCycle, seed 1."
    })
public class TrainCommand implements Callable<Integer> {
  private final Environment environment;

  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin DataOptions data;
  @Mixin RecipeOptions recipe;
  @Mixin LoggingMixin logging;

  @Option(
      names = "--seeds",
      paramLabel = "LIST",
      converter = NumberList.Converter.class,
      description =
          "Run the recipe once per seed (1..5 or 1,3,7) into <out>/seed-N and write a"
              + " consistency table (consistency.md, consistency.json).")
  NumberList seeds;

  @Mixin ExecutorOptions executors;

  @Option(
      names = "--target",
      paramLabel = "ACC",
      description = "Test accuracy in percent for the consistency table (default: 99.40).")
  double target = 99.40;

  @Option(
      names = "--resume",
      paramLabel = "RUN_DIR",
      description =
          "Continue an interrupted run after its last complete epoch, with the configuration"
              + " saved in RUN_DIR; a finished run is only summarized.")
  Path resume;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Run directory (default: runs/<timestamp>-<model>). If it already holds this run, a"
              + " complete one is shown and an interrupted one continues; a larger --epochs"
              + " extends it where the schedule allows; any other difference is refused, naming"
              + " the fields.")
  Path out;

  public TrainCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws IOException {
    if (resume != null) {
      return resume();
    }
    if (recipe.seed != null && seeds != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give either --seed or --seeds, not both");
    }
    Optional<RecipeOptions.Sweep> sweep = recipe.sweep(spec.commandLine());
    // One point per recipe to train: the recipe alone, or each value of a swept flag.
    List<Recipe> recipes =
        sweep.isPresent()
            ? recipe.resolveSweep(data, spec.commandLine(), sweep.get())
            : List.of(recipe.resolve(data, spec.commandLine()));
    Recipe first = recipes.get(0);
    Path base =
        out != null
            ? out
            : defaultRunDir(
                first.spec().name() + sweep.map(w -> "-" + w.flag().substring(2)).orElse(""));
    List<Path> pointDirs = new ArrayList<>();
    for (int i = 0; i < recipes.size(); i++) {
      pointDirs.add(sweep.isPresent() ? base.resolve(sweep.get().dirName(i)) : base);
    }
    try {
      RunDirectory.checkCanHold(base);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--out: " + e.getMessage(), e);
    }
    boolean asJobs = executors.separateJobs(spec.commandLine());
    if (asJobs && seeds == null && sweep.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--jobs and --spark run several trainings at once: give --seeds, or sweep a flag"
              + " (--max-lr 0.05,0.1)");
    }
    List<Long> seedList = seeds == null ? List.of(first.config().seed()) : seeds.values();
    List<List<RunResult>> results =
        asJobs
            ? trainAsJobs(recipes, pointDirs, seedList)
            : trainHere(recipes, pointDirs, seedList, sweep.isPresent() ? base : null);
    if (seeds != null) {
      for (int i = 0; i < recipes.size(); i++) {
        writeConsistency(results.get(i), pointDirs.get(i));
      }
    }
    if (sweep.isPresent()) {
      Comparison.Result comparison = Comparison.of(pointDirs, base.resolve("compare"));
      environment.out().println();
      environment
          .out()
          .printf("Sweep of %s: %s%n", sweep.get().flag(), String.join(", ", sweep.get().values()));
      environment.out().print(comparison.table().toText());
      environment
          .out()
          .println(
              "compare: wrote " + Plain.list(comparison.files()) + " and the charts beside them");
    }
    return Main.OK;
  }

  /** The run directory of one seed of one point. */
  private Path runDir(Path pointDir, long seed) {
    return seeds == null ? pointDir : RunDirectory.seedDir(pointDir, seed);
  }

  /**
   * Trains every point's seeds one after the other in this process.
   *
   * @param sweepBase the sweep's directory, named when it is interrupted; null without a sweep
   */
  private List<List<RunResult>> trainHere(
      List<Recipe> recipes, List<Path> pointDirs, List<Long> seedList, Path sweepBase) {
    TrainConfig config = recipes.get(0).config();
    Engines.start(config.threads());
    DataStore.Loaded loaded =
        environment.dataStore().load(Dataset.parse(config.dataset()), data.dataDir);
    ConsoleObserver console = new ConsoleObserver(environment.out(), System.console() != null);
    List<List<RunResult>> results = new ArrayList<>();
    // One run resumes from its directory; several continue by running the command again.
    boolean several = seeds != null || sweepBase != null;
    String again =
        several
            ? InterruptNotice.sameCommand(
                spec, out == null ? (sweepBase != null ? sweepBase : pointDirs.get(0)) : null)
            : null;
    try (InterruptNotice notice = new InterruptNotice(environment.err(), console, again)) {
      for (int i = 0; i < recipes.size(); i++) {
        List<RunResult> point = new ArrayList<>();
        for (long s : seedList) {
          Recipe seeded = recipes.get(i).withSeed(s);
          Path runDir = runDir(pointDirs.get(i), s);
          console.header(seeded, loaded, runDir);
          RunResult result = Training.runOrContinue(seeded, loaded, runDir, console);
          console.summary(result, several ? null : runDir);
          point.add(result);
        }
        results.add(point);
      }
    }
    return results;
  }

  private void writeConsistency(List<RunResult> results, Path base) {
    Consistency consistency = Consistency.of(results, target);
    RunDirectory.writeConsistency(base, consistency);
    environment.out().println();
    environment.out().print(consistency.toMarkdown());
    environment.out().println("its report: ./mnistlab report " + base);
  }

  /**
   * Each seed of each point as a job of its own, on the executor {@link #executors} asks for: the
   * data is fetched and verified here once, then every child reads it from the same directory.
   */
  private List<List<RunResult>> trainAsJobs(
      List<Recipe> recipes, List<Path> pointDirs, List<Long> seedList) {
    Path dataDir =
        data.fetchedDirectory(environment, Dataset.parse(recipes.get(0).config().dataset()));
    List<Job> list = new ArrayList<>();
    for (int i = 0; i < recipes.size(); i++) {
      for (long s : seedList) {
        Path runDir = runDir(pointDirs.get(i), s);
        String name =
            (recipes.size() > 1 ? pointDirs.get(i).getFileName() + "/" : "") + "seed-" + s;
        list.add(TrainingJobs.of(name, recipes.get(i).config().withSeed(s), runDir, dataDir));
      }
    }
    // One retry: a job that failed for a passing reason (a killed child) continues its run.
    JobExecutor executor = executors.create(spec.commandLine(), 2);
    environment.out().printf("%d trainings, %s%n", list.size(), executor.describe());
    TrainingJobs.runAllOrFail(executor, list, new JobLines(environment.out()));
    List<List<RunResult>> results = new ArrayList<>();
    for (Path pointDir : pointDirs) {
      List<RunResult> point = new ArrayList<>();
      for (long s : seedList) {
        point.add(RunDirectory.open(runDir(pointDir, s)).readMetrics());
      }
      results.add(point);
    }
    return results;
  }

  private int resume() {
    List<String> recipeOptions =
        spec.commandLine().getParseResult().matchedOptions().stream()
            .map(CommandLine.Model.OptionSpec::longestName)
            .filter(name -> !List.of("--resume", "--data-dir", "--verbose").contains(name))
            .toList();
    if (!recipeOptions.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--resume continues the saved configuration; "
              + String.join(", ", recipeOptions)
              + " cannot change it");
    }
    Recipe saved = RunDirectory.open(resume).readRecipe();
    TrainConfig config = saved.config();
    Engines.start(config.threads());
    DataStore.Loaded loaded =
        environment.dataStore().load(Dataset.parse(config.dataset()), data.dataDir);
    ConsoleObserver console = new ConsoleObserver(environment.out(), System.console() != null);
    console.header(saved, loaded, resume);
    try (InterruptNotice notice = new InterruptNotice(environment.err(), console, null)) {
      console.summary(Training.resume(resume, loaded, console), resume);
    }
    return Main.OK;
  }

  private static Path defaultRunDir(String modelName) {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return Path.of("runs", stamp + "-" + modelName.replaceAll("[^A-Za-z0-9._-]", "-"));
  }
}
