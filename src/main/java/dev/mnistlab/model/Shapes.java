package dev.mnistlab.model;

import dev.mnistlab.model.ModelSpec.Shape3;
import java.util.ArrayList;
import java.util.List;

/**
 * Output shape of every layer of a spec, by the same arithmetic PyTorch uses (floor division, no
 * implicit padding for pools). Invalid specs fail here, before any engine is touched.
 */
public final class Shapes {
  private Shapes() {}

  /**
   * @return the output shape after each layer, in order
   * @throws SpecException naming the layer's line when a shape collapses or a layer does not fit
   */
  public static List<Shape3> infer(ModelSpec spec) {
    List<Shape3> out = new ArrayList<>();
    Shape3 s = spec.inputShape();
    for (int i = 0; i < spec.layers().size(); i++) {
      s = next(spec, i, s);
      out.add(s);
    }
    Shape3 last = spec.layers().isEmpty() ? spec.inputShape() : out.get(out.size() - 1);
    if (last.size() != ModelSpec.CLASSES) {
      throw new SpecException(
          spec.source(),
          spec.layers().isEmpty() ? 0 : spec.lines().get(spec.layers().size() - 1),
          "the model ends with shape "
              + last
              + " but must produce "
              + ModelSpec.CLASSES
              + " class scores");
    }
    return out;
  }

  private static Shape3 next(ModelSpec spec, int index, Shape3 in) {
    LayerSpec layer = spec.layers().get(index);
    int line = spec.lines().get(index);
    if (in.flat() && needsSpatial(layer)) {
      throw new SpecException(
          spec.source(),
          line,
          layer.keyword() + " needs a C×H×W input but gets the flat vector " + in);
    }
    if (layer instanceof LayerSpec.Conv c) {
      if (in.channels() % c.groups() != 0 || c.out() % c.groups() != 0) {
        throw new SpecException(
            spec.source(),
            line,
            "conv with groups "
                + c.groups()
                + " needs input and output channels divisible by it, got "
                + in.channels()
                + " in and "
                + c.out()
                + " out");
      }
      return spatial(
          spec, line, layer, c.out(), in, c.kernel(), c.stride(), c.padding(), c.dilation());
    }
    if (layer instanceof LayerSpec.MaxPool p) {
      return spatial(spec, line, layer, in.channels(), in, p.kernel(), p.stride(), 0, 1);
    }
    if (layer instanceof LayerSpec.AvgPool p) {
      return spatial(spec, line, layer, in.channels(), in, p.kernel(), p.stride(), 0, 1);
    }
    if (layer instanceof LayerSpec.Gap) {
      return Shape3.of(in.channels(), 1, 1);
    }
    if (layer instanceof LayerSpec.Flatten) {
      return new Shape3((int) in.size(), 1, 1, true);
    }
    if (layer instanceof LayerSpec.Linear l) {
      if (!in.flat() && (in.height() != 1 || in.width() != 1)) {
        throw new SpecException(
            spec.source(),
            line,
            "linear needs a flat input but gets " + in + "; add flatten before it");
      }
      return new Shape3(l.units(), 1, 1, true);
    }
    // batchnorm, relu, dropout and logsoftmax keep the shape.
    return in;
  }

  private static boolean needsSpatial(LayerSpec layer) {
    return layer instanceof LayerSpec.Conv
        || layer instanceof LayerSpec.MaxPool
        || layer instanceof LayerSpec.AvgPool
        || layer instanceof LayerSpec.Gap
        || layer instanceof LayerSpec.BatchNorm
        || layer instanceof LayerSpec.SqueezeExcite;
  }

  private static Shape3 spatial(
      ModelSpec spec,
      int line,
      LayerSpec layer,
      int channels,
      Shape3 in,
      int k,
      int s,
      int p,
      int d) {
    int h = (in.height() + 2 * p - d * (k - 1) - 1) / s + 1;
    int w = (in.width() + 2 * p - d * (k - 1) - 1) / s + 1;
    if (in.height() + 2 * p - d * (k - 1) - 1 < 0 || h < 1 || w < 1) {
      throw new SpecException(
          spec.source(),
          line,
          layer.keyword() + " with kernel " + k + " collapses the " + in + " input below 1×1");
    }
    return Shape3.of(channels, h, w);
  }
}
