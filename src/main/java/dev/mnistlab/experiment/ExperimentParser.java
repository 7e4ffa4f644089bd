package dev.mnistlab.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.io.YamlInput;
import dev.mnistlab.model.Bundled;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.text.Reasons;
import dev.mnistlab.text.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads experiment files (YAML). A step's {@code config} is either a map of overrides laid over the
 * previous step's resolved configuration (the first step's over the defaults) or the path of a
 * configuration file (relative to the experiment file); {@code model} replaces the model.
 *
 * <pre>
 * name: my-progression
 * title: From skeleton to 99.4%
 * steps:
 *   - name: 1 Skeleton
 *     target: A working pipeline.
 *     model: drilldown/exp1-skeleton
 *     config: {augment: {rotation: 0}, schedule: {type: constant}}
 *     analysis: Heavy model, overfits.
 *   - name: 2 Lighter
 *     model: drilldown/exp2-less-params
 * </pre>
 */
public final class ExperimentParser {
  private static final ObjectMapper YAML = Mappers.YAML;
  private static final java.util.regex.Pattern SAFE_NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Set<String> TOP = Set.of("name", "title", "source", "description", "steps");
  private static final Set<String> STEP =
      Set.of("name", "target", "model", "config", "analysis", "reported");

  private ExperimentParser() {}

  /** The experiment files shipped with mnistlab, by name. */
  public static Map<String, Experiment> bundled() {
    Map<String, Experiment> experiments = new LinkedHashMap<>();
    for (Bundled file : Bundled.list("experiments")) {
      Experiment e = parse(file.text(), file.path(), null);
      experiments.put(e.name(), e);
    }
    return experiments;
  }

  /**
   * A shipped experiment's name, or an experiment file.
   *
   * @throws IllegalArgumentException naming the file, the step and the bad value
   */
  public static Experiment resolve(String nameOrFile) {
    // A bare shipped name wins over a file of that name: the launcher script ./mnistlab sits in
    // the project root, where "experiment run mnistlab" must still mean the shipped experiment.
    if (!nameOrFile.contains("/") && !nameOrFile.contains(".")) {
      Experiment named = bundled().get(nameOrFile);
      if (named != null) {
        return named;
      }
    }
    Path file = Path.of(nameOrFile);
    if (Files.isRegularFile(file)) {
      return parseFile(file, file.toAbsolutePath().getParent());
    }
    Map<String, Experiment> shipped = bundled();
    Experiment e = shipped.get(nameOrFile);
    if (e == null) {
      throw new UsageException(
          nameOrFile
              + ": no such experiment file or shipped experiment; shipped: "
              + String.join(", ", shipped.keySet()));
    }
    return e;
  }

  /**
   * Reads and parses an experiment file.
   *
   * @param baseDir resolves relative configuration file paths
   * @throws IllegalArgumentException naming the file, and the line where there is one
   */
  public static Experiment parseFile(Path file, Path baseDir) {
    try {
      return parse(YamlInput.read(file), file.toString(), baseDir);
    } catch (YamlInput.Problem e) {
      throw new UsageException(e.in(file));
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read (" + Reasons.of(e) + ")");
    }
  }

  /**
   * Parses an experiment's text.
   *
   * @param origin names the text in messages
   * @param baseDir resolves relative configuration file paths; null for shipped experiments
   */
  public static Experiment parse(String text, String origin, Path baseDir) {
    JsonNode root;
    try {
      YamlInput.check(text);
      root = YAML.readTree(text);
    } catch (YamlInput.Problem e) {
      throw new UsageException(e.in(origin));
    } catch (JsonProcessingException e) {
      int line = Reasons.yamlLine(e);
      throw new UsageException(
          origin + ":" + line + ": not valid YAML (" + Reasons.yaml(e.getOriginalMessage()) + ")");
    }
    if (root == null || !root.isObject()) {
      throw new UsageException(origin + ": an experiment must be a map of fields");
    }
    checkFields(root, TOP, origin);
    String name = required(root, "name", origin);
    if (!SAFE_NAME.matcher(name).matches()) {
      // The name is a directory (runs/experiments/NAME): "../x" or "/tmp" would escape it.
      throw new UsageException(
          origin
              + ": name '"
              + name
              + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit (it names the run directory runs/experiments/NAME)");
    }
    JsonNode stepNodes = root.get("steps");
    if (stepNodes == null || !stepNodes.isArray() || stepNodes.isEmpty()) {
      throw new UsageException(origin + ": 'steps' must list at least one step");
    }
    List<Experiment.Step> steps = new ArrayList<>();
    Set<String> names = new HashSet<>();
    TrainConfig previous = TrainConfig.defaults();
    for (int i = 0; i < stepNodes.size(); i++) {
      JsonNode node = stepNodes.get(i);
      String where = origin + ": step " + (i + 1);
      if (!node.isObject()) {
        throw new UsageException(where + ": a step must be a map of fields");
      }
      String stepName = required(node, "name", where);
      where = origin + ": step " + (i + 1) + " '" + stepName + "'";
      checkFields(node, STEP, where);
      if (!names.add(stepName)) {
        throw new UsageException(where + ": another step has this name");
      }
      TrainConfig config = stepConfig(node.get("config"), previous, baseDir, where);
      if (node.hasNonNull("model")) {
        config =
            TrainConfigs.override(
                config, YAML.createObjectNode().put("model", text(node, "model")), where);
      }
      Recipe recipe;
      try {
        recipe = Recipe.of(config, ModelZoo.resolve(config.model()));
      } catch (RuntimeException e) {
        throw new UsageException(where + ": " + e.getMessage(), e);
      }
      Experiment.Reported reported = Experiment.Reported.NONE;
      if (node.hasNonNull("reported")) {
        try {
          reported = YAML.treeToValue(node.get("reported"), Experiment.Reported.class);
        } catch (JsonProcessingException e) {
          throw new UsageException(where + ": reported: " + e.getOriginalMessage());
        }
      }
      steps.add(
          new Experiment.Step(
              stepName, text(node, "target"), recipe, text(node, "analysis"), reported));
      previous = config;
    }
    return new Experiment(
        name,
        text(root, "title").isEmpty() ? name : text(root, "title"),
        text(root, "source"),
        text(root, "description"),
        steps,
        origin);
  }

  private static TrainConfig stepConfig(
      JsonNode config, TrainConfig previous, Path baseDir, String where) {
    if (config == null || config.isNull()) {
      return previous;
    }
    if (config.isTextual()) {
      Path file = Path.of(config.asText());
      if (!file.isAbsolute() && baseDir != null) {
        file = baseDir.resolve(file);
      }
      try {
        return TrainConfigs.load(file);
      } catch (IllegalArgumentException e) {
        throw new UsageException(where + ": " + e.getMessage(), e);
      }
    }
    return TrainConfigs.override(previous, config, where + ": config");
  }

  private static void checkFields(JsonNode node, Set<String> known, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!known.contains(field)) {
        throw new UsageException(
            where
                + ": unknown field '"
                + field
                + "' (known: "
                + String.join(", ", known.stream().sorted().toList())
                + ")");
      }
    }
  }

  private static String required(JsonNode node, String field, String where) {
    String value = text(node, field);
    if (value.isBlank()) {
      throw new UsageException(where + ": '" + field + "' is required");
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? "" : value.asText().strip();
  }
}
