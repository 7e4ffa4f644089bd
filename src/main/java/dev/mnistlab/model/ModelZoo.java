package dev.mnistlab.model;

import dev.mnistlab.text.Suggestions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in models, each a YAML spec shipped as a resource under {@code zoo/} and listed in
 * {@code zoo/index.txt}. {@link #resolve} accepts a zoo name or a spec file, everywhere a model is
 * asked for.
 */
public final class ModelZoo {
  /** The model {@code train} uses when none is given. */
  public static final String DEFAULT_MODEL = "mnistlab/compact";

  private static final Map<String, ModelSpec> ENTRIES = load();

  private ModelZoo() {}

  /** Every zoo entry, in listing order. */
  public static List<ModelSpec> entries() {
    return List.copyOf(ENTRIES.values());
  }

  /**
   * A zoo name or the path of a spec file.
   *
   * @throws SpecException when the name is unknown (suggesting the closest zoo names, or pointing
   *     at {@code mnistlab models}) or the file is invalid
   */
  public static ModelSpec resolve(String nameOrFile) {
    ModelSpec spec = ENTRIES.get(nameOrFile);
    if (spec != null) {
      return spec;
    }
    Path file = Path.of(nameOrFile);
    if (Files.isRegularFile(file)) {
      return ModelSpecParser.parseFile(file);
    }
    if (nameOrFile.endsWith(".yaml") || nameOrFile.endsWith(".yml")) {
      throw new SpecException(nameOrFile, 0, "no such model spec file");
    }
    String suggestion = Suggestions.didYouMean(nameOrFile, ENTRIES.keySet());
    throw new SpecException(
        nameOrFile,
        0,
        "unknown model (not a zoo name or a spec file)"
            + (suggestion.isEmpty()
                ? "; `mnistlab models` lists the zoo, e.g. " + DEFAULT_MODEL
                : suggestion));
  }

  private static Map<String, ModelSpec> load() {
    Map<String, ModelSpec> entries = new LinkedHashMap<>();
    for (Bundled file : Bundled.list("zoo")) {
      ModelSpec spec = ModelSpecParser.parse(file.text(), file.path());
      entries.put(spec.name(), spec);
    }
    return entries;
  }
}
