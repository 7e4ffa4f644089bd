package dev.mnistlab.cli;

import dev.mnistlab.report.ReportBuilder;
import dev.mnistlab.train.Engines;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code mnistlab report DIR}: rebuild an experiment's report without training. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild DIR/report.md and DIR/report.html from an experiment's run directories,",
      "without training (steps not run yet are listed as such)."
    })
public class ReportCommand implements Callable<Integer> {
  private final Environment environment;

  @Mixin DataOptions data;
  @Mixin LoggingMixin logging;

  @Parameters(paramLabel = "DIR", description = "Output directory of `experiment run`.")
  Path dir;

  public ReportCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    Engines.start(0);
    ReportBuilder.Report report = ReportBuilder.build(dir, data.loader(environment));
    environment.out().println("report: " + report.files());
    return Main.OK;
  }
}
