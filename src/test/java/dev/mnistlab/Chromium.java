package dev.mnistlab;

import static org.assertj.core.api.Assertions.fail;

import dev.mnistlab.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A headless Chromium for the page tests: Debian's Chromium driven through Debian's chromedriver
 * (both found on the PATH, or named by MNISTLAB_CHROMIUM and MNISTLAB_CHROMEDRIVER; nothing is
 * downloaded). Without them a test is skipped, unless MNISTLAB_BROWSER_TESTS=required (CI), when it
 * fails. Screenshots go to target/screenshots/.
 */
public final class Chromium implements AutoCloseable {
  /** Where {@link #screenshot} writes. */
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;
  private final Path profile;

  private Chromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts the browser with a window of {@code width × height}, or skips the calling test. */
  public static Chromium start(int width, int height) throws IOException {
    Optional<Path> chromium = Executables.find("MNISTLAB_CHROMIUM", "chromium", "chromium-browser");
    Optional<Path> driver = Executables.find("MNISTLAB_CHROMEDRIVER", "chromedriver");
    if (chromium.isEmpty() || driver.isEmpty()) {
      String why =
          "the browser test needs Chromium and ChromeDriver: apt-get install chromium"
              + " chromium-driver (found: chromium "
              + chromium.map(Path::toString).orElse("no")
              + ", chromedriver "
              + driver.map(Path::toString).orElse("no")
              + ")";
      if ("required".equals(System.getenv("MNISTLAB_BROWSER_TESTS"))) {
        fail(why + "; MNISTLAB_BROWSER_TESTS=required makes this a failure");
      }
      Assumptions.abort("skipped: " + why);
    }
    // Both paths given: Selenium Manager (which would download a driver) is never asked.
    System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, driver.get().toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.get().toFile());
    Files.createDirectories(Path.of("target"));
    Path profile = Files.createTempDirectory(Path.of("target"), "chromium-");
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=" + width + "," + height,
        "--user-data-dir=" + profile.toAbsolutePath());
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver.get().toFile())
            .usingAnyFreePort()
            .build();
    Files.createDirectories(SCREENSHOTS);
    return new Chromium(new ChromeDriver(service, options), profile);
  }

  /** The driver, for Selenium's own calls. */
  public ChromeDriver driver() {
    return driver;
  }

  /** Runs {@code script} in the page and returns its value. */
  public Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  /** Waits up to {@code seconds} for {@code condition}, failing with {@code what} after that. */
  public static void waitFor(String what, int seconds, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("waited " + seconds + " s for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for " + what);
      }
    }
  }

  /** Saves what the window shows as {@code target/screenshots/NAME}. */
  public Path screenshot(String name) throws IOException {
    Path file = SCREENSHOTS.resolve(name);
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  /** Quits the browser and deletes its profile (one per run would pile up in target/). */
  @Override
  public void close() throws IOException {
    driver.quit();
    AtomicFiles.deleteTree(profile);
  }
}
