package dev.mnistlab.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mnistlab.DigitClassifier;
import dev.mnistlab.text.Failure;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger log = LoggerFactory.getLogger(DigitServer.class);
  private static final String PAGE_RESOURCE = "/dev/mnistlab/serve/index.html";
  private static final ObjectMapper JSON = new ObjectMapper();

  // The page's script and styles are inline; it talks only to this server and shows data: images.
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
          + " img-src data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  private final DigitClassifier classifier;
  private final ServerLimits limits;
  private final Runnable beforePrediction;
  private final byte[] page;
  private final ThreadPoolExecutor workers;
  private final Javalin app;
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicInteger running = new AtomicInteger();

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
    this.beforePrediction = beforePrediction;
    this.page = readPage();
    BlockingQueue<Runnable> queue =
        limits.queue() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(limits.queue());
    AtomicInteger threadNumber = new AtomicInteger();
    this.workers =
        new ThreadPoolExecutor(
            limits.workers(),
            limits.workers(),
            0,
            TimeUnit.MILLISECONDS,
            queue,
            r -> {
              Thread t = new Thread(r, "mnistlab-predict-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.http.prefer405over404 = true;
              config.http.maxRequestSize = limits.maxBodyBytes();
              // Connections: each one holds a Jetty thread while its prediction runs, so Jetty's
              // pool
              // is bounded too, and connections beyond what it can serve wait to be accepted.
              int jettyThreads = Math.max(16, limits.workers() + limits.queue() + 8);
              QueuedThreadPool pool = new QueuedThreadPool(jettyThreads, 4, 60_000);
              pool.setName("mnistlab-http");
              config.jetty.threadPool = pool;
              config.jetty.multipartConfig.maxFileSize(limits.maxBodyBytes(), SizeUnit.BYTES);
              config.jetty.multipartConfig.maxTotalRequestSize(
                  limits.maxBodyBytes(), SizeUnit.BYTES);
              // In memory, never in temporary files: the whole body is bounded anyway.
              config.jetty.multipartConfig.maxInMemoryFileSize(
                  (int) Math.min(Integer.MAX_VALUE, limits.maxBodyBytes()), SizeUnit.BYTES);
              config.jetty.modifyHttpConfiguration(
                  http -> http.setIdleTimeout(limits.idleTimeout().toMillis()));
              config.jetty.addConnector(
                  (server, http) -> {
                    ServerConnector connector =
                        new ServerConnector(server, new HttpConnectionFactory(http));
                    connector.setHost(limits.host());
                    connector.setPort(limits.port());
                    connector.setIdleTimeout(limits.idleTimeout().toMillis());
                    server.addBean(new NetworkConnectionLimit(jettyThreads * 4, connector));
                    return connector;
                  });
              config.routes.get("/", this::page);
              config.routes.get("/health", this::health);
              config.routes.get("/api/model", this::model);
              config.routes.post("/api/predict", this::predict);
              config.routes.exception(
                  ApiException.class, (e, ctx) -> refuse(ctx, e.status(), e.getMessage()));
              config.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) ->
                      refuse(
                          ctx,
                          e.getStatus(),
                          switch (e.getStatus()) {
                            case 404 -> "no such page: " + ctx.method() + " " + ctx.path();
                            case 405 -> ctx.method() + " is not allowed on " + ctx.path();
                            default -> e.getMessage();
                          }));
              config.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    log.error("{} {} failed", ctx.method(), ctx.path(), e);
                    refuse(ctx, 500, "internal error: " + e);
                  });
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
    try {
      server.app.start();
    } catch (RuntimeException e) {
      server.workers.shutdownNow();
      throw new CannotServeException(
          "cannot serve on " + limits.host() + ":" + limits.port() + " (" + rootMessage(e) + ")",
          e);
    }
    return server;
  }

  /** The address to open, e.g. {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    String host = limits.host().contains(":") ? "[" + limits.host() + "]" : limits.host();
    return URI.create("http://" + host + ":" + app.port() + "/");
  }

  /** Predictions answered and requests refused so far. */
  public Stats stats() {
    return new Stats(answered.get(), refused.get());
  }

  /** Stops accepting, finishes nothing more, releases the port and the workers. */
  @Override
  public void close() {
    app.stop();
    workers.shutdownNow();
  }

  private void page(Context ctx) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType("text/html; charset=utf-8").result(page);
  }

  private void health(Context ctx) {
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("status", "ok");
    health.put("model", classifier.card().name());
    health.put("running", running.get());
    health.put("waiting", workers.getQueue().size());
    health.put("answered", answered.get());
    health.put("refused", refused.get());
    json(ctx, 200, health);
  }

  private void model(Context ctx) {
    DigitClassifier.ModelCard card = classifier.card();
    // The run's directory name only: a served page need not show the server's file system.
    String run = Path.of(card.runDir()).getFileName().toString();
    json(
        ctx,
        200,
        new DigitClassifier.ModelCard(
            card.name(),
            card.trainableParams(),
            card.testAccuracy(),
            card.receptiveField(),
            card.dataset(),
            card.trained(),
            card.normalization(),
            run));
  }

  private void predict(Context ctx) {
    long started = System.nanoTime();
    PredictRequest request = PredictRequest.from(ctx, limits);
    boolean withImages = flag(ctx.queryParam("image"));
    Future<Object> answer;
    try {
      answer =
          workers.submit(
              () -> {
                running.incrementAndGet();
                try {
                  beforePrediction.run();
                  return request.answer(classifier, limits.maxImagePixels(), withImages);
                } finally {
                  running.decrementAndGet();
                }
              });
    } catch (RejectedExecutionException e) {
      ctx.header("Retry-After", "1");
      throw ApiException.unavailable(
          "busy: "
              + limits.workers()
              + " predictions running and "
              + limits.queue()
              + " waiting; try again shortly");
    }
    long left = limits.requestTimeout().toNanos() - (System.nanoTime() - started);
    try {
      json(ctx, 200, answer.get(Math.max(left, 0), TimeUnit.NANOSECONDS));
      answered.incrementAndGet();
    } catch (TimeoutException e) {
      answer.cancel(true);
      ctx.header("Retry-After", "1");
      throw ApiException.unavailable(
          "no answer within " + limits.requestTimeout().toMillis() + " ms; try again shortly");
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("the server is stopping");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static boolean flag(String value) {
    return value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
  }

  private void refuse(Context ctx, int status, String message) {
    refused.incrementAndGet();
    json(ctx, status, Map.of("error", message));
  }

  private static void json(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] readPage() {
    try (InputStream in = DigitServer.class.getResourceAsStream(PAGE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the page " + PAGE_RESOURCE + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
