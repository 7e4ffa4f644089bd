package dev.mnistlab.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A text file shipped inside the jar, in a folder whose {@code index.txt} lists its files (one path
 * per line, {@code #} comments): the zoo's specs and the experiment files.
 *
 * @param path resource path, e.g. {@code zoo/mnistlab/compact.yaml}
 * @param text the file's content
 */
public record Bundled(String path, String text) {
  /** Every file {@code folder/index.txt} lists, in listing order. */
  public static List<Bundled> list(String folder) {
    List<Bundled> files = new ArrayList<>();
    for (String line : read(folder + "/index.txt").lines().toList()) {
      String name = line.strip();
      if (!name.isEmpty() && !name.startsWith("#")) {
        files.add(new Bundled(folder + "/" + name, read(folder + "/" + name)));
      }
    }
    return files;
  }

  private static String read(String path) {
    try (InputStream in = Bundled.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
