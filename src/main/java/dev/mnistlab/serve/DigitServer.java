package dev.mnistlab.serve;

import dev.mnistlab.DigitClassifier;
import dev.mnistlab.text.Failure;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A trained model as a small web application: the draw-a-digit page at {@code /} and a JSON API.
 *
 * <ul>
 *   <li>{@code GET /}: the page (one self-contained HTML file from the jar; no external resources)
 *   <li>{@code POST /api/predict[?image=1]}: a picture's bytes (PNG, JPEG, BMP, GIF), a {@code
 *       multipart/form-data} upload of one or more pictures, or JSON {@code {"pixels": [784]}} /
 *       {@code {"batch": [[784], ...]}}
 *   <li>{@code GET /api/model}: the model card; {@code GET /health}
 * </ul>
 *
 * <p>Errors are JSON {@code {"error": "..."}} with their status. Every size is bounded ({@link
 * ServerLimits}): bodies (413, before reading), a picture's claimed dimensions (413, before
 * decoding), images per request (400); predictions run on a fixed pool of workers behind a bounded
 * queue, and a full queue or a prediction over the time limit is answered 503 at once.
 */
public final class DigitServer implements AutoCloseable {
  private final DigitClassifier classifier;
  private final ServerLimits limits;
  private final DigitApi api;
  private final Javalin app;

  /** The server could not start: the address is taken or cannot be bound. */
  public static final class CannotServeException extends RuntimeException implements Failure {
    @Override
    public int exitCode() {
      return FAILED;
    }

    CannotServeException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** What a server did. */
  public record Stats(long answered, long refused) {}

  private DigitServer(DigitClassifier classifier, ServerLimits limits, Runnable beforePrediction) {
    this.classifier = classifier;
    this.limits = limits;
    this.api = new DigitApi(limits, beforePrediction);
    this.app =
        Javalin.create(
            config -> {
              configure(config, limits);
              config.routes.get("/", ctx -> api.page(ctx, "'none'"));
              config.routes.get("/health", this::health);
              config.routes.get("/api/model", ctx -> api.model(ctx, classifier));
              config.routes.post("/api/predict", ctx -> api.predict(ctx, classifier));
              api.answerErrors(config);
            });
  }

  /**
   * Jetty and Javalin as every mnistlab web server runs them: no banner, bounded bodies, a bounded
   * thread pool and connection count, idle timeouts, and one connector on the limits' address.
   */
  public static void configure(JavalinConfig config, ServerLimits limits) {
    config.startup.showJavalinBanner = false;
    config.startup.showOldJavalinVersionWarning = false;
    config.http.prefer405over404 = true;
    config.http.maxRequestSize = limits.maxBodyBytes();
    // Connections: each one holds a Jetty thread while its prediction runs, so Jetty's pool is
    // bounded too, and connections beyond what it can serve wait to be accepted.
    int jettyThreads = Math.max(16, limits.workers() + limits.queue() + 8);
    QueuedThreadPool pool = new QueuedThreadPool(jettyThreads, 4, 60_000);
    pool.setName("mnistlab-http");
    config.jetty.threadPool = pool;
    config.jetty.multipartConfig.maxFileSize(limits.maxBodyBytes(), SizeUnit.BYTES);
    config.jetty.multipartConfig.maxTotalRequestSize(limits.maxBodyBytes(), SizeUnit.BYTES);
    // In memory, never in temporary files: the whole body is bounded anyway.
    config.jetty.multipartConfig.maxInMemoryFileSize(
        (int) Math.min(Integer.MAX_VALUE, limits.maxBodyBytes()), SizeUnit.BYTES);
    config.jetty.modifyHttpConfiguration(
        http -> http.setIdleTimeout(limits.idleTimeout().toMillis()));
    config.jetty.addConnector(
        (server, http) -> {
          ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
          connector.setHost(limits.host());
          connector.setPort(limits.port());
          connector.setIdleTimeout(limits.idleTimeout().toMillis());
          server.addBean(new NetworkConnectionLimit(jettyThreads * 4, connector));
          return connector;
        });
  }

  /**
   * Starts serving {@code classifier}; the caller keeps ownership of it (close it after {@link
   * #close()}).
   *
   * @throws CannotServeException when the address cannot be bound
   */
  public static DigitServer start(DigitClassifier classifier, ServerLimits limits) {
    return start(classifier, limits, () -> {});
  }

  /** As {@link #start(DigitClassifier, ServerLimits)}, running a hook before each prediction. */
  static DigitServer start(
      DigitClassifier classifier, ServerLimits limits, Runnable beforePrediction) {
    DigitServer server = new DigitServer(classifier, limits, beforePrediction);
    startOrExplain(server.app, limits, server.api);
    return server;
  }

  /**
   * Starts {@code app}, or closes {@code api} and says why it cannot serve.
   *
   * @throws CannotServeException when the address cannot be bound
   */
  public static void startOrExplain(Javalin app, ServerLimits limits, AutoCloseable api) {
    try {
      app.start();
    } catch (RuntimeException e) {
      try {
        api.close();
      } catch (Exception ignored) {
        // Already failing with a better reason.
      }
      throw new CannotServeException(
          "cannot serve on " + limits.host() + ":" + limits.port() + " (" + rootMessage(e) + ")",
          e);
    }
  }

  /** The address to open, e.g. {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    return uri(limits, app.port());
  }

  /** The address of a server on {@code port} of {@code limits}' host. */
  public static URI uri(ServerLimits limits, int port) {
    String host = limits.host().contains(":") ? "[" + limits.host() + "]" : limits.host();
    return URI.create("http://" + host + ":" + port + "/");
  }

  /** Predictions answered and requests refused so far. */
  public Stats stats() {
    DigitApi.Stats stats = api.stats();
    return new Stats(stats.answered(), stats.refused());
  }

  /** Stops accepting, finishes nothing more, releases the port and the workers. */
  @Override
  public void close() {
    app.stop();
    api.close();
  }

  private void health(Context ctx) {
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("status", "ok");
    health.put("model", classifier.card().name());
    health.put("running", api.running());
    health.put("waiting", api.waiting());
    health.put("answered", api.stats().answered());
    health.put("refused", api.stats().refused());
    DigitApi.json(ctx, 200, health);
  }

  /** The innermost cause's message, or its class's name: what a client or user can act on. */
  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
