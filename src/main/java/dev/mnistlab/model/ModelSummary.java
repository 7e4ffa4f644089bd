package dev.mnistlab.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mnistlab.text.Plain;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a spec builds, layer by layer: output shape, parameters counted on the built DJL network (so
 * the summary cannot drift from what trains), receptive field and jump, multiply-accumulates and
 * activation memory.
 *
 * @param rows one row per spec layer, after a row for the input
 * @param macs multiply-accumulates per image (convolutions, linear layers and SE gates)
 * @param activationBytes float32 bytes of every layer's output for one image, input included
 * @param receptiveField the final receptive field in pixels
 * @param warnings things a designer should know, such as a receptive field smaller than the image
 */
public record ModelSummary(
    String model,
    String description,
    List<Row> rows,
    @JsonProperty("trainable_params") long trainableParams,
    @JsonProperty("non_trainable_params") long nonTrainableParams,
    long macs,
    @JsonProperty("activation_bytes") long activationBytes,
    @JsonProperty("receptive_field") int receptiveField,
    List<String> warnings) {

  /**
   * One layer.
   *
   * @param receptiveField pixels of the input one output value sees, by r_out = r_in + (k−1)·j_in
   *     with the dilated kernel k = d·(k−1)+1; GAP and flatten see their whole input
   * @param jump input pixels between neighbouring output values, j_out = j_in·stride
   */
  public record Row(
      int index,
      String layer,
      String output,
      @JsonProperty("trainable_params") long trainableParams,
      @JsonProperty("non_trainable_params") long nonTrainableParams,
      @JsonProperty("receptive_field") int receptiveField,
      int jump,
      long macs) {

    /** The row's values in column order, for the text and Markdown tables (1,440 not 1440). */
    Object[] cells() {
      return new Object[] {
        index,
        layer,
        output,
        Plain.count(trainableParams),
        Plain.count(nonTrainableParams),
        receptiveField,
        jump,
        Plain.count(macs)
      };
    }
  }

  /** Builds the spec's network (the engine must be started) and describes it. */
  public static ModelSummary of(ModelSpec spec) {
    List<ModelSpec.Shape3> shapes = Shapes.infer(spec);
    ModelSpec.Shape3 in = spec.inputShape();
    try (NDManager manager = NDManager.newBaseManager()) {
      Block net = BlockFactory.buildInitialized(spec, manager);
      List<Row> rows = new ArrayList<>();
      rows.add(new Row(0, "input", in.toString(), 0, 0, 1, 1, 0));
      int rf = 1;
      int jump = 1;
      long macs = 0;
      long activations = in.size();
      ModelSpec.Shape3 prev = in;
      for (int i = 0; i < spec.layers().size(); i++) {
        LayerSpec layer = spec.layers().get(i);
        ModelSpec.Shape3 out = shapes.get(i);
        int kernel = 1;
        int stride = 1;
        if (layer instanceof LayerSpec.Conv c) {
          kernel = c.dilation() * (c.kernel() - 1) + 1;
          stride = c.stride();
        } else if (layer instanceof LayerSpec.MaxPool p) {
          kernel = p.kernel();
          stride = p.stride();
        } else if (layer instanceof LayerSpec.AvgPool p) {
          kernel = p.kernel();
          stride = p.stride();
        } else if ((layer instanceof LayerSpec.Gap || layer instanceof LayerSpec.Flatten)
            && !prev.flat()) {
          kernel = prev.height();
          stride = prev.height();
        }
        rf += (kernel - 1) * jump;
        jump *= stride;
        long layerMacs = macs(layer, prev, out);
        macs += layerMacs;
        activations += out.size();
        ParameterCount params = ParameterCount.of(net.getChildren().get(i).getValue());
        rows.add(
            new Row(
                i + 1,
                describe(layer, prev),
                out.toString(),
                params.trainable(),
                params.nonTrainable(),
                rf,
                jump,
                layerMacs));
        prev = out;
      }
      ParameterCount total = ParameterCount.of(net);
      List<String> warnings = new ArrayList<>();
      if (rf < Math.max(in.height(), in.width())) {
        warnings.add(
            String.format(
                Locale.ROOT,
                "the final receptive field (%d px) is smaller than the %d×%d image",
                rf,
                in.height(),
                in.width()));
      }
      return new ModelSummary(
          spec.name(),
          spec.description(),
          rows,
          total.trainable(),
          total.nonTrainable(),
          macs,
          activations * Float.BYTES,
          rf,
          warnings);
    }
  }

  private static long macs(LayerSpec layer, ModelSpec.Shape3 in, ModelSpec.Shape3 out) {
    if (layer instanceof LayerSpec.Conv c) {
      return out.size() * (in.channels() / c.groups()) * c.kernel() * c.kernel();
    }
    if (layer instanceof LayerSpec.Linear l) {
      return in.size() * l.units();
    }
    if (layer instanceof LayerSpec.SqueezeExcite se) {
      return 2L * in.channels() * se.squeezed(in.channels()) + in.size();
    }
    return 0;
  }

  /** A short human description: {@code conv 3×3 8→10 pad 1}, {@code dropout 0.05}, ... */
  static String describe(LayerSpec layer, ModelSpec.Shape3 in) {
    if (layer instanceof LayerSpec.Conv c) {
      StringBuilder b =
          new StringBuilder(
              String.format(
                  Locale.ROOT, "conv %d×%d %d→%d", c.kernel(), c.kernel(), in.channels(), c.out()));
      if (c.stride() != 1) {
        b.append(" stride ").append(c.stride());
      }
      if (c.padding() != 0) {
        b.append(" pad ").append(c.padding());
      }
      if (c.dilation() != 1) {
        b.append(" dil ").append(c.dilation());
      }
      if (c.groups() == in.channels() && c.groups() == c.out() && c.groups() > 1) {
        b.append(" depthwise");
      } else if (c.groups() != 1) {
        b.append(" groups ").append(c.groups());
      }
      if (!c.bias()) {
        b.append(" no bias");
      }
      return b.toString();
    }
    if (layer instanceof LayerSpec.Dropout d) {
      return String.format(Locale.ROOT, "dropout %s", d.p());
    }
    if (layer instanceof LayerSpec.MaxPool p) {
      return "maxpool " + p.kernel() + (p.stride() != p.kernel() ? " stride " + p.stride() : "");
    }
    if (layer instanceof LayerSpec.AvgPool p) {
      return "avgpool " + p.kernel() + (p.stride() != p.kernel() ? " stride " + p.stride() : "");
    }
    if (layer instanceof LayerSpec.Linear l) {
      return "linear " + in.size() + "→" + l.units() + (l.bias() ? "" : " no bias");
    }
    if (layer instanceof LayerSpec.SqueezeExcite se) {
      return "se " + in.channels() + "→" + se.squeezed(in.channels()) + "→" + in.channels();
    }
    return layer.keyword();
  }

  /** The summary as an aligned plain-text table with totals. */
  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append(model).append('\n');
    // The layer column fits the longest description (a depthwise conv's runs past 30).
    int layerWidth = Math.max(30, rows.stream().mapToInt(r -> r.layer().length()).max().orElse(0));
    String format = "%3s  %-" + layerWidth + "s %-10s %10s %10s %5s %5s %12s%n";
    b.append(
        String.format(
            Locale.ROOT,
            format,
            "#",
            "layer",
            "output",
            "trainable",
            "non-train",
            "RF",
            "jump",
            "MACs"));
    for (Row r : rows) {
      b.append(String.format(Locale.ROOT, format, r.cells()));
    }
    b.append(totals()).append('\n');
    for (String w : warnings) {
      b.append("warning: ").append(w).append('\n');
    }
    return b.toString();
  }

  /** The summary as a GitHub Markdown table followed by a totals line. */
  public String toMarkdown() {
    StringBuilder b = new StringBuilder();
    b.append("| # | layer | output | trainable | non-trainable | RF | jump | MACs |\n");
    b.append("|---:|---|---|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      b.append(
          String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", r.cells()));
    }
    b.append('\n').append(totals()).append('\n');
    for (String w : warnings) {
      b.append("\n> warning: ").append(w).append('\n');
    }
    return b.toString();
  }

  private String totals() {
    return String.format(
        Locale.ROOT,
        "Total: %,d trainable parameters, %,d non-trainable (BatchNorm running statistics),"
            + " %,d MACs per image, %,.1f KiB activations per image, receptive field %d px",
        trainableParams,
        nonTrainableParams,
        macs,
        activationBytes / 1024.0,
        receptiveField);
  }
}
