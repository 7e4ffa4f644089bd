package dev.mnistlab.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.io.AtomicFiles;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunProgress;
import dev.mnistlab.serve.ServerLimits;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The board's JSON API over runs written by hand: what it lists, and what it refuses. */
class RunBoardTest {
  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();

  private static RunDirectory run(Path dir, int epochs, String failure) {
    RunDirectory run = RunDirectory.create(dir);
    run.writeRecipe(
        Recipe.of(
            TrainConfig.defaults().toBuilder().epochs(6).build(),
            ModelZoo.resolve("mnistlab/compact")));
    List<EpochMetrics> done = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      done.add(new EpochMetrics(e, 0.1, 0.5, 90, 0.05, 99.0 + e / 10.0, 20, 3000, 25.0 * e, 2));
    }
    run.writeProgress(
        new RunProgress(
            "mnistlab/compact",
            "mnist",
            1,
            6,
            7_900,
            2_000,
            "2026-12-07T10:00:00Z",
            "2026-12-07T10:0" + epochs + ":00Z",
            failure,
            done));
    return run;
  }

  private HttpResponse<String> get(RunBoard board, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(board.uri().resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String id(String path) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(path.getBytes(StandardCharsets.UTF_8));
  }

  private static RunBoard board(Path dir) {
    return RunBoard.start(dir, ServerLimits.defaults().at("127.0.0.1", 0));
  }

  @Test
  void listsEveryRunWithWhereItStandsAndDamagedOnesAsSuch() throws Exception {
    run(tmp.resolve("alone"), 4, null);
    run(tmp.resolve("seeds/seed-1"), 5, null);
    run(tmp.resolve("seeds/seed-2"), 2, "the loss became NaN");
    RunDirectory damaged = run(tmp.resolve("broken"), 3, null);
    Files.writeString(damaged.path().resolve("progress.json"), "{\"epochs\": [");
    Files.createDirectories(tmp.resolve("notes/empty"));
    try (RunBoard board = board(tmp)) {
      HttpResponse<String> response = get(board, "api/runs");
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode runs = Mappers.JSON.readTree(response.body()).get("runs");
      assertThat(runs).hasSize(4);
      JsonNode alone = runs.get(0);
      assertThat(alone.get("path").asText()).isEqualTo("alone");
      assertThat(alone.get("status").asText()).isEqualTo("interrupted");
      assertThat(alone.get("state").asText()).isEqualTo("interrupted at epoch 4 of 6");
      assertThat(alone.get("params").asLong()).isEqualTo(7_900);
      assertThat(alone.get("best").asDouble()).isEqualTo(99.4);
      assertThat(alone.get("last_three_min").asDouble()).isEqualTo(99.2);
      assertThat(alone.get("recipe").toString()).contains("onecycle max_lr 0.2");
      JsonNode broken = runs.get(1);
      assertThat(broken.get("status").asText()).isEqualTo("damaged");
      assertThat(broken.get("state").asText()).contains("progress.json").contains("cannot be read");
      assertThat(runs.get(2).get("kind").asText()).isEqualTo("seeds");
      assertThat(runs.get(2).get("group").asText()).isEqualTo("seeds");
      assertThat(runs.get(3).get("state").asText())
          .isEqualTo("failed after 2 epochs (the loss became NaN)");

      JsonNode one = Mappers.JSON.readTree(get(board, "api/runs/" + id("seeds/seed-1")).body());
      assertThat(one.get("run").get("epochs_done").asInt()).isEqualTo(5);
      assertThat(one.get("epochs")).hasSize(5);
      assertThat(one.get("epochs").get(4).get("test_acc").asDouble()).isEqualTo(99.5);
    }
  }

  @Test
  void anIdMustNameARunUnderTheBoardsDirectory() throws Exception {
    run(tmp.resolve("inside/run"), 1, null);
    run(tmp.resolve("outside"), 1, null);
    try (RunBoard board = board(tmp.resolve("inside"))) {
      assertThat(get(board, "api/runs/" + id("run")).statusCode()).isEqualTo(200);
      for (String crafted : List.of(id("../outside"), id("."), "not-base64!", id("nope"))) {
        HttpResponse<String> refused = get(board, "api/runs/" + crafted);
        assertThat(refused.statusCode()).as(crafted).isEqualTo(404);
      }
      // A run that vanishes between two polls is simply gone.
      AtomicFiles.deleteTree(tmp.resolve("inside/run"));
      HttpResponse<String> gone = get(board, "api/runs/" + id("run"));
      assertThat(gone.statusCode()).isEqualTo(404);
      assertThat(gone.body()).contains("no such run");
      assertThat(Mappers.JSON.readTree(get(board, "api/runs").body()).get("runs")).isEmpty();
    }
  }

  @Test
  void anUnfinishedRunHasNoPadAndNoReportYetButASummary() throws Exception {
    run(tmp.resolve("r"), 1, null);
    try (RunBoard board = board(tmp)) {
      HttpResponse<String> model = get(board, "runs/" + id("r") + "/pad/api/model");
      assertThat(model.statusCode()).isEqualTo(409);
      assertThat(model.body())
          .contains("interrupted at epoch 1 of 6")
          .contains("once it completes");
      assertThat(get(board, "runs/" + id("r") + "/report").statusCode()).isEqualTo(404);
      HttpResponse<String> summary = get(board, "api/runs/" + id("r") + "/summary");
      assertThat(summary.statusCode()).isEqualTo(200);
      assertThat(Mappers.JSON.readTree(summary.body()).get("text").asText())
          .contains("mnistlab/compact")
          .contains("RF");
      HttpResponse<String> page = get(board, "");
      assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
          .contains("default-src 'none'")
          .contains("frame-src 'self'");
      // Nothing from elsewhere: the only address in the page is the SVG icon's namespace.
      assertThat(page.body().replace("http://www.w3.org/2000/svg", ""))
          .contains("mnistlab")
          .doesNotContain("http:", "https:", "//cdn");
    }
  }

  @Test
  void aBoardOnABusyPortSaysSo() {
    try (RunBoard board = board(tmp)) {
      int port = board.uri().getPort();
      assertThatThrownBy(() -> RunBoard.start(tmp, ServerLimits.defaults().at("127.0.0.1", port)))
          .hasMessageStartingWith("cannot serve on 127.0.0.1:" + port);
    }
  }
}
