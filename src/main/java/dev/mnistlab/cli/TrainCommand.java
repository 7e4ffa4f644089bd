package dev.mnistlab.cli;

import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.jobs.Job;
import dev.mnistlab.jobs.JobExecutor;
import dev.mnistlab.jobs.TrainingJobs;
import dev.mnistlab.run.Consistency;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.train.Training;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
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
    Recipe resolved = recipe.resolve(data, spec.commandLine());
    TrainConfig config = resolved.config();
    List<Long> seedList = seeds == null ? List.of(config.seed()) : seeds.values();
    Path base = out != null ? out : defaultRunDir(resolved.spec().name());
    try {
      RunDirectory.checkCanHold(base);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--out: " + e.getMessage(), e);
    }
    boolean asJobs = executors.separateJobs(spec.commandLine());
    if (asJobs && seeds == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--jobs and --spark run several seeds at once: give --seeds too");
    }
    if (asJobs) {
      return trainSeedsAsJobs(config, seedList, base);
    }
    Engines.start(config.threads());
    DataStore.Loaded loaded =
        environment.dataStore().load(Dataset.parse(config.dataset()), data.dataDir);
    ConsoleObserver console = new ConsoleObserver(environment.out(), System.console() != null);
    List<RunResult> results = new ArrayList<>();
    // One run resumes from its directory; several continue by running the command again.
    String again =
        seeds == null ? null : InterruptNotice.sameCommand(spec, out == null ? base : null);
    try (InterruptNotice notice = new InterruptNotice(environment.err(), console, again)) {
      for (long s : seedList) {
        Recipe seeded = resolved.withSeed(s);
        Path runDir = seeds == null ? base : RunDirectory.seedDir(base, s);
        console.header(seeded, loaded, runDir);
        RunResult result = Training.runOrContinue(seeded, loaded, runDir, console);
        console.summary(result, seeds == null ? runDir : null);
        results.add(result);
      }
    }
    if (seeds != null) {
      writeConsistency(results, base);
    }
    return Main.OK;
  }

  private void writeConsistency(List<RunResult> results, Path base) {
    Consistency consistency = Consistency.of(results, target);
    RunDirectory.writeConsistency(base, consistency);
    environment.out().println();
    environment.out().print(consistency.toMarkdown());
    environment.out().println("its report: ./mnistlab report " + base);
  }

  /**
   * Each seed as a job of its own, on the executor {@link #executors} asks for: the data is fetched
   * and verified here once, then every child reads it from the same directory.
   */
  private int trainSeedsAsJobs(TrainConfig config, List<Long> seedList, Path base) {
    Path dataDir = data.fetchedDirectory(environment, Dataset.parse(config.dataset()));
    List<Job> list = new ArrayList<>();
    for (long s : seedList) {
      list.add(
          TrainingJobs.of("seed-" + s, config.withSeed(s), RunDirectory.seedDir(base, s), dataDir));
    }
    // One retry: a job that failed for a passing reason (a killed child) continues its run.
    JobExecutor executor = executors.create(spec.commandLine(), 2);
    environment.out().printf("%d seeds, %s%n", list.size(), executor.describe());
    TrainingJobs.runAllOrFail(executor, list, new JobLines(environment.out()));
    List<RunResult> results = new ArrayList<>();
    for (long s : seedList) {
      results.add(RunDirectory.open(RunDirectory.seedDir(base, s)).readMetrics());
    }
    writeConsistency(results, base);
    return Main.OK;
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
