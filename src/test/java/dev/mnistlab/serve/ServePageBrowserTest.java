package dev.mnistlab.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.Chromium;
import dev.mnistlab.DigitClassifier;
import dev.mnistlab.bench.ServeLoad;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Pause;
import org.openqa.selenium.interactions.PointerInput;
import org.openqa.selenium.interactions.Sequence;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The draw-a-digit page in a real browser ({@link Chromium}: Debian's Chromium and chromedriver;
 * skipped without them unless MNISTLAB_BROWSER_TESTS=required). Screenshots go to
 * target/screenshots/.
 */
@Timeout(
    value = 5,
    unit = TimeUnit.MINUTES) // a hung request must fail the test, never stall the build
@Tag("integration")
class ServePageBrowserTest {
  private static DigitServer server;
  private static Chromium chromium;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() throws IOException {
    chromium = Chromium.start(1280, 1060);
    browser = chromium.driver();
    server =
        DigitServer.start(ServedModel.classifier(), ServerLimits.defaults().at("127.0.0.1", 0));
  }

  @AfterAll
  static void stop() throws IOException {
    if (chromium != null) {
      chromium.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void drawnDigitsAndAnUploadedPictureAreRead() throws IOException {
    browser.manage().window().setSize(new Dimension(1280, 1060));
    browser.get(server.uri().toString());
    DigitClassifier.ModelCard card = ServedModel.classifier().card();
    waitFor(
        "the model card", () -> browser.findElement(By.id("m-name")).getText().equals(card.name()));
    assertThat(browser.findElement(By.id("m-params")).getText())
        .isEqualTo(String.format(java.util.Locale.US, "%,d", card.trainableParams()));
    assertThat(browser.findElements(By.cssSelector("#bars .bar"))).hasSize(10);

    // A one: one vertical stroke with the mouse.
    draw(PointerInput.Kind.MOUSE, List.of(stroke(0.50, 0.12, 0.50, 0.88)));
    assertAnswer("draw", 1);
    screenshot("serve-desktop-1.png");

    // A seven: the bar, then the long diagonal, with a finger (touch pointer events).
    browser.findElement(By.id("clear")).click();
    draw(PointerInput.Kind.TOUCH, List.of(stroke(0.22, 0.16, 0.78, 0.16, 0.42, 0.88)));
    assertAnswer("draw", 7);
    screenshot("serve-desktop-7.png");

    // An uploaded picture: an MNIST test digit on paper, which the model reads through the API.
    // (a digit other than those just drawn, so the answer cannot be left over from them)
    ServeLoad.Picture sample =
        ServedModel.samples(10).stream()
            .filter(x -> x.label() != 1 && x.label() != 7)
            .findFirst()
            .orElseThrow();
    Path file = Files.createTempFile(Path.of("target"), "upload-", ".png");
    Files.write(file, sample.png());
    browser.findElement(By.id("file")).sendKeys(file.toAbsolutePath().toString());
    assertAnswer("upload", sample.label());
    screenshot("serve-desktop-upload.png");

    // A phone: one column, drawn with a finger.
    browser.manage().window().setSize(new Dimension(390, 844));
    browser.navigate().refresh();
    waitFor(
        "the model card", () -> browser.findElement(By.id("m-name")).getText().equals(card.name()));
    long pageWidth = (Long) js("return document.documentElement.scrollWidth;");
    assertThat(pageWidth).as("no sideways scrolling on a phone").isLessThanOrEqualTo(390);
    draw(PointerInput.Kind.TOUCH, List.of(stroke(0.50, 0.12, 0.50, 0.88)));
    assertAnswer("draw", 1);
    screenshot("serve-phone-1.png");

    // The page loaded nothing from anywhere but this server, and logged no errors.
    @SuppressWarnings("unchecked")
    List<String> resources =
        (List<String>) js("return performance.getEntriesByType('resource').map(e => e.name);");
    String origin = server.uri().toString();
    assertThat(resources).allSatisfy(url -> assertThat(url).startsWith(origin));
    List<String> errors = new ArrayList<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
        errors.add(entry.getMessage());
      }
    }
    assertThat(errors).as("browser console errors").isEmpty();
  }

