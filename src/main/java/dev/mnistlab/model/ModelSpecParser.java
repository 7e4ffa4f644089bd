package dev.mnistlab.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.mnistlab.io.YamlInput;
import dev.mnistlab.text.Reasons;
import dev.mnistlab.text.Suggestions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
  private static final ObjectMapper YAML_WRITER =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());
  private static final Set<String> TOP_LEVEL =
      Set.of("name", "description", "input", "recipe", "blocks", "layers");

  /**
   * The most primitive layers a spec may expand to, {@code repeat}s and block references included;
   * checked before a repetition is expanded, so that a {@code repeat} nested in a {@code repeat}
   * cannot claim memory it would take minutes to fill. The zoo's deepest network has 34.
   */
  public static final int MAX_LAYERS = 1000;

  private ModelSpecParser() {}

  /**
   * The recipe's fields as YAML text; the training layer checks them, since the model layer does
   * not know a configuration's fields.
   */
  private static String recipeText(JsonNode tree, String source, int line) throws IOException {
    if (!tree.isObject() || tree.isEmpty()) {
      throw new SpecException(
          source, line, "recipe must be a map of training configuration fields, got " + tree);
    }
    if (tree.has("model")) {
      throw new SpecException(
          source, line, "recipe must not name a model: it is this spec's own recipe");
    }
    return YAML_WRITER.writeValueAsString(tree);
  }

  /** Parses and validates a spec file. */
  public static ModelSpec parseFile(Path file) {
    String text;
    try {
      text = YamlInput.read(file);
    } catch (IOException e) {
      throw new SpecException(file.toString(), 0, "cannot read model spec (" + Reasons.of(e) + ")");
    } catch (YamlInput.Problem e) {
      throw new SpecException(file.toString(), e.line(), e.getMessage());
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
    Map<String, List<Located>> blocks = new HashMap<>();
    int layersLine = 0;
    String recipe = "";
    try {
      YamlInput.check(text);
    } catch (YamlInput.Problem e) {
      throw new SpecException(source, e.line(), e.getMessage());
    }
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
          case "recipe" -> recipe = recipeText(tree(p), source, fieldLine);
          case "blocks" -> {
            if (p.currentToken() != JsonToken.START_OBJECT) {
              throw new SpecException(source, fieldLine, "blocks must map names to layer lists");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String blockName = p.currentName();
              int blockLine = line(p);
              p.nextToken();
              blocks.put(blockName, layerList(p, source, blocks, blockLine, "block " + blockName));
            }
          }
          default -> {
            layersLine = fieldLine;
            for (Located layer : layerList(p, source, blocks, fieldLine, "layers")) {
              layers.add(layer.layer());
              lines.add(layer.line());
            }
          }
        }
      }
    } catch (JsonProcessingException e) {
      int at = Reasons.yamlLine(e);
      throw new SpecException(
          source, at, "not valid YAML (" + Reasons.yaml(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      throw new SpecException(source, 0, "cannot read model spec (" + e.getMessage() + ")");
    }
    if (name == null || name.isBlank()) {
      throw new SpecException(source, 1, "missing field 'name'");
    }
    if (layers.isEmpty()) {
      throw new SpecException(source, layersLine, "missing or empty field 'layers'");
    }
    ModelSpec spec = new ModelSpec(name, description, input, layers, lines, source, recipe);
    Shapes.infer(spec);
    return spec;
  }

  /** A primitive layer and the source line it came from. */
  private record Located(LayerSpec layer, int line) {}

  /**
   * Reads a list of layer elements, starting at its START_ARRAY, expanding shorthands ({@code
   * cbr}), repetitions ({@code repeat}) and references to named blocks ({@code block}).
   */
  private static List<Located> layerList(
      JsonParser p, String source, Map<String, List<Located>> blocks, int line, String what)
      throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new SpecException(source, line, what + " must be a list of layers");
    }
    List<Located> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      int at = line(p);
      if (p.currentToken() != JsonToken.START_OBJECT) {
        for (LayerSpec layer : parseLayer(tree(p), source, at)) {
          out.add(new Located(layer, at));
        }
        continue;
      }
      if (p.nextToken() == JsonToken.END_OBJECT) {
        // Found by fuzzing: an empty map reached the layer switch with no name
        // (NullPointerException).
        throw new SpecException(
            source,
            at,
            "a layer is a keyword or a one-key map like '- conv: {out: 8, kernel: 3}', got {}");
      }
      String key = p.currentName();
      p.nextToken();
      switch (key) {
        case "repeat" -> out.addAll(repeat(p, source, blocks, at));
        case "block" -> {
          String ref = tree(p).asText();
          List<Located> block = blocks.get(ref);
          if (block == null) {
            throw new SpecException(
                source,
                at,
                "unknown block '" + ref + "' (define it under 'blocks:' before 'layers:')");
          }
          out.addAll(block);
        }
        default -> {
          com.fasterxml.jackson.databind.node.ObjectNode single = YAML.createObjectNode();
          single.set(key, tree(p));
          for (LayerSpec layer : parseLayer(single, source, at)) {
            out.add(new Located(layer, at));
          }
        }
      }
      if (p.nextToken() != JsonToken.END_OBJECT) {
        throw new SpecException(
            source,
            at,
            "a layer is a one-key map, but '" + key + "' is followed by '" + p.currentName() + "'");
      }
      checkLayerCount(out.size(), source, at, what);
    }
    return out;
  }

  private static void checkLayerCount(long count, String source, int line, String what) {
    if (count > MAX_LAYERS) {
      throw new SpecException(
          source,
          line,
          what
              + " expand to "
              + count
              + " layers, more than the "
              + MAX_LAYERS
              + " a spec may have");
    }
  }

  /** {@code repeat: {times: N, layers: [...]}}: the layers N times over. */
  private static List<Located> repeat(
      JsonParser p, String source, Map<String, List<Located>> blocks, int line) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new SpecException(source, line, "repeat needs {times: N, layers: [...]}");
    }
    int times = -1;
    List<Located> body = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if ("times".equals(field)) {
        JsonNode n = tree(p);
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
          throw new SpecException(
              source, line, "repeat times " + n + " must be an integer of at least 1");
        }
        times = n.asInt();
      } else if ("layers".equals(field)) {
        body = layerList(p, source, blocks, line, "repeat layers");
      } else {
        throw new SpecException(
            source, line, "repeat has unknown field '" + field + "' (known: times, layers)");
      }
    }
    if (times < 1 || body == null || body.isEmpty()) {
      throw new SpecException(source, line, "repeat needs both 'times' and a non-empty 'layers'");
    }
    checkLayerCount((long) times * body.size(), source, line, "repeat's " + times + " times");
    List<Located> out = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      out.addAll(body);
    }
    return out;
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

  private static List<LayerSpec> parseLayer(JsonNode node, String source, int line) {
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
    // Names are read in any case (Relu, BatchNorm), as PyTorch users write them.
    keyword = keyword.toLowerCase(Locale.ROOT);
    LayerArgs a = new LayerArgs(source, line, keyword, args);
    if ("cbr".equals(keyword)) {
      // conv (no bias: BatchNorm's shift replaces it) + batchnorm + relu, then optional dropout.
      int kernel = a.positive("kernel", 3);
      int out = a.positive("out", null);
      int stride = a.positive("stride", 1);
      int dilation = a.positive("dilation", 1);
      LayerSpec.Conv conv =
          new LayerSpec.Conv(
              out,
              kernel,
              stride,
              a.padding(kernel, stride, dilation),
              dilation,
              false,
              a.positive("groups", 1));
      double dropout = a.fraction("dropout", 0);
      a.rejectUnused();
      List<LayerSpec> expanded =
          new ArrayList<>(List.of(conv, new LayerSpec.BatchNorm(), new LayerSpec.Relu()));
      if (dropout > 0) {
        expanded.add(new LayerSpec.Dropout(dropout));
      }
      return expanded;
    }
    LayerSpec layer =
        switch (keyword) {
          case "conv" -> {
            int kernel = a.positive("kernel", null);
            int out = a.positive("out", null);
            int stride = a.positive("stride", 1);
            int dilation = a.positive("dilation", 1);
            yield new LayerSpec.Conv(
                out,
                kernel,
                stride,
                a.padding(kernel, stride, dilation),
                dilation,
                a.bool("bias", true),
                a.positive("groups", 1));
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
          case "softmax" -> new LayerSpec.Softmax();
          case "se" ->
              new LayerSpec.SqueezeExcite(a.positive("reduction", 4), a.bool("bias", true));
          default ->
              throw new SpecException(
                  source,
                  line,
                  "unknown layer '"
                      + keyword
                      + "'"
                      + Suggestions.didYouMean(keyword, LAYER_NAMES)
                      + " (known: "
                      + String.join(", ", LAYER_NAMES)
                      + ")");
        };
    a.rejectUnused();
    return List.of(layer);
  }

  /** The layer keywords a spec may use (with repeat and block, which group layers). */
  private static final List<String> LAYER_NAMES =
      List.of(
          "conv",
          "cbr",
          "batchnorm",
          "relu",
          "dropout",
          "maxpool",
          "avgpool",
          "gap",
          "flatten",
          "linear",
          "se",
          "softmax",
          "logsoftmax",
          "repeat",
          "block");
}
