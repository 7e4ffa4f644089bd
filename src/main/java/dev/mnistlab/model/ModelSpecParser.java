package dev.mnistlab.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a model spec from YAML. A layer is either a bare keyword ({@code - relu}) or a one-key map
 * whose value is a number ({@code - dropout: 0.05}) or a map of arguments ({@code - conv: {out: 8,
 * kernel: 3}}). Errors read {@code file:line: message} and name the bad value.
 *
 * <pre>
 * name: my-model
 * description: three convolutions and a GAP head
 * input: [1, 28, 28]
 * layers:
 *   - conv: {out: 8, kernel: 3, bias: false}
 *   - batchnorm
 *   - relu
 * </pre>
 */
public final class ModelSpecParser {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP_LEVEL = Set.of("name", "description", "input", "layers");

  private ModelSpecParser() {}

  /** Parses and validates a spec file. */
  public static ModelSpec parseFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new SpecException(
          file.toString(), 0, "cannot read model spec (" + e.getMessage() + ")");
    }
    return parse(text, file.toString());
  }

  /**
   * Parses and validates a spec held in a string.
   *
   * @param source names the text in error messages
   */
  public static ModelSpec parse(String text, String source) {
    String name = null;
    String description = "";
    ModelSpec.Shape3 input = ModelSpec.Shape3.of(1, 28, 28);
    List<LayerSpec> layers = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    int layersLine = 0;
    try (JsonParser p = YAML.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new SpecException(source, line(p), "a model spec must be a map with name and layers");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        int fieldLine = line(p);
        p.nextToken();
        if (!TOP_LEVEL.contains(field)) {
          throw new SpecException(
              source,
              fieldLine,
              "unknown field '" + field + "' (expected one of " + TOP_LEVEL + ")");
        }
        switch (field) {
          case "name" -> name = tree(p).asText();
          case "description" -> description = tree(p).asText();
          case "input" -> input = parseInput(tree(p), source, fieldLine);
          default -> {
            layersLine = fieldLine;
            if (p.currentToken() != JsonToken.START_ARRAY) {
              throw new SpecException(source, fieldLine, "layers must be a list");
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
              int layerLine = line(p);
              layers.add(parseLayer(tree(p), source, layerLine));
              lines.add(layerLine);
            }
          }
        }
      }
    } catch (JsonProcessingException e) {
      int at = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new SpecException(source, at, "not valid YAML (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw new SpecException(source, 0, "cannot read model spec (" + e.getMessage() + ")");
    }
    if (name == null || name.isBlank()) {
      throw new SpecException(source, 1, "missing field 'name'");
    }
    if (layers.isEmpty()) {
      throw new SpecException(source, layersLine, "missing or empty field 'layers'");
    }
    ModelSpec spec = new ModelSpec(name, description, input, layers, lines, source);
    Shapes.infer(spec);
    return spec;
  }

  private static JsonNode tree(JsonParser p) throws IOException {
    JsonNode node = YAML.readTree(p);
    return node == null ? YAML.nullNode() : node;
  }

  private static int line(JsonParser p) {
    return p.currentTokenLocation().getLineNr();
  }

  private static ModelSpec.Shape3 parseInput(JsonNode node, String source, int line) {
    if (!node.isArray() || node.size() != 3) {
      throw new SpecException(source, line, "input must be [channels, height, width], got " + node);
    }
    int[] v = new int[3];
    for (int i = 0; i < 3; i++) {
      if (!node.get(i).canConvertToInt() || node.get(i).asInt() < 1) {
        throw new SpecException(
            source, line, "input dimension " + node.get(i) + " must be a positive integer");
      }
      v[i] = node.get(i).asInt();
    }
    return ModelSpec.Shape3.of(v[0], v[1], v[2]);
  }

  private static LayerSpec parseLayer(JsonNode node, String source, int line) {
    String keyword;
    JsonNode args;
    if (node.isTextual()) {
      keyword = node.asText();
      args = YAML.createObjectNode();
    } else if (node.isObject() && node.size() == 1) {
      Map.Entry<String, JsonNode> only = node.fields().next();
      keyword = only.getKey();
      args = only.getValue();
    } else {
      throw new SpecException(
          source,
          line,
          "a layer is a keyword or a one-key map like '- conv: {out: 8, kernel: 3}', got " + node);
    }
    Args a = new Args(source, line, keyword, args);
    LayerSpec layer =
        switch (keyword) {
          case "conv" -> {
            int kernel = a.positive("kernel", null);
            yield new LayerSpec.Conv(
                a.positive("out", null),
                kernel,
                a.positive("stride", 1),
                a.nonNegative("padding", 0),
                a.positive("dilation", 1),
                a.bool("bias", true));
          }
          case "batchnorm", "bn" -> new LayerSpec.BatchNorm();
          case "relu" -> new LayerSpec.Relu();
          case "dropout" -> new LayerSpec.Dropout(a.probability("p"));
          case "maxpool" -> {
            int kernel = a.positive("kernel", 2);
            yield new LayerSpec.MaxPool(kernel, a.positive("stride", kernel));
          }
          case "avgpool" -> {
            int kernel = a.positive("kernel", 2);
            yield new LayerSpec.AvgPool(kernel, a.positive("stride", kernel));
          }
          case "gap" -> new LayerSpec.Gap();
          case "flatten" -> new LayerSpec.Flatten();
          case "linear" -> new LayerSpec.Linear(a.positive("units", null), a.bool("bias", true));
          case "logsoftmax", "log_softmax" -> new LayerSpec.LogSoftmax();
          default ->
              throw new SpecException(
                  source,
                  line,
                  "unknown layer '"
                      + keyword
                      + "' (known: conv, batchnorm, relu, dropout, maxpool, avgpool, gap, flatten, linear, logsoftmax)");
        };
    a.rejectUnused();
    return layer;
  }

  /**
   * The arguments of one layer. A scalar value stands for the layer's main argument (the first one
   * asked for), so {@code dropout: 0.1} and {@code dropout: {p: 0.1}} mean the same.
   */
  private static final class Args {
    private final String source;
    private final int line;
    private final String keyword;
    private final JsonNode node;
    private final List<String> used = new ArrayList<>();
    private boolean scalarTaken;

    Args(String source, int line, String keyword, JsonNode node) {
      this.source = source;
      this.line = line;
      this.keyword = keyword;
      this.node = node;
      if (!node.isObject() && !node.isValueNode()) {
        throw new SpecException(
            source, line, keyword + " arguments must be a map or a number, got " + node);
      }
    }

    private JsonNode get(String name) {
      used.add(name);
      if (node.isObject()) {
        return node.get(name);
      }
      if (!scalarTaken && !node.isNull()) {
        scalarTaken = true;
        return node;
      }
      return null;
    }

    int positive(String name, Integer fallback) {
      int v = integer(name, fallback);
      if (v < 1) {
        throw bad(name, v, "must be at least 1");
      }
      return v;
    }

    int nonNegative(String name, Integer fallback) {
      int v = integer(name, fallback);
      if (v < 0) {
        throw bad(name, v, "must not be negative");
      }
      return v;
    }

    private int integer(String name, Integer fallback) {
      JsonNode v = get(name);
      if (v == null || v.isNull()) {
        if (fallback == null) {
          throw new SpecException(source, line, keyword + " is missing field '" + name + "'");
        }
        return fallback;
      }
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw bad(name, v, "must be an integer");
      }
      return v.asInt();
    }

    double probability(String name) {
      JsonNode v = get(name);
      if (v == null || !v.isNumber()) {
        throw new SpecException(source, line, keyword + " needs a number '" + name + "' in [0, 1)");
      }
      double p = v.asDouble();
      if (p < 0 || p >= 1) {
        throw bad(name, p, "must be in [0, 1)");
      }
      return p;
    }

    boolean bool(String name, boolean fallback) {
      JsonNode v = node.isObject() ? node.get(name) : null;
      used.add(name);
      if (v == null) {
        return fallback;
      }
      if (!v.isBoolean()) {
        throw bad(name, v, "must be true or false");
      }
      return v.asBoolean();
    }

    void rejectUnused() {
      if (node.isObject()) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
          String n = names.next();
          if (!used.contains(n)) {
            throw new SpecException(
                source,
                line,
                keyword
                    + " has unknown field '"
                    + n
                    + "' (known: "
                    + String.join(", ", used)
                    + ")");
          }
        }
      } else if (!node.isNull() && !scalarTaken) {
        throw new SpecException(source, line, keyword + " takes no value, got " + node);
      }
    }

    private SpecException bad(String name, Object value, String rule) {
      return new SpecException(source, line, keyword + " " + name + " " + value + " " + rule);
    }
  }
}
