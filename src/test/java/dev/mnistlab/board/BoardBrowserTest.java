package dev.mnistlab.board;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.ChildProcess;
import dev.mnistlab.Chromium;
import dev.mnistlab.TrainedRuns;
import dev.mnistlab.cli.Environment;
import dev.mnistlab.cli.Main;
import dev.mnistlab.io.AtomicFiles;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.serve.ServerLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The run board in Chromium while a real training runs beside it in a process of its own: its
 * epochs appear on the page without a reload, a damaged run and a run that vanishes show as such,
 * and a complete run's page shows its report, its model summary and its draw-a-digit pad.
 * Screenshots go to target/screenshots/ (docs/images/ holds the ones the README shows).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@Tag("integration")
class BoardBrowserTest {
  private static String id(String path) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(path.getBytes(StandardCharsets.UTF_8));
  }

  private static Path copyRun(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (!f.getFileName().toString().equals("run.lock")) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
    return to;
  }

  @Test
  void followsATrainingLiveAndShowsARunsPage() throws Exception {
    RunResult trained = TrainedRuns.mnist();
    Path root = Files.createTempDirectory(Path.of("target"), "board-");
    Path complete = copyRun(trained.runDir(), root.resolve("trained"));
    assertThat(Main.commandLine(Environment.system()).execute("report", complete.toString()))
        .isZero();
    Path broken = copyRun(trained.runDir(), root.resolve("broken"));
    Files.writeString(broken.resolve("metrics.json"), "{\"epochs\": [");
    Path doomed = copyRun(trained.runDir(), root.resolve("doomed"));

    Process training =
        new ProcessBuilder(
                ChildProcess.command(
                    List.of(),
                    Main.class,
                    List.of(
                        "train",
                        "--limit",
                        "2000",
                        "--epochs",
                        "3",
                        "--batch-size",
                        "100",
                        "--threads",
                        "1",
                        "--out",
                        root.resolve("live").toString())))
            .redirectErrorStream(true)
            .redirectOutput(root.resolveSibling(root.getFileName() + "-live.log").toFile())
            .start();
    try (RunBoard board = RunBoard.start(root, ServerLimits.defaults().at("127.0.0.1", 0));
        Chromium chromium = Chromium.start(1400, 1250)) {
      WebDriver browser = chromium.driver();
      browser.get(board.uri().toString());
      By liveRow = By.cssSelector("tr[data-id='" + id("live") + "']");
      Chromium.waitFor("the training's row", 120, () -> !browser.findElements(liveRow).isEmpty());
      select(browser, "live");
      chromium.js("window.noReloadMark = 42;");
      Chromium.waitFor("the first epoch", 120, () -> epochs(chromium, "live") >= 1);
      int before = epochs(chromium, "live");
      int drawn = points(chromium);
      Chromium.waitFor("a new epoch", 120, () -> epochs(chromium, "live") > before);
      assertThat(points(chromium)).as("points drawn").isGreaterThan(drawn);
      assertThat(chromium.js("return window.noReloadMark;"))
          .as("the page was not reloaded")
          .isEqualTo(42L);

      // A damaged run is listed as damaged; a run that vanishes is marked gone on the chart.
      assertThat(badge(browser, "broken")).isEqualTo("damaged");
      select(browser, "doomed");
      Chromium.waitFor(
          "the doomed run's curve", 15, () -> text(browser, "legend").contains("doomed"));
      AtomicFiles.deleteTree(doomed);
      Chromium.waitFor(
          "the vanished run marked gone",
          15,
          () -> text(browser, "legend").contains("doomed (gone)"));

      assertThat(training.waitFor(180, TimeUnit.SECONDS)).as("the training finished").isTrue();
      assertThat(training.exitValue()).isZero();
      Chromium.waitFor(
          "the training complete", 15, () -> "complete".equals(badge(browser, "live")));
      Chromium.waitFor("its 3 epochs", 15, () -> epochs(chromium, "live") == 3);
      assertThat(text(browser, "live")).startsWith("live");
      chromium.screenshot("board-overview.png");

      // The trained run's page: summary with receptive fields, report, and its pad.
      browser
          .findElement(By.cssSelector("tr[data-id='" + id("trained") + "'] button[data-open]"))
          .click();
      Chromium.waitFor("the summary", 15, () -> text(browser, "summary").contains("RF"));
      browser.switchTo().frame(browser.findElement(By.id("report-frame")));
      Chromium.waitFor("the report", 15, () -> !browser.findElements(By.tagName("h1")).isEmpty());
      browser.switchTo().defaultContent();
      browser.switchTo().frame(browser.findElement(By.id("pad-frame")));
      Chromium.waitFor(
          "the pad's model card",
          30,
          () -> browser.findElement(By.id("m-name")).getText().equals(trained.model()));
      browser.switchTo().defaultContent();
      chromium.js("document.getElementById('detail').scrollIntoView();");
      chromium.screenshot("board-run.png");

      List<String> errors = new ArrayList<>();
      for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
        // The vanished run's 404 is expected; nothing else may fail.
        if (entry.getLevel().intValue() >= Level.SEVERE.intValue()
            && !entry.getMessage().contains("404")) {
          errors.add(entry.getMessage());
        }
      }
      assertThat(errors).as("browser console errors").isEmpty();
    } finally {
      training.destroyForcibly();
    }
  }

  /** Ticks the run's box unless it is ticked (the board ticks some runs itself). */
  private static void select(WebDriver browser, String path) {
    WebElement tick = browser.findElement(By.cssSelector("tr[data-id='" + id(path) + "'] input"));
    if (!tick.isSelected()) {
      tick.click();
    }
  }

  /** The epochs the page holds for the run. */
  private static int epochs(Chromium chromium, String path) {
    Object n = chromium.js("return String((window.boardEpochs || {})['" + id(path) + "'] || 0);");
    return Integer.parseInt(String.valueOf(n));
  }

  /** The points drawn on the accuracy chart, all selected runs together. */
  private static int points(Chromium chromium) {
    Object n = chromium.js("return document.getElementById('c-acc').dataset.points || '0';");
    return Integer.parseInt(String.valueOf(n));
  }

  private static String badge(WebDriver browser, String path) {
    List<WebElement> badges =
        browser.findElements(By.cssSelector("tr[data-id='" + id(path) + "'] .badge"));
    return badges.isEmpty() ? "" : badges.get(0).getText();
  }

  private static String text(WebDriver browser, String elementId) {
    return browser.findElement(By.id(elementId)).getText();
  }
}
