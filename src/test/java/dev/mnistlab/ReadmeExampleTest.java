package dev.mnistlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API example in README.md compiles and reads a digit. */
@Tag("integration")
class ReadmeExampleTest {
  @TempDir Path tmp;

  @Test
  void theReadmeExampleCompilesAndRuns() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    Matcher m =
        Pattern.compile("<!-- java-api-example[^>]*-->\\s*```java\\n(.*?)```", Pattern.DOTALL)
            .matcher(readme);
    assertThat(m.find()).as("README.md has the marked Java example").isTrue();
    String source = m.group(1);
    assertThat(source.lines().filter(l -> !l.isBlank() && !l.startsWith("import")).count())
        .isLessThanOrEqualTo(12);
    Path file = tmp.resolve("ReadDigit.java");
    Files.writeString(file, source);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int code =
        javac.run(
            null,
            null,
            errors,
            "-cp",
            System.getProperty("java.class.path"),
            "-d",
            tmp.toString(),
            file.toString());
    assertThat(code).as(errors.toString(StandardCharsets.UTF_8)).isZero();

    Path picture = tmp.resolve("digit.png");
    ImageIO.write(
        DigitPictures.onPaper(
            DigitPictures.mnist(TrainedRuns.mnistData().test(), 0),
            5,
            0,
            0,
            java.awt.Color.WHITE,
            java.awt.Color.BLACK),
        "png",
        picture.toFile());
    String run = TrainedRuns.mnist().runDir().toString();
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {tmp.toUri().toURL()}, getClass().getClassLoader())) {
      Method main = loader.loadClass("ReadDigit").getMethod("main", String[].class);
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[] {run, picture.toString()});
    } finally {
      System.setOut(stdout);
    }
    // MNIST's first test image is a 7.
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .matches(
            "7 \\(\\d+\\.\\d%\\), top 3: \\[7 \\(\\d+\\.\\d%\\), \\d \\(\\d+\\.\\d%\\),"
                + " \\d \\(\\d+\\.\\d%\\)\\]\\s*");
  }
}
