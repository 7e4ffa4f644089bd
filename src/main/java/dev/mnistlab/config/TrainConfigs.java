package dev.mnistlab.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mnistlab.data.Augmentation;
import dev.mnistlab.data.Transform;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.io.YamlInput;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.text.Reasons;
import dev.mnistlab.text.Suggestions;
import dev.mnistlab.text.UsageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a training configuration file: any subset of {@link TrainConfig}'s fields in YAML, laid
 * over the defaults, so a file says only what it changes. The file's names are the ones saved in
 * each run's {@code config.yaml}, so a saved configuration can be run again as it is.
 */
public final class TrainConfigs {
  private static final ObjectMapper YAML = Mappers.YAML;

  private TrainConfigs() {}

  /**
   * The configuration as {@code config.yaml} holds it: every field, except the schedule's fields
   * its type does not read (a StepLR's {@code max_lr}) and {@code nesterov} outside SGD, which
   * would only say values that play no part. Read back with {@link #load}, the missing fields take
   * their defaults, which nothing reads.
   */
  public static String toYaml(TrainConfig config) {
    ObjectNode tree = YAML.valueToTree(config);
    ObjectNode schedule = (ObjectNode) tree.get("schedule");
    java.util.Set<String> read = config.schedule().fieldsRead();
    List<String> unread = new ArrayList<>();
    schedule.fieldNames().forEachRemaining(f -> unread.add(f));
    unread.removeAll(read);
    schedule.remove(unread);
    if (!"sgd".equals(config.optimizer().type())) {
      ((ObjectNode) tree.get("optimizer")).remove("nesterov");
    }
    try {
      return YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a configuration that cannot be written as YAML", e);
    }
  }

  /**
   * Defaults, then the file.
   *
   * @throws IllegalArgumentException naming the file and the unknown, ill-typed or out-of-range
   *     field
   */
  public static TrainConfig load(Path file) {
    return load(file, TrainConfig.defaults());
  }

  /**
   * {@code base}, then the file's fields.
   *
   * @throws IllegalArgumentException naming the file and the unknown, ill-typed or out-of-range
   *     field
   */
  public static TrainConfig load(Path file, TrainConfig base) {
    return layOver(base, read(file), file);
  }

  /**
   * {@code base}, then the fields {@link #read} found in {@code file}.
   *
   * @throws IllegalArgumentException naming the file and the unknown, ill-typed or out-of-range
   *     field
   */
  public static TrainConfig layOver(TrainConfig base, JsonNode fields, Path file) {
    return fields == null
        ? base
        : validated(override(base, fields, file.toString()), file.toString());
  }

  /**
   * A configuration file's fields, unchecked until laid over a base with {@link #override}; null
   * when the file is empty.
   *
   * @throws IllegalArgumentException naming the file and the line when it cannot be read or is not
   *     valid YAML
   */
  public static JsonNode read(Path file) {
    String text;
    try {
      text = YamlInput.read(file);
    } catch (YamlInput.Problem e) {
      throw new UsageException(e.in(file));
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read configuration (" + Reasons.of(e) + ")");
    }
    return tree(text, file.toString());
  }

  /**
   * Defaults, then a configuration's text.
   *
   * @param origin names the text in messages (its file)
   * @throws IllegalArgumentException naming the origin and the line, or the unknown, ill-typed or
   *     out-of-range field
   */
  public static TrainConfig parse(String text, String origin) {
    return parse(text, origin, TrainConfig.defaults());
  }

  /**
   * Where {@code train --model} starts: the defaults with the fields of the model's own recipe (a
   * spec's {@code recipe:}) replaced, and the model set.
   *
   * @throws IllegalArgumentException naming the spec when its recipe is not a valid configuration
   */
  public static TrainConfig startingPoint(String model, ModelSpec spec) {
    TrainConfig base =
        spec.hasRecipe()
            ? parse(spec.recipe(), spec.source() + " (its recipe)", TrainConfig.defaults())
            : TrainConfig.defaults();
    return base.withModel(model);
  }

  private static TrainConfig parse(String text, String origin, TrainConfig base) {
    JsonNode overrides = tree(text, origin);
    return overrides == null ? base : validated(override(base, overrides, origin), origin);
  }

  /** A configuration's text as a YAML tree, or null when it holds nothing. */
  private static JsonNode tree(String text, String origin) {
    JsonNode overrides;
    try {
      YamlInput.check(text);
      overrides = YAML.readTree(text);
    } catch (YamlInput.Problem e) {
      throw new UsageException(e.in(origin));
    } catch (JsonProcessingException e) {
      throw new UsageException(
          origin
              + ":"
              + Reasons.yamlLine(e)
              + ": not valid YAML ("
              + Reasons.yaml(e.getOriginalMessage())
              + ")");
    }
    if (overrides == null || overrides.isNull() || overrides.isMissingNode()) {
      return null;
    }
    return overrides;
  }

  private static TrainConfig validated(TrainConfig config, String origin) {
    try {
      return config.validate();
    } catch (IllegalArgumentException e) {
      // A value out of range is the file's mistake: say which file.
      throw new UsageException(origin + ": " + e.getMessage(), e);
    }
  }

  /**
   * The recipes mnistlab ships, by name ({@code --recipe NAME}); each but {@code default} is a
   * resource {@code dev/mnistlab/recipes/NAME.yaml}. {@code fast} reaches 99.40% in two consecutive
   * epochs within 10 for every seed 1..5 (docs/BENCHMARKS.md, with the candidates that did not).
   */
  public static final List<String> RECIPES = List.of("default", "fast");

