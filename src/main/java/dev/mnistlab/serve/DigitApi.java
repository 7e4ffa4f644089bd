package dev.mnistlab.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mnistlab.DigitClassifier;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The draw-a-digit page and its JSON API, for whichever classifier a request is for: {@link
 * DigitServer} serves one model with it, the run board one per run. The page asks for {@code
 * api/model} and {@code api/predict} relative to its own address, so the same page works at {@code
 * /} and at {@code /runs/ID/pad/}.
 *
 * <p>Predictions run on a fixed pool of workers behind a bounded queue ({@link ServerLimits}); a
 * full queue or a prediction over the time limit is answered 503 at once. Errors are JSON {@code
 * {"error": "..."}} with their status.
 */
public final class DigitApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DigitApi.class);
  private static final String PAGE_RESOURCE = "/dev/mnistlab/serve/index.html";
  private static final ObjectMapper JSON = new ObjectMapper();

  // The page's script and styles are inline; it talks only to this server and shows data: images.
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
          + " img-src data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors ";

  private final ServerLimits limits;
  private final Runnable beforePrediction;
  private final byte[] page;
  private final ThreadPoolExecutor workers;
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicInteger running = new AtomicInteger();

  /**
   * An API with its own workers, as {@code limits} bounds them.
   *
   * @param beforePrediction run on the worker before each prediction (tests hold workers with it)
   */
  public DigitApi(ServerLimits limits, Runnable beforePrediction) {
    this.limits = limits;
    this.beforePrediction = beforePrediction;
    this.page = page(PAGE_RESOURCE);
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
  }

  /** What the API did. */
  public record Stats(long answered, long refused) {}

  /** Predictions answered and requests refused so far. */
  public Stats stats() {
    return new Stats(answered.get(), refused.get());
  }

  /** Predictions running now. */
  public int running() {
    return running.get();
  }

  /** Predictions waiting for a worker. */
  public int waiting() {
    return workers.getQueue().size();
  }

  /**
   * Answers every failure as JSON with its status: the API's own refusals, Javalin's 404 and 405,
   * and anything unexpected as 500 (logged).
   */
  public void answerErrors(JavalinConfig config) {
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
  }

  /**
   * The draw-a-digit page.
   *
   * @param frameAncestors who may show it in a frame: {@code 'none'} for {@code serve}, {@code
   *     'self'} for the run board
   */
  public void page(Context ctx, String frameAncestors) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY + frameAncestors);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType("text/html; charset=utf-8").result(page);
  }

  /** The model card; the run's directory name only, since a page need not show the file system. */
  public void model(Context ctx, DigitClassifier classifier) {
    DigitClassifier.ModelCard card = classifier.card();
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

  /** Reads, bounds and classifies one predict request on a worker, within the time limit. */
  public void predict(Context ctx, DigitClassifier classifier) {
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

  /** Stops the workers; predictions in progress are interrupted. */
  @Override
  public void close() {
    workers.shutdownNow();
  }

  private static boolean flag(String value) {
    return value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
  }

  private void refuse(Context ctx, int status, String message) {
    refused.incrementAndGet();
    json(ctx, status, Map.of("error", message));
  }

  /** Answers {@code body} as JSON with {@code status}. */
  public static void json(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A page the jar carries, e.g. {@code /dev/mnistlab/serve/index.html}. */
  public static byte[] page(String resource) {
    try (InputStream in = DigitApi.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the page " + resource + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
