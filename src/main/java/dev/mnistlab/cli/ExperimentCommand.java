package dev.mnistlab.cli;

import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.experiment.Experiment;
import dev.mnistlab.experiment.ExperimentParser;
import dev.mnistlab.experiment.ExperimentRunner;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.report.ReportBuilder;
import dev.mnistlab.train.Engines;
import dev.mnistlab.train.TrainingObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mnistlab experiment}: run a step-by-step progression, or list the shipped ones. */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description = "Run an experiment file's steps in order and write its report.",
    subcommands = {ExperimentCommand.Run.class, ExperimentCommand.ListCommand.class})
public class ExperimentCommand {

  /** {@code experiment run FILE}. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Run every step of an experiment (a file, or a shipped name: see `experiment list`)",
        "into DIR/NN-step/seed-S, then write DIR/report.md and DIR/report.html. Run it again",
        "to continue: complete steps are skipped, an interrupted one resumes from its checkpoint."
      })
  public static class Run implements Callable<Integer> {
    private final Environment environment;

    @Mixin DataOptions data;
    @Mixin LoggingMixin logging;

    @Parameters(paramLabel = "FILE|NAME", description = "Experiment file or shipped name.")
    String experiment;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description = "Output directory (default: runs/experiments/<name>).")
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
        names = "--threads",
        paramLabel = "N",
        description = "Engine threads (default: engine's choice).")
    int threads;

    public Run(Environment environment) {
      this.environment = environment;
    }

    @Override
    public Integer call() {
      Experiment e = ExperimentParser.resolve(experiment);
      Path dir = out != null ? out : Path.of("runs", "experiments", e.name());
      Engines.start(threads);
      ConsoleObserver console = new ConsoleObserver(environment.out(), System.console() != null);
      Function<Dataset, DataStore.Loaded> loader = data.loader(environment);
      environment
          .out()
          .printf(
              Locale.ROOT, "experiment %s: %d steps into %s%n", e.name(), e.steps().size(), dir);
      var results =
          ExperimentRunner.run(
              e,
              dir,
              seeds == null ? List.of() : seeds.values(),
              steps == null ? List.of() : steps.values(),
              threads,
              loader,
              (index, step, seed, runDir, start) -> {
                environment
                    .out()
                    .printf(
                        Locale.ROOT,
                        "%n== step %d/%d %s · seed %d · %s%n",
                        index,
                        e.steps().size(),
                        step.name(),
                        seed,
                        switch (start) {
                          case FRESH -> "training into " + runDir;
                          case RESUMED -> "resuming " + runDir;
                          case SKIPPED -> "complete, skipped";
                        });
                if (start == ExperimentRunner.Start.SKIPPED) {
                  return TrainingObserver.SILENT;
                }
                console.header(
                    ModelZoo.resolve(step.config().model()),
                    step.config().withSeed(seed),
                    loader.apply(Dataset.parse(step.config().dataset())),
                    runDir);
                return console;
              });
      results.forEach(r -> r.runs().forEach(console::summary));
      ReportBuilder.Report report = ReportBuilder.build(dir, loader);
      environment.out().println("report: " + report.files());
      return Main.OK;
    }
  }

  /** {@code experiment list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the shipped experiments.")
  public static class ListCommand implements Callable<Integer> {
    private final Environment environment;

    public ListCommand(Environment environment) {
      this.environment = environment;
    }

    @Override
    public Integer call() {
      for (Experiment e : ExperimentParser.bundled().values()) {
        environment
            .out()
            .printf(Locale.ROOT, "%-12s %2d steps  %s%n", e.name(), e.steps().size(), e.title());
      }
      return Main.OK;
    }
  }
}
