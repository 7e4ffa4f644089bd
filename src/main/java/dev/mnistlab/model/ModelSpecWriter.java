package dev.mnistlab.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes a spec back as YAML that {@link ModelSpecParser} reads into an equal spec. */
public final class ModelSpecWriter {
  private ModelSpecWriter() {}

  /** The spec in the zoo's own style: one flow-style line per layer. */
  public static String toYaml(ModelSpec spec) {
    StringBuilder out = new StringBuilder();
    out.append("name: ").append(quote(spec.name())).append('\n');
    out.append("description: ").append(quote(spec.description())).append('\n');
    ModelSpec.Shape3 in = spec.inputShape();
    out.append("input: [")
        .append(in.channels())
        .append(", ")
        .append(in.height())
        .append(", ")
        .append(in.width())
        .append("]\n");
    out.append("layers:\n");
    for (LayerSpec layer : spec.layers()) {
      out.append("  - ").append(layer(layer)).append('\n');
    }
    return out.toString();
  }

  private static String layer(LayerSpec layer) {
    List<String> args = new ArrayList<>();
    if (layer instanceof LayerSpec.Conv c) {
      args.add("out: " + c.out());
      args.add("kernel: " + c.kernel());
      args.add("stride: " + c.stride());
      args.add("padding: " + c.padding());
      args.add("dilation: " + c.dilation());
      args.add("bias: " + c.bias());
      if (c.groups() != 1) {
        // Written only where it matters, so specs without groups read as they always did.
        args.add("groups: " + c.groups());
      }
    } else if (layer instanceof LayerSpec.Dropout d) {
      args.add("p: " + String.format(Locale.ROOT, "%s", d.p()));
    } else if (layer instanceof LayerSpec.MaxPool p) {
      args.add("kernel: " + p.kernel());
      args.add("stride: " + p.stride());
    } else if (layer instanceof LayerSpec.AvgPool p) {
      args.add("kernel: " + p.kernel());
      args.add("stride: " + p.stride());
    } else if (layer instanceof LayerSpec.SqueezeExcite se) {
      args.add("reduction: " + se.reduction());
      args.add("bias: " + se.bias());
    } else if (layer instanceof LayerSpec.Linear l) {
      args.add("units: " + l.units());
      args.add("bias: " + l.bias());
    }
    return args.isEmpty()
        ? layer.keyword()
        : layer.keyword() + ": {" + String.join(", ", args) + "}";
  }

  private static String quote(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
