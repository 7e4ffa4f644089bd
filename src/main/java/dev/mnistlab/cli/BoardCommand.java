package dev.mnistlab.cli;

import dev.mnistlab.board.RunBoard;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.serve.ServerLimits;
import dev.mnistlab.text.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code mnistlab board [DIR]}: the runs under a directory in the browser, live. */
@Command(
    name = "board",
    mixinStandardHelpOptions = true,
    description = {
      "Show the runs under DIR in the browser: every run, seeds directory, experiment and",
      "search with its status, epochs, best and last-3 accuracy; the selected runs' curves,",
      "updated live while they train; and a run's report, model summary and draw-a-digit pad.",
      "JSON behind it: GET /api/runs and GET /api/runs/{id}. Binds to 127.0.0.1 unless --host",
      "says otherwise. Ctrl-C stops it."
    })
public class BoardCommand implements Callable<Integer> {
  private final Environment environment;

  @Mixin LoggingMixin logging;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      description = "Where the runs are (default: ${DEFAULT-VALUE}).",
      defaultValue = "runs")
  Path dir;

  @Mixin AddressOptions address;

  public BoardCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    if (!Files.isDirectory(dir)) {
      throw new UsageException(
          dir
              + (Files.exists(dir) ? " is not a directory" : " does not exist")
              + "; name the directory your runs are in (train --out puts them there)");
    }
    ServerLimits defaults = ServerLimits.defaults();
    ServerLimits limits = defaults.at(address.host, address.port).withWorkers(2, defaults.queue());
    // The pads classify with the runs' models; summaries build networks to count them.
    Engines.start(1);
    RunBoard board = RunBoard.start(dir, limits);
    environment
        .out()
        .printf(
            "Board of %s at %s%nOpen it in a browser; runs appear and update as they train."
                + " Ctrl-C stops.%n",
            dir.toAbsolutePath().normalize(), board.uri());
    environment.out().flush();
    UntilStopped.await(
        "mnistlab-board-stop",
        () -> {
          board.close();
          environment.out().println("Stopped.");
          environment.out().flush();
        });
    return Main.OK;
  }
}
