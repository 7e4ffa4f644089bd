package dev.mnistlab;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the programs a test drives (a browser, a C compiler) without downloading anything. */
public final class Executables {
  private Executables() {}

  /**
   * The program {@code variable} names in the environment when it is set (and executable), else the
   * first of {@code names} found on the PATH, directory by directory.
   */
  public static Optional<Path> find(String variable, String... names) {
    String named = variable == null ? null : System.getenv(variable);
    if (named != null && !named.isBlank()) {
      return Optional.of(Path.of(named)).filter(Files::isExecutable);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : names) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }
}
