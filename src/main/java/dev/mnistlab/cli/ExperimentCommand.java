package dev.mnistlab.cli;

import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.experiment.Experiment;
import dev.mnistlab.experiment.ExperimentDirectory;
import dev.mnistlab.experiment.ExperimentParser;
import dev.mnistlab.experiment.ExperimentRunner;
import dev.mnistlab.experiment.ExperimentSheet;
import dev.mnistlab.experiment.StepStatus;
import dev.mnistlab.jobs.JobExecutor;
import dev.mnistlab.model.ModelSummary;
import dev.mnistlab.report.ReportBuilder;
import dev.mnistlab.text.Plain;
import dev.mnistlab.train.TrainingObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mnistlab experiment}: run a step-by-step progression, show one, or list the shipped. */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description = "Run an experiment file's steps in order and write its report.",
    subcommands = {
      ExperimentCommand.Run.class,
      ExperimentCommand.Show.class,
      ExperimentCommand.ListCommand.class
    })
public class ExperimentCommand {
  /** Where a smoke run goes by default: beside the full run's directory, never into it. */
  private static final String SMOKE_SUFFIX = "-smoke";

  /** {@code runs/experiments/NAME}, or {@code NAME-smoke} for a smoke run. */
  static Path defaultOut(String name, boolean smoke) {
    return Path.of("runs", "experiments", name + (smoke ? SMOKE_SUFFIX : ""));
  }

  /** What each default output directory of {@code e} that exists holds, per step. */
  static Map<Path, List<StepStatus>> defaultRuns(Experiment e) {
    Map<Path, List<StepStatus>> runs = new LinkedHashMap<>();
    for (boolean smoke : new boolean[] {false, true}) {
      Path dir = defaultOut(e.name(), smoke);
      if (Files.isDirectory(dir)) {
        runs.put(dir, new ExperimentDirectory(dir).status(e));
      }
    }
    return runs;
  }

