package dev.mnistlab.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistlab.text.Suggestions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The arguments of one layer. A scalar value stands for the layer's main argument (the first one
 * asked for), so {@code dropout: 0.1} and {@code dropout: {p: 0.1}} mean the same.
 */
final class LayerArgs {
  private final String source;
  private final int line;
  private final String keyword;
  private final JsonNode node;
  private final List<String> used = new ArrayList<>();
  private boolean scalarTaken;

  LayerArgs(String source, int line, String keyword, JsonNode node) {
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
        throw new SpecException(
            source, line, keyword + " is missing field '" + name + "'" + misspelt(name));
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

  double fraction(String name, double fallback) {
    JsonNode v = node.isObject() ? node.get(name) : null;
    used.add(name);
    if (v == null) {
      return fallback;
    }
    if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() >= 1) {
      throw bad(name, v, "must be a number in [0, 1)");
    }
    return v.asDouble();
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

  /**
   * "(is 'kernal' meant as kernel?)" when a field the layer does not know is close to {@code name}.
   */
  private String misspelt(String name) {
    if (!node.isObject()) {
      return "";
    }
    List<String> unknown = new ArrayList<>();
    node.fieldNames().forEachRemaining(unknown::add);
    unknown.removeAll(used);
    List<String> close = Suggestions.closest(name, unknown, 1);
    return close.isEmpty() ? "" : " (is '" + close.get(0) + "' meant as " + name + "?)";
  }

  /**
   * A convolution's padding: a number, or {@code same} (stride 1: the output keeps the input's
   * size, PyTorch's {@code padding='same'}) or {@code valid} (0).
   */
  int padding(int kernel, int stride, int dilation) {
    JsonNode v = node.isObject() ? node.get("padding") : null;
    if (v != null && v.isTextual()) {
      used.add("padding");
      String word = v.asText().strip().toLowerCase(Locale.ROOT);
      int span = dilation * (kernel - 1);
      return switch (word) {
        case "valid" -> 0;
        case "same" -> {
          if (stride != 1) {
            throw bad("padding", "same", "needs stride 1 (got stride " + stride + ")");
          }
          if (span % 2 != 0) {
            throw bad("padding", "same", "needs an odd kernel (got " + kernel + "); give a number");
          }
          yield span / 2;
        }
        default -> throw bad("padding", v, "must be a number, same or valid");
      };
    }
    return nonNegative("padding", 0);
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
                  + "'"
                  + Suggestions.didYouMean(n, used)
                  + " (known: "
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
