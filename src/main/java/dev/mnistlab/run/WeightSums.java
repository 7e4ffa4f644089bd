package dev.mnistlab.run;

import dev.mnistlab.io.DamagedFileException;
import dev.mnistlab.io.Sha256;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.Reasons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run's weights manifest, in the format {@code sha256sum} writes and checks: writing its line,
 * and checking weights against it. {@link RunDirectory} names the manifest and the weights; this
 * class knows only what is inside the manifest.
 */
final class WeightSums {
  /** A manifest line: 64 hex digits, two spaces (or space and star), a file name. */
  private static final Pattern SUM_LINE = Pattern.compile("([0-9a-f]{64}) [ *](.+)");

  /** The largest manifest read; it lists one file. */
  private static final int MAX_SUMS_BYTES = 64 * 1024;

  private WeightSums() {}

  /** The manifest listing {@code file} with its SHA-256 {@code sha}, as {@code sha256sum} would. */
  static String manifest(String sha, Path file) {
    return sha + "  " + file.getFileName() + "\n";
  }

  /**
   * Checks {@code weights} against the SHA-256 the manifest {@code sums} records for them.
   *
   * @throws DamagedFileException naming the file when they do not match or are not listed
   */
  static void verify(Path sums, Path weights) {
    String name = weights.getFileName().toString();
    String recorded = read(sums).get(name);
    if (recorded == null) {
      throw new DamagedFileException(sums, "does not list " + name + ", the run's weights");
    }
    String actual;
    try {
      actual = Sha256.hexOf(weights);
    } catch (IOException e) {
      throw new DamagedFileException(weights, "cannot be read (" + Reasons.of(e) + ")", e);
    }
    if (!actual.equals(recorded)) {
      throw new DamagedFileException(
          weights,
          "damaged: its SHA-256 is "
              + actual.substring(0, 12)
              + "…, not the "
              + recorded.substring(0, 12)
              + "… recorded in "
              + sums.getFileName()
              + " when it was saved; train the run again or restore the file from a copy");
    }
  }

  /** The SHA-256 of each file the manifest lists, by file name, bounded as every input is. */
  private static Map<String, String> read(Path sums) {
    byte[] bytes;
    try {
      if (Files.size(sums) > MAX_SUMS_BYTES) {
        throw new DamagedFileException(
            sums, "more than " + MAX_SUMS_BYTES + " bytes; it lists one file");
      }
      bytes = Files.readAllBytes(sums);
    } catch (IOException e) {
      throw new DamagedFileException(sums, "cannot be read (" + Reasons.of(e) + ")", e);
    }
    Map<String, String> byName = new LinkedHashMap<>();
    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      Matcher m = SUM_LINE.matcher(lines[i]);
      if (!m.matches()) {
        throw new DamagedFileException(
            sums, "line " + (i + 1) + " is not '<sha256>  <file>': " + Plain.quote(lines[i], 80));
      }
      byName.put(m.group(2), m.group(1));
    }
    return byName;
  }
}