  /** {@code experiment run FILE}. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Run every step of an experiment (a file, or a shipped name: see `experiment list`)",
        "into DIR/NN-step/seed-S, then write DIR/report.md and DIR/report.html. Run it again",
        "to continue: complete steps are skipped, an interrupted one resumes from its checkpoint,",
        "a step whose recipe changed in the file trains again (its old runs are moved aside)."
      })
  public static class Run implements Callable<Integer> {
    private final Environment environment;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin DataOptions data;
    @Mixin ExecutorOptions executors;
    @Mixin LoggingMixin logging;

    @Parameters(paramLabel = "FILE|NAME", description = "Experiment file or shipped name.")
    String experiment;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description =
            "Output directory (default: runs/experiments/<name>, or <name>-smoke with --epochs"
                + " or --limit).")
    Path out;

    @Option(
        names = "--seeds",
        paramLabel = "LIST",
        converter = NumberList.Converter.class,
        description = "Run every step once per seed (1..5 or 1,3,7); default: each step's seed.")
    NumberList seeds;

    @Option(
        names = "--steps",
        paramLabel = "LIST",
        converter = NumberList.Converter.class,
        description = "Run only these steps (5..7 or 1,7); the report lists the others as not run.")
    NumberList steps;

    @Option(
        names = "--epochs",
        paramLabel = "N",
        description = "Smoke run: every step trains N epochs (saved in each run's config.yaml).")
    Integer epochs;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description =
            "Smoke run: every step trains on the first N training images (saved likewise).")
    Integer limit;

    @Option(
        names = "--threads",
        paramLabel = "N",
        description =
            "Engine threads (default: the steps' threads setting, else the engine's choice);"
                + " saved in each run's config.yaml.")
    Integer threads;

    public Run(Environment environment) {
      this.environment = environment;
    }

    @Override
    public Integer call() {
      boolean smoke = epochs != null || limit != null;
      Experiment e = ExperimentParser.resolve(experiment);
      if (smoke) {
        e = e.shortened(epochs, limit);
      }
      Experiment ran = e;
      List<Long> stepList = steps == null ? List.of() : steps.values();
      Path dir = out != null ? out : defaultOut(e.name(), smoke);
      // The engine reads its thread count once: every run of this process trains with it, and
      // each run's config.yaml records it.
      int engineThreads = threads != null ? threads : ExperimentRunner.threads(e, stepList);
      Engines.start(engineThreads);
      ConsoleObserver console = new ConsoleObserver(environment.out(), System.console() != null);
      Function<Dataset, DataStore.Loaded> loader = data.loader(environment);
      var print = environment.out();
      print.printf(
          Locale.ROOT,
          "experiment %s: %s into %s%n",
          e.name(),
          Plain.count(e.steps().size(), "step"),
          dir);
      if (smoke) {
        print.println(smokeNotice());
      }
      // Every change to the directory, and every run as it starts (in this process) or is
      // found complete.
      ExperimentRunner.Listener listener =
          new ExperimentRunner.Listener() {
            @Override
            public void changed(ExperimentRunner.Change change) {
              print.println(change.describe());
            }

            @Override
            public TrainingObserver starting(
                int index,
                Experiment.Step step,
                long seed,
                Path runDir,
                ExperimentRunner.Start start) {
              print.printf(
                  Locale.ROOT,
                  "%n== step %d/%d %s · seed %d%s · %s%n",
                  index,
                  ran.steps().size(),
                  step.name(),
                  seed,
                  smoke ? " · SMOKE RUN" : "",
                  switch (start) {
                    case FRESH -> "training into " + runDir;
                    case RESUMED -> "resuming " + runDir;
                    case SKIPPED -> "complete, skipped";
                  });
              if (start == ExperimentRunner.Start.SKIPPED) {
                return TrainingObserver.SILENT;
              }
              console.header(
                  step.recipe().withConfig(step.config().withRun(seed, engineThreads)),
                  loader.apply(Dataset.parse(step.config().dataset())),
                  runDir);
              return console;
            }
          };
      List<ExperimentRunner.StepResult> results;
      if (executors.separateJobs(spec.commandLine())) {
        JobExecutor executor = executors.create(spec.commandLine(), 2);
        print.println("runs as jobs: " + executor.describe());
        results =
            ExperimentRunner.runAsJobs(
                e,
                dir,
                seeds == null ? List.of() : seeds.values(),
                stepList,
                engineThreads,
                data.fetchedDirectories(environment),
                listener,
                executor,
                new JobLines(print));
      } else {
        try (InterruptNotice notice =
            new InterruptNotice(
                environment.err(),
                console,
                InterruptNotice.sameCommand(spec, out == null ? dir : null))) {
          results =
              ExperimentRunner.run(
                  e,
                  dir,
                  seeds == null ? List.of() : seeds.values(),
                  stepList,
                  engineThreads,
                  loader,
                  listener);
        }
      }
      print.println();
      results.forEach(r -> r.runs().forEach(console::summary));
      ReportBuilder.Report report = ReportBuilder.build(dir, loader);
      print.println(
          "report: "
              + String.join(", ", report.files().stream().map(Path::toString).toList())
              + (smoke ? " (SMOKE RUN)" : ""));
      return Main.OK;
    }

    private String smokeNotice() {
      List<String> length = new java.util.ArrayList<>();
      if (epochs != null) {
        length.add(Plain.count(epochs, "epoch"));
      }
      if (limit != null) {
        length.add(
            limit == 0
                ? "all training images"
                : "the first " + Plain.count(limit, "training image"));
      }
      return "SMOKE RUN: "
          + String.join(" on ", length)
          + " for every step, not its recipe's;\n"
          + "  each run's config.yaml records that, and `experiment list` and `show` mark it.";
    }
  }

  /** {@code experiment show NAME|FILE}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Print an experiment's steps with every step's resolved settings, and what its output",
        "directories hold."
      })
  public static class Show implements Callable<Integer> {
    private final Environment environment;

    @Parameters(paramLabel = "FILE|NAME", description = "Experiment file or shipped name.")
    String experiment;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description = "Also say what DIR holds (default: runs/experiments/<name>[-smoke]).")
    Path out;

    public Show(Environment environment) {
      this.environment = environment;
    }

    @Override
    public Integer call() {
      Experiment e = ExperimentParser.resolve(experiment);
      // Counting a model's parameters builds it.
      Engines.start(0);
      Map<Path, List<StepStatus>> runs =
          out == null ? defaultRuns(e) : Map.of(out, new ExperimentDirectory(out).status(e));
      environment
          .out()
          .print(ExperimentSheet.show(e, spec -> ModelSummary.of(spec).trainableParams(), runs));
      return Main.OK;
    }
  }

  /** {@code experiment list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List the shipped experiments, and what their default output directories hold",
        "(complete steps; a smoke run is marked)."
      })
  public static class ListCommand implements Callable<Integer> {
    private final Environment environment;

    public ListCommand(Environment environment) {
      this.environment = environment;
    }

    @Override
    public Integer call() {
      for (Experiment e : ExperimentParser.bundled().values()) {
        String head =
            String.format(
                Locale.ROOT, "%-12s %-9s ", e.name(), Plain.count(e.steps().size(), "step"));
        String indent = " ".repeat(head.length());
        ExperimentSheet.wrap(e.title(), head, indent).forEach(environment.out()::println);
        Map<Path, List<StepStatus>> runs;
        try {
          runs = defaultRuns(e);
        } catch (IllegalArgumentException unreadable) {
          // One damaged run directory must not hide the other experiments.
          ExperimentSheet.wrap(unreadable.getMessage(), indent + "  ", indent + "  ")
              .forEach(environment.out()::println);
          continue;
        }
        runs.forEach(
            (dir, steps) ->
                ExperimentSheet.wrap(
                        dir + ": " + ExperimentSheet.runs(steps), indent + "  ", indent + "  ")
                    .forEach(environment.out()::println));
      }
      return Main.OK;
    }
  }
}