  /** A polyline over the canvas, in fractions of its width and height. */
  private static double[] stroke(double... xy) {
    return xy;
  }

  /** Draws each polyline as one pointer-down … move … up, in small steps, as a hand would. */
  private static void draw(PointerInput.Kind kind, List<double[]> strokes) {
    WebElement pad = browser.findElement(By.id("pad"));
    int width = pad.getRect().getWidth();
    int height = pad.getRect().getHeight();
    PointerInput pointer = new PointerInput(kind, kind.name().toLowerCase(java.util.Locale.ROOT));
    Sequence sequence = new Sequence(pointer, 0);
    for (double[] line : strokes) {
      sequence.addAction(
          pointer.createPointerMove(
              Duration.ZERO,
              PointerInput.Origin.fromElement(pad),
              offset(line[0], width),
              offset(line[1], height)));
      sequence.addAction(pointer.createPointerDown(PointerInput.MouseButton.LEFT.asArg()));
      for (int i = 2; i + 1 < line.length; i += 2) {
        double x0 = line[i - 2];
        double y0 = line[i - 1];
        double x1 = line[i];
        double y1 = line[i + 1];
        int steps = 24;
        for (int s = 1; s <= steps; s++) {
          double t = (double) s / steps;
          sequence.addAction(
              pointer.createPointerMove(
                  Duration.ofMillis(15),
                  PointerInput.Origin.fromElement(pad),
                  offset(x0 + t * (x1 - x0), width),
                  offset(y0 + t * (y1 - y0), height)));
        }
      }
      sequence.addAction(pointer.createPointerUp(PointerInput.MouseButton.LEFT.asArg()));
      sequence.addAction(new Pause(pointer, Duration.ofMillis(50)));
    }
    browser.perform(List.of(sequence));
  }

  /** Selenium measures element offsets from the element's centre. */
  private static int offset(double fraction, int size) {
    return (int) Math.round((fraction - 0.5) * size);
  }

  /** Waits until the page's answers stop changing, then checks the one it shows. */
  private static void assertAnswer(String source, int digit) {
    waitFor(
        "an answer from " + source,
        () -> source.equals(browser.findElement(By.tagName("body")).getAttribute("data-source")));
    String last = null;
    long stableSince = System.nanoTime();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      String answers = browser.findElement(By.tagName("body")).getAttribute("data-answers");
      if (!answers.equals(last)) {
        last = answers;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince > Duration.ofMillis(800).toNanos()) {
        break;
      }
      sleep(50);
    }
    assertThat(browser.findElement(By.id("status")).getText()).as("error notice").isEmpty();
    assertThat(browser.findElement(By.id("digit")).getText()).isEqualTo(String.valueOf(digit));
    List<WebElement> bars = browser.findElements(By.cssSelector("#bars .bar"));
    assertThat(bars).hasSize(10);
    double sum = 0;
    int best = 0;
    for (int d = 0; d < 10; d++) {
      double p = Double.parseDouble(bars.get(d).getAttribute("data-probability"));
      sum += p;
      if (p > Double.parseDouble(bars.get(best).getAttribute("data-probability"))) {
        best = d;
      }
    }
    assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(best).isEqualTo(digit);
    assertThat(
            (Long)
                js(
                    "const i = document.getElementById('seen'); return i.complete ? i.naturalWidth : -1;"))
        .as("the 28×28 picture the model saw")
        .isEqualTo(28L);
  }

  private static Object js(String script) {
    return chromium.js(script);
  }

  private static void waitFor(String what, java.util.function.BooleanSupplier condition) {
    Chromium.waitFor(what, 15, condition);
  }

  private static void screenshot(String name) throws IOException {
    chromium.screenshot(name);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
