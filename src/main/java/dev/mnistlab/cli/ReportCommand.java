package dev.mnistlab.cli;

import dev.mnistlab.engine.Engines;
import dev.mnistlab.report.ReportBuilder;
import dev.mnistlab.text.Plain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code mnistlab report DIR}: write the report of a run, a seeds directory or an experiment,
 * without training.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write DIR/report.md and DIR/report.html without training, for a run directory (train),",
      "a directory of seed-N runs (train --seeds: curves overlaid, consistency table) or an",
      "experiment's directory (experiment run; steps not run yet are listed as such)."
    })
public class ReportCommand implements Callable<Integer> {
  private final Environment environment;

  @Mixin DataOptions data;
  @Mixin LoggingMixin logging;

  @Parameters(
      paramLabel = "DIR",
      description = "A run directory, a directory of seed-N runs, or an experiment's directory.")
  Path dir;

  public ReportCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    Engines.start(0);
    ReportBuilder.Report report =
        ReportBuilder.build(
            dir, data.loader(environment), line -> environment.out().println("report: " + line));
    if (report.limited()) {
      environment
          .out()
          .println("report: note: a smoke run (fewer images or epochs than its recipe), marked so");
    }
    environment
        .out()
        .println(
            "report: wrote "
                + Plain.sentence(report.files().stream().map(String::valueOf).toList()));
    return Main.OK;
  }
}
