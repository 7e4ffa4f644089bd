package dev.mnistlab.board;

import dev.mnistlab.DigitClassifier;
import dev.mnistlab.model.ModelSummary;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.serve.ApiException;
import dev.mnistlab.serve.DigitApi;
import dev.mnistlab.serve.DigitServer;
import dev.mnistlab.serve.ServerLimits;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runs under a directory in the browser ({@code mnistlab board}): a page listing every run with
 * where it stands, charts overlaying the selected runs' curves that follow a training live, and a
 * run's report, model summary and draw-a-digit pad. Everything comes from the jar and this server;
 * it listens on loopback unless told otherwise.
 *
 * <ul>
 *   <li>{@code GET /}: the page
 *   <li>{@code GET /api/runs}: every run ({@link BoardRun})
 *   <li>{@code GET /api/runs/{id}}: one run and its epochs so far
 *   <li>{@code GET /api/runs/{id}/summary}: its network, layer by layer, with receptive fields
 *   <li>{@code GET /runs/{id}/report}: its {@code report.html}, when {@code mnistlab report} wrote
 *       one
 *   <li>{@code /runs/{id}/pad/}: the draw-a-digit page of {@code serve}, for a complete run's model
 * </ul>
 */
public final class RunBoard implements AutoCloseable {
  /** The report a run's page shows, as {@code mnistlab report RUN_DIR} writes it. */
  static final String REPORT_FILE = "report.html";

  private static final String PAGE_RESOURCE = "/dev/mnistlab/board/index.html";

  /** Models kept loaded for the pads; the least recently used is closed beyond this. */
  private static final int LOADED_MODELS = 4;

  private static final String PAGE_POLICY =
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:;"
          + " connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  // A report is mnistlab's own self-contained HTML: inline styles and data: images, no script.
  private static final String REPORT_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none';"
          + " form-action 'none'; frame-ancestors 'self'";

  private final RunIndex index;
  private final ServerLimits limits;
  private final DigitApi api;
  private final byte[] page;
  private final Javalin app;
  private final Map<Path, Loaded> models = new LinkedHashMap<>(16, 0.75f, true);

  /** A model loaded for a pad, with the weights file's time it was loaded from. */
  private record Loaded(DigitClassifier classifier, FileTime weights) {}

  private RunBoard(Path root, ServerLimits limits) {
    this.index = new RunIndex(root);
    this.limits = limits;
    this.api = new DigitApi(limits, () -> {});
    this.page = DigitApi.page(PAGE_RESOURCE);
    this.app =
        Javalin.create(
            config -> {
              DigitServer.configure(config, limits);
              config.routes.get("/", this::page);
              config.routes.get("/api/runs", this::list);
              config.routes.get("/api/runs/{id}", this::run);
              config.routes.get("/api/runs/{id}/summary", this::summary);
              config.routes.get("/runs/{id}/report", this::report);
              config.routes.get("/runs/{id}/pad/", ctx -> api.page(ctx, "'self'"));
              config.routes.get("/runs/{id}/pad/api/model", ctx -> api.model(ctx, classifier(ctx)));
              config.routes.post(
                  "/runs/{id}/pad/api/predict", ctx -> api.predict(ctx, classifier(ctx)));
              api.answerErrors(config);
            });
  }

  /**
   * Starts the board for the runs under {@code root}.
   *
   * @throws DigitServer.CannotServeException when the address cannot be bound
   */
  public static RunBoard start(Path root, ServerLimits limits) {
    RunBoard board = new RunBoard(root, limits);
    DigitServer.startOrExplain(board.app, limits, board.api);
    return board;
  }

  /** The address to open, e.g. {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    return DigitServer.uri(limits, app.port());
  }

  /** Stops serving and closes the models it loaded. */
  @Override
  public void close() {
    app.stop();
    api.close();
    synchronized (models) {
      models.values().forEach(m -> m.classifier().close());
      models.clear();
    }
  }

  private void page(Context ctx) {
    ctx.header("Content-Security-Policy", PAGE_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType("text/html; charset=utf-8").result(page);
  }

  private void list(Context ctx) {
    List<BoardRun> runs = index.runs();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("root", index.root().getFileName() == null ? "/" : index.root().toString());
    body.put("runs", runs);
    body.put("truncated", runs.size() >= RunIndex.MAX_RUNS);
    DigitApi.json(ctx, 200, body);
  }

  private void run(Context ctx) {
    // A damaged run's entry says so; it has no curves to draw.
    RunIndex.Entry entry = index.read(dir(ctx));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("run", entry.run());
    body.put("epochs", entry.epochs());
    DigitApi.json(ctx, 200, body);
  }

  private void summary(Context ctx) {
    Path dir = dir(ctx);
    String text;
    try {
      text = ModelSummary.of(RunDirectory.open(dir).readSpec()).toText();
    } catch (RuntimeException e) {
      throw ApiException.badRequest("its model.yaml cannot be read: " + e.getMessage());
    }
    DigitApi.json(ctx, 200, Map.of("text", text));
  }

  private void report(Context ctx) throws IOException {
    Path file = dir(ctx).resolve(REPORT_FILE);
    if (!Files.isRegularFile(file)) {
      throw ApiException.notFound("this run has no report yet: run ./mnistlab report on it");
    }
    ctx.header("Content-Security-Policy", REPORT_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType("text/html; charset=utf-8").result(Files.readAllBytes(file));
  }

  /** The run directory a request's id names, or 404. */
  private Path dir(Context ctx) {
    return index
        .find(ctx.pathParam("id"))
        .orElseThrow(() -> ApiException.notFound("no such run (it may have been deleted)"));
  }

  /**
   * The model of a complete run, loaded once and kept while it is among the last few used; loaded
   * again when its weights change (the run was extended).
   */
  private DigitClassifier classifier(Context ctx) throws IOException {
    Path dir = dir(ctx);
    RunDirectory run = RunDirectory.open(dir);
    if (!run.isComplete()) {
      throw ApiException.conflict(
          "the run is " + run.status().describe() + "; its model can be tried once it completes");
    }
    Path weights =
        run.weightsFile()
            .orElseThrow(() -> ApiException.conflict("the run has no trained weights file"));
    FileTime time = Files.getLastModifiedTime(weights);
    synchronized (models) {
      Loaded loaded = models.get(dir);
      if (loaded != null && loaded.weights().equals(time)) {
        return loaded.classifier();
      }
      if (loaded != null) {
        models.remove(dir).classifier().close();
      }
      DigitClassifier classifier = DigitClassifier.load(dir);
      models.put(dir, new Loaded(classifier, time));
      List<Path> oldest = new ArrayList<>(models.keySet());
      for (int i = 0; i < oldest.size() - LOADED_MODELS; i++) {
        models.remove(oldest.get(i)).classifier().close();
      }
      return classifier;
    }
  }
}
