package dev.mnistlab.cli;

import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** Which dataset and where it lives; shared by every command that reads data. */
public class DataOptions {
  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      description = "mnist or fashion-mnist (default: mnist, or the configuration's).",
      converter = DatasetConverter.class)
  Dataset dataset;

  /** The dataset given on the command line, else {@code fallback}. */
  Dataset datasetOr(String fallback) {
    return dataset != null ? dataset : Dataset.parse(fallback);
  }

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Directory holding the dataset's four IDX files (raw or .gz). Default: $MNISTLAB_DATA,"
              + " else ~/.cache/mnistlab/<dataset>. Missing files are fetched into it.")
  Path dataDir;

  /**
   * Loads datasets from {@code --data-dir} (or the default lookup), each at most once; for commands
   * whose runs may name different datasets.
   */
  Function<Dataset, DataStore.Loaded> loader(Environment environment) {
    Map<Dataset, DataStore.Loaded> cache = new HashMap<>();
    return d -> cache.computeIfAbsent(d, x -> environment.dataStore().load(x, dataDir));
  }

  /**
   * Fetches and verifies {@code dataset} where {@code --data-dir} (or the default lookup) says, and
   * returns that directory: for runs trained in other processes, which read the data from there.
   */
  Path fetchedDirectory(Environment environment, Dataset dataset) {
    return environment.dataStore().fetch(dataset, dataDir).directory();
  }

  /**
   * {@link #fetchedDirectory}, each dataset fetched and verified at most once; for commands whose
   * runs may name different datasets.
   */
  Function<Dataset, Path> fetchedDirectories(Environment environment) {
    Map<Dataset, Path> cache = new HashMap<>();
    return d -> cache.computeIfAbsent(d, x -> fetchedDirectory(environment, x));
  }

  /** Parses dataset names, naming the accepted ones on error. */
  static class DatasetConverter implements picocli.CommandLine.ITypeConverter<Dataset> {
    @Override
    public Dataset convert(String value) {
      try {
        return Dataset.parse(value);
      } catch (IllegalArgumentException e) {
        // picocli would otherwise print the exception's class name before the message.
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
