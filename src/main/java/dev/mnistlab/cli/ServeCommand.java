package dev.mnistlab.cli;

import dev.mnistlab.DigitClassifier;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.serve.DigitServer;
import dev.mnistlab.serve.ServerLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mnistlab serve RUN_DIR}: the draw-a-digit page and a JSON API for a trained run. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve a trained run: a page to draw a digit on and watch the model read it, and a JSON",
      "API (POST /api/predict with a picture or 784 pixels; GET /api/model; GET /health).",
      "Pictures are prepared exactly as 'mnistlab predict' prepares them. Binds to 127.0.0.1",
      "unless --host says otherwise. Ctrl-C stops it."
    })
public class ServeCommand implements Callable<Integer> {
  private final Environment environment;

  @Mixin LoggingMixin logging;

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A complete run directory.")
  Path runDir;

  @Mixin AddressOptions address;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Workers that decode and classify (default: one per core).")
  Integer threads;

  @Option(
      names = "--queue",
      paramLabel = "N",
      defaultValue = "64",
      description =
          "Predictions that may wait for a worker; more are answered 503 (default:"
              + " ${DEFAULT-VALUE}).")
  int queue;

  @Option(
      names = "--timeout",
      defaultValue = "10",
      paramLabel = "SECONDS",
      description = "Longest a prediction may wait and run; longer is answered 503.")
  int timeoutSeconds;

  public ServeCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    ServerLimits defaults = ServerLimits.defaults();
    ServerLimits limits =
        defaults
            .at(address.host, address.port)
            .withWorkers(threads == null ? defaults.workers() : threads, queue)
            .withTimeouts(Duration.ofSeconds(timeoutSeconds), defaults.idleTimeout());
    // One intra-op thread: a served prediction is one small image, and the workers already keep
    // the cores busy decoding and preparing pictures. Measured with 32 clients on 2 cores: 631
    // requests/s this way, 383 with two engine threads competing with the workers.
    Engines.start(1);
    DigitClassifier classifier = DigitClassifier.load(runDir);
    DigitServer server;
    try {
      server = DigitServer.start(classifier, limits);
    } catch (RuntimeException e) {
      classifier.close();
      throw e;
    }
    DigitClassifier.ModelCard card = classifier.card();
    environment
        .out()
        .printf(
            Locale.ROOT,
            "Serving %s (%,d parameters, %.2f%% test accuracy) at %s%n"
                + "Open it in a browser to draw a digit; Ctrl-C stops.%n",
            card.name(),
            card.trainableParams(),
            card.testAccuracy(),
            server.uri());
    environment.out().flush();
    UntilStopped.await(
        "mnistlab-serve-stop",
        () -> {
          server.close();
          classifier.close();
          DigitServer.Stats stats = server.stats();
          environment
              .out()
              .printf(
                  Locale.ROOT,
                  "Stopped: %,d predictions answered, %,d requests refused.%n",
                  stats.answered(),
                  stats.refused());
          environment.out().flush();
        });
    return Main.OK;
  }
}
