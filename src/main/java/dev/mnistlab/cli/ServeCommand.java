package dev.mnistlab.cli;

import dev.mnistlab.DigitClassifier;
import dev.mnistlab.serve.DigitServer;
import dev.mnistlab.serve.ServerLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

  @Option(names = "--port", defaultValue = "8080", description = "Port; 0 takes any free one.")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description =
          "Address to bind; 0.0.0.0 serves other machines too (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--threads",
      description = "Workers that decode and classify (default: one per core).")
  Integer threads;

  @Option(
      names = "--queue",
      defaultValue = "64",
      description = "Predictions that may wait for a worker; more are answered 503.")
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
  public Integer call() throws InterruptedException {
    ServerLimits defaults = ServerLimits.defaults();
    ServerLimits limits =
        defaults
            .at(host, port)
            .withWorkers(threads == null ? defaults.workers() : threads, queue)
            .withTimeouts(Duration.ofSeconds(timeoutSeconds), defaults.idleTimeout());
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
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
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
              stopped.countDown();
            },
            "mnistlab-serve-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
    return Main.OK;
  }
}
