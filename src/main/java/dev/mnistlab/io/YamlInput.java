package dev.mnistlab.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.Reasons;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The checks every YAML file mnistlab reads (model specs, configurations, experiments) passes
 * before it is parsed: a bounded size, a bounded depth, and no key given twice in one map (YAML
 * parsers keep the last one silently, so {@code lr: 0.1} then {@code lr: 0.01} would train at a
 * rate the author did not see). Each problem names its line.
 */
public final class YamlInput {
  /**
   * The largest YAML file read: 1 MiB, over a hundred times the largest bundled experiment. A
   * bigger file is not a hand-written spec, and is refused before it is read into memory.
   */
  public static final int MAX_BYTES = 1 << 20;

  /** The deepest nesting of maps and lists; mnistlab's own files nest five levels at most. */
  public static final int MAX_DEPTH = 32;

  private static final YAMLFactory FACTORY = new YAMLFactory();

  private YamlInput() {}

  /** A problem with a YAML text, at a 1-based line (0 when it is the whole file). */
  public static final class Problem extends Exception {
    private final int line;

    Problem(int line, String message) {
      super(message);
      this.line = line;
    }

    /** The line it is on; 0 for the whole text. */
    public int line() {
      return line;
    }

    /** {@code origin:line: problem}, or {@code origin: problem} for the whole text. */
    public String in(Object origin) {
      return located(origin, line, getMessage());
    }
  }

  /**
   * A problem where a person finds it: {@code origin:line: problem}, or {@code origin: problem}
   * where the line is 0 (unknown, or the whole text).
   */
  public static String located(Object origin, int line, String problem) {
    return origin + (line > 0 ? ":" + line : "") + ": " + problem;
  }

  /**
   * Reads a YAML file, refusing one larger than {@link #MAX_BYTES} before reading it, and {@link
   * #check}s it.
   *
   * @throws IOException when it cannot be read
   * @throws Problem when it is too large or fails {@link #check}
   */
  public static String read(Path file) throws IOException, Problem {
    if (Files.isRegularFile(file) && Files.size(file) > MAX_BYTES) {
      throw tooLarge(Files.size(file));
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      // Bounded even where the size is not known in advance (a pipe, /dev/zero).
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw tooLarge(bytes.length);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    check(text);
    return text;
  }

  /**
   * Checks a YAML text's size, syntax, depth and keys.
   *
   * @throws Problem naming the line: not valid YAML, nested deeper than {@link #MAX_DEPTH}, or a
   *     key given twice in one map (both lines named)
   */
  public static void check(String text) throws Problem {
    if (text.length() > MAX_BYTES) {
      throw tooLarge(text.length());
    }
    Deque<Map<String, Integer>> maps = new ArrayDeque<>();
    int depth = 0;
    try (JsonParser p = FACTORY.createParser(text)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        int line = p.currentTokenLocation().getLineNr();
        switch (t) {
          case START_OBJECT, START_ARRAY -> {
            if (++depth > MAX_DEPTH) {
              throw new Problem(line, "nested deeper than " + MAX_DEPTH + " levels");
            }
            maps.push(t == JsonToken.START_OBJECT ? new HashMap<>() : Map.of());
          }
          case END_OBJECT, END_ARRAY -> {
            depth--;
            maps.pop();
          }
          case FIELD_NAME -> {
            Integer first = maps.peek().putIfAbsent(p.currentName(), line);
            if (first != null) {
              throw new Problem(
                  line,
                  "key "
                      + Plain.quote(p.currentName(), 60)
                      + " is given twice in one map, on lines "
                      + first
                      + " and "
                      + line
                      + "; keep one");
            }
          }
          default -> {
            // Scalars: nothing to check here; each parser checks its own values.
          }
        }
      }
    } catch (JsonProcessingException e) {
      throw new Problem(
          Reasons.yamlLine(e), "not valid YAML (" + Reasons.yaml(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      throw new Problem(0, "unreadable (" + Reasons.of(e) + ")");
    }
  }

  private static Problem tooLarge(long bytes) {
    return new Problem(
        0,
        "too large for a YAML file mnistlab reads: "
            + bytes
            + " bytes, more than "
            + (MAX_BYTES >> 10)
            + " KiB");
  }
}
