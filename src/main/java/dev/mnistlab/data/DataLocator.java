package dev.mnistlab.data;

import java.nio.file.Path;
import java.util.Map;

/**
 * Decides which directory holds a dataset: {@code --data-dir}, then {@code $MNISTLAB_DATA}, then
 * {@code ~/.cache/mnistlab/<dataset>/}.
 */
public final class DataLocator {
  /** Environment variable naming a dataset directory. */
  public static final String DATA_ENV = "MNISTLAB_DATA";

  private DataLocator() {}

  /** Where a directory came from, so messages can say why it was chosen. */
  public enum Origin {
    FLAG("--data-dir"),
    ENVIRONMENT("$" + DATA_ENV),
    CACHE("cache");

    private final String label;

    Origin(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** A chosen dataset directory and the rule that chose it. */
  public record Location(Path directory, Origin origin) {}

  /**
   * @param dataDirFlag the {@code --data-dir} value, or null
   * @param env the process environment (injected so tests can vary it)
   * @param home the user's home directory
   */
  public static Location resolve(
      Path dataDirFlag, Map<String, String> env, Path home, Dataset dataset) {
    if (dataDirFlag != null) {
      return new Location(dataDirFlag, Origin.FLAG);
    }
    String fromEnv = env.get(DATA_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new Location(Path.of(fromEnv), Origin.ENVIRONMENT);
    }
    return new Location(
        home.resolve(".cache").resolve("mnistlab").resolve(dataset.id()), Origin.CACHE);
  }
}
