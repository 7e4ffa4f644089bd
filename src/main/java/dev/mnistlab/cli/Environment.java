package dev.mnistlab.cli;

import dev.mnistlab.data.DataFetcher;
import dev.mnistlab.data.DataStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What commands take from the outside world: environment variables, the home directory and the
 * output streams. Tests pass their own; {@link Main} passes the real ones.
 *
 * <p>{@code $MNISTLAB_NPM} names the npm executable and {@code $MNISTLAB_MIRRORS} (comma-separated
 * base URLs) replaces the built-in download mirrors.
 */
public record Environment(Map<String, String> env, Path home, PrintStream out, PrintStream err) {

  /** The real process environment. */
  public static Environment system() {
    return new Environment(
        System.getenv(), Path.of(System.getProperty("user.home")), System.out, System.err);
  }

  /** The data store every command uses, configured from this environment. */
  public DataStore dataStore() {
    String npm = env.getOrDefault("MNISTLAB_NPM", "npm");
    String mirrors = env.getOrDefault("MNISTLAB_MIRRORS", "");
    List<String> mirrorList =
        Arrays.stream(mirrors.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    String systemDir = env.get("MNISTLAB_SYSTEM_DATA");
    DataFetcher fetcher =
        new DataFetcher(
            npm, mirrorList, systemDir == null ? null : Path.of(systemDir), Duration.ofMinutes(5));
    return new DataStore(fetcher, env, home);
  }
}
