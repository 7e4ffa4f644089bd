package dev.mnistlab.cli;

import dev.mnistlab.DigitClassifier;
import dev.mnistlab.data.ImageFiles;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.report.PredictionSheet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mnistlab predict RUN_DIR IMAGE_OR_DIR...}: classify pictures of digits. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Classify pictures of digits (PNG, JPEG, BMP, GIF; any size, colour or grey) with a",
      "trained run. Each picture is prepared as MNIST was made: grey, inverted when the ink is",
      "dark on light paper, cropped to the ink, scaled to 20 px, centred by mass in 28×28.",
      "A directory takes every file in it; files that are not pictures are reported and",
      "skipped, and the exit code is then 2."
    })
public class PredictCommand implements Callable<Integer> {
  private final Environment environment;

  @Mixin LoggingMixin logging;

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A complete run directory.")
  Path runDir;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "IMAGE_OR_DIR",
      description = "Picture files, or directories of them.")
  List<Path> inputs;

  @Option(names = "--json", description = "Print JSON: one object per picture.")
  boolean json;

  @Option(
      names = "--show",
      paramLabel = "OUT.png",
      description = "Write one PNG: each picture beside the 28×28 the network saw, and its answer.")
  Path show;

  public PredictCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path input : inputs) {
      files.addAll(expand(input));
    }
    int failures = 0;
    List<Object> records = new ArrayList<>();
    List<PredictionSheet.Row> rows = new ArrayList<>();
    try (DigitClassifier classifier = DigitClassifier.load(runDir)) {
      for (Path file : files) {
        BufferedImage picture;
        try {
          picture = ImageFiles.read(file);
        } catch (ImageFiles.NotAnImageException e) {
          environment.err().println("mnistlab: " + e.getMessage());
          records.add(Map.of("file", file.toString(), "error", e.getMessage()));
          failures++;
          continue;
        }
        DigitClassifier.Prediction p = classifier.predict(picture);
        records.add(record(file, p));
        if (!json) {
          environment.out().println(file + ": " + describe(p));
        }
        rows.add(
            new PredictionSheet.Row(
                file.getFileName().toString(),
                picture,
                p.input(),
                p.blank()
                    ? "blank"
                    : String.format(Locale.ROOT, "%d  %.1f%%", p.digit(), 100 * p.probability()),
                "then " + runnersUp(p)));
      }
    }
    if (json) {
      environment.out().println(Mappers.JSON.writeValueAsString(records));
    }
    if (show != null && !rows.isEmpty()) {
      PredictionSheet.write(rows, show);
      environment.err().println("wrote " + show);
    }
    return failures == 0 ? Main.OK : Main.USAGE;
  }

  private static List<Path> expand(Path input) {
    if (!Files.isDirectory(input)) {
      return List.of(input);
    }
    try (Stream<Path> children = Files.list(input)) {
      return children.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + input, e);
    }
  }

  private static String describe(DigitClassifier.Prediction p) {
    if (p.blank()) {
      return "no ink found (blank picture)";
    }
    return String.format(Locale.ROOT, "%d (%.1f%%)", p.digit(), 100 * p.probability())
        + "   then "
        + runnersUp(p);
  }

  private static String runnersUp(DigitClassifier.Prediction p) {
    List<DigitClassifier.Guess> top = p.top(3);
    return top.get(1) + ", " + top.get(2);
  }

  private static Map<String, Object> record(Path file, DigitClassifier.Prediction p) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("file", file.toString());
    r.put("digit", p.digit());
    r.put("probability", p.probability());
    List<Map<String, Object>> top = new ArrayList<>();
    for (DigitClassifier.Guess g : p.top(3)) {
      top.add(Map.of("digit", g.digit(), "probability", g.probability()));
    }
    r.put("top", top);
    r.put("probabilities", p.probabilities());
    r.put("blank", p.blank());
    return r;
  }
}