  /**
   * A shipped recipe: {@code default} is {@link TrainConfig#defaults()}, the others are the
   * defaults with the fields of {@code dev/mnistlab/recipes/NAME.yaml} replaced.
   *
   * @throws IllegalArgumentException naming the shipped recipes when there is no such one
   */
  public static TrainConfig shipped(String name) {
    if (!RECIPES.contains(name)) {
      throw new UsageException(
          "no recipe '" + name + "' (shipped: " + String.join(", ", RECIPES) + ")");
    }
    if (name.equals("default")) {
      return TrainConfig.defaults();
    }
    String resource = "/dev/mnistlab/recipes/" + name + ".yaml";
    try (var in = TrainConfigs.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the jar");
      }
      return override(TrainConfig.defaults(), YAML.readTree(in), "recipe " + name);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }

  /**
   * {@code base} with the fields {@code overrides} names replaced; maps merge field by field, so
   * {@code {optimizer: {lr: 0.1}}} keeps the other optimizer settings.
   *
   * @param source names the overrides in error messages (a file, or a file and step)
   * @throws IllegalArgumentException naming the source and the unknown or ill-typed field
   */
  public static TrainConfig override(TrainConfig base, JsonNode overrides, String source) {
    if (!overrides.isObject()) {
      throw new UsageException(source + ": a configuration must be a map of fields");
    }
    ObjectNode merged = YAML.valueToTree(base);
    replaceAugmentationKind(merged, overrides);
    merge(merged, (ObjectNode) overrides, "", source);
    try {
      return YAML.treeToValue(merged, TrainConfig.class);
    } catch (MismatchedInputException e) {
      // "Cannot deserialize value of type `int` from String" says it in Java's words.
      if (e instanceof UnrecognizedPropertyException unknown) {
        // Inside a transform: the merge only checks the fields it knows from the defaults.
        List<String> known = new ArrayList<>();
        unknown.getKnownPropertyIds().forEach(id -> known.add(id.toString()));
        java.util.Collections.sort(known);
        throw new UsageException(
            source
                + ": unknown field '"
                + Reasons.fieldPath(e)
                + "'"
                + Suggestions.didYouMean(String.valueOf(unknown.getPropertyName()), known)
                + " (known: "
                + String.join(", ", known)
                + ")");
      }
      // An unknown transform name leaves no target type, only the id Jackson could not resolve.
      String expected =
          e instanceof InvalidTypeIdException
              ? "a map naming one transform (" + String.join(", ", Transform.names()) + ")"
              : Reasons.expected(e.getTargetType());
      throw new UsageException(source + ": " + Reasons.wrongType(e, merged, expected));
    } catch (ValueInstantiationException e) {
      // A value's own check refused it (a record's constructor): its message says why.
      String why = e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage();
      throw new UsageException(source + ": " + why);
    } catch (JsonProcessingException e) {
      throw new UsageException(source + ": " + Reasons.yaml(e.getOriginalMessage()));
    }
  }

  /**
   * torchvision's transform list and mnistlab's own augmentation fields exclude each other, so an
   * override that gives one replaces the other instead of merging into it: a file that lists
   * transforms does not inherit the default recipe's rotation, and one that sets a rotation drops
   * an inherited list.
   */
  private static void replaceAugmentationKind(ObjectNode merged, JsonNode overrides) {
    JsonNode augment = overrides.get("augment");
    if (augment == null || !augment.isObject() || !merged.path("augment").isObject()) {
      return;
    }
    if (augment.has("transforms")) {
      merged.set("augment", YAML.valueToTree(Augmentation.NONE));
    } else if (augment.size() > 0) {
      ((ObjectNode) merged.get("augment")).set("transforms", YAML.createArrayNode());
    }
  }

  /** Whether the field at this dotted path is null (absent) in {@link TrainConfig#defaults()}. */
  private static boolean nullByDefault(String dottedPath) {
    JsonNode defaults = YAML.valueToTree(TrainConfig.defaults());
    return defaults.at("/" + dottedPath.replace('.', '/')).isNull();
  }

  private static void merge(ObjectNode base, ObjectNode overrides, String prefix, String file) {
    for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      JsonNode current = base.get(name);
      if (current == null) {
        List<String> known = new ArrayList<>();
        base.fieldNames().forEachRemaining(known::add);
        throw new UsageException(
            file
                + ": unknown field '"
                + prefix
                + name
                + "'"
                + Suggestions.didYouMean(name, known)
                + " (known: "
                + String.join(", ", known)
                + ")");
      }
      if (field.getValue().isNull()) {
        // A field left empty ("type:") means null: only a field whose default is null takes it
        // (test_normalization: null goes back to "the training normalization").
        if (!nullByDefault(prefix + name)) {
          throw new UsageException(
              file + ": field '" + prefix + name + "' needs a value, got nothing (null)");
        }
        base.set(name, field.getValue());
      } else if (current.isObject()) {
        if (!field.getValue().isObject()) {
          throw new UsageException(
              file + ": field '" + prefix + name + "' must be a map, got " + field.getValue());
        }
        merge((ObjectNode) current, (ObjectNode) field.getValue(), prefix + name + ".", file);
      } else {
        base.set(name, field.getValue());
      }
    }
  }
}
