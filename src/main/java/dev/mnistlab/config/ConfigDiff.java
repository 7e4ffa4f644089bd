package dev.mnistlab.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.text.Plain;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields in which two resolved configurations differ, by the names {@code config.yaml} uses
 * ({@code epochs}, {@code optimizer.lr}), so a refusal can say what differs rather than only that
 * something does.
 *
 * @param changes one entry per differing field, in the order of {@code config.yaml}
 */
public record ConfigDiff(List<Change> changes) {
  private static final String SCHEDULE = "schedule.";

  /**
   * One differing field.
   *
   * @param field the dotted name, e.g. {@code schedule.max_lr}
   * @param before its value in the first configuration, as YAML writes it ({@code null} if absent)
   * @param after its value in the second
   */
  public record Change(String field, String before, String after) {
    @Override
    public String toString() {
      return field + ": " + before + " → " + after;
    }
  }

  /**
   * How the configuration a run directory saved differs from one asked to train there, leaving out
   * the engine thread count: it says how a run is executed, not what it trains, and a run may
   * continue under another.
   */
  public static ConfigDiff ofRun(TrainConfig saved, TrainConfig asked) {
    return between(saved.withRun(saved.seed(), 0), asked.withRun(asked.seed(), 0));
  }

  /** The fields of {@code after} whose values differ from those of {@code before}. */
  public static ConfigDiff between(TrainConfig before, TrainConfig after) {
    Map<String, String> a = flatten(before);
    Map<String, String> b = flatten(after);
    collapseWhereTheOtherIsAbsent(a, b);
    collapseWhereTheOtherIsAbsent(b, a);
    List<Change> changes = new ArrayList<>();
    List<String> order = new ArrayList<>(a.keySet());
    b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(order::add);
    Set<String> read = after.schedule().fieldsRead();
    for (String field : order) {
      // A field the schedule does not read (a StepLR's max_lr) is no difference; where the type
      // changed, the type's own change says so.
      if (field.startsWith(SCHEDULE) && !read.contains(field.substring(SCHEDULE.length()))) {
        continue;
      }
      if (!String.valueOf(a.get(field)).equals(String.valueOf(b.get(field)))) {
        changes.add(new Change(field, a.get(field), b.get(field)));
      }
    }
    return new ConfigDiff(List.copyOf(changes));
  }

  /**
   * A field that is absent on one side ({@code test_normalization: none}) and a map on the other is
   * one change, {@code none → mean 0.1325, std 0.3104}, not one per field of the map: the map's
   * fields in {@code fields} become a single entry under the field's name.
   */
  private static void collapseWhereTheOtherIsAbsent(
      Map<String, String> fields, Map<String, String> other) {
    for (Map.Entry<String, String> leaf : other.entrySet()) {
      if (fields.containsKey(leaf.getKey())) {
        continue;
      }
      String prefix = leaf.getKey() + ".";
      List<String> parts = new ArrayList<>();
      for (Iterator<Map.Entry<String, String>> it = fields.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, String> f = it.next();
        if (f.getKey().startsWith(prefix)) {
          parts.add(f.getKey().substring(prefix.length()) + " " + f.getValue());
          it.remove();
        }
      }
      if (!parts.isEmpty()) {
        fields.put(leaf.getKey(), String.join(", ", parts));
      }
    }
  }

  /** Whether the configurations are the same. */
  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** The names of the differing fields. */
  public List<String> fields() {
    return changes.stream().map(Change::field).toList();
  }

  /** {@code epochs: 15 → 5, seed: 1 → 2}. */
  @Override
  public String toString() {
    return String.join(", ", changes.stream().map(Change::toString).toList());
  }

  /** Every leaf field of a configuration by its dotted {@code config.yaml} name. */
  public static Map<String, String> flatten(TrainConfig config) {
    Map<String, String> fields = new LinkedHashMap<>();
    flatten(Mappers.YAML.valueToTree(config), "", fields);
    return fields;
  }

  private static void flatten(JsonNode node, String prefix, Map<String, String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        flatten(field.getValue(), prefix + field.getKey() + ".", out);
      }
    } else {
      out.put(prefix.substring(0, prefix.length() - 1), text(node));
    }
  }

  /** A value as a person writes it: 0.0001 rather than 1.0E-4, 5, 10 rather than [5,10]. */
  private static String text(JsonNode node) {
    if (node == null || node.isNull()) {
      return "none";
    }
    if (node.isFloat()) {
      // A float's shortest text (0.1325), not its double widening (0.13249999284744263).
      return Plain.number(Double.parseDouble(Float.toString(node.floatValue())));
    }
    if (node.isNumber()) {
      return Plain.number(node.asDouble());
    }
    if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(text(item)));
      return items.isEmpty() ? "none" : Plain.list(items);
    }
    if (node.isObject()) {
      // A transform in a list: rotation (degrees 4, fill 1, interpolation nearest).
      List<String> parts = new ArrayList<>();
      node.fields()
          .forEachRemaining(
              f ->
                  parts.add(
                      f.getKey()
                          + (f.getValue().isObject()
                              ? " (" + text(f.getValue()) + ")"
                              : " " + text(f.getValue()))));
      return String.join(", ", parts);
    }
    return node.isTextual() ? node.textValue() : node.toString();
  }
}
