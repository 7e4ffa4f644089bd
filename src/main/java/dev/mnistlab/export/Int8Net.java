package dev.mnistlab.export;

import dev.mnistlab.export.InferenceNet.Conv;
import dev.mnistlab.export.InferenceNet.Linear;
import dev.mnistlab.export.InferenceNet.Op;
import dev.mnistlab.export.InferenceNet.SqueezeExcite;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link InferenceNet} quantized to int8 after training (static post-training quantization):
 * each convolution's and fully connected layer's weights to int8 per output channel (symmetric,
 * zero point 0), and each one's input to uint8 per tensor (asymmetric), with the ranges seen on
 * calibration images. Biases and everything between the quantized layers stay float, as in a
 * standard QDQ ONNX model (QuantizeLinear and DequantizeLinear around the float operations); {@link
 * #forward} computes exactly those semantics in plain Java.
 */
public final class Int8Net {
  private final InferenceNet net;
  private final Map<Op, Layer> layers;
  private final int calibrationImages;

  private Int8Net(InferenceNet net, Map<Op, Layer> layers, int calibrationImages) {
    this.net = net;
    this.layers = layers;
    this.calibrationImages = calibrationImages;
  }

  /**
   * How a layer's input is quantized: {@code q = clamp(round(x / scale) + zeroPoint, 0, 255)},
   * rounding half to even, as ONNX's QuantizeLinear does; it stands for {@code (q - zeroPoint) ·
   * scale}.
   */
  public record Activation(float scale, int zeroPoint) {
    /** The range [min, max] widened to hold 0 (so that 0, ReLU's floor and padding, is exact). */
    static Activation of(float min, float max) {
      float lo = Math.min(0f, min);
      float hi = Math.max(0f, max);
      float scale = hi > lo ? (hi - lo) / 255f : 1f;
      int zero = (int) Math.max(0, Math.min(255, Math.rint(-lo / scale)));
      return new Activation(scale, zero);
    }

    /** The uint8 code of {@code x}. */
    public int quantize(float x) {
      return (int) Math.max(0, Math.min(255, Math.rint(x / scale) + zeroPoint));
    }

    /** The value the code of {@code x} stands for. */
    float fake(float x) {
      return (quantize(x) - zeroPoint) * scale;
    }
  }

  /**
   * A layer's weights as int8, one scale per output channel: {@code w ≈ q · scales[o]}.
   *
   * @param q the codes, in the float weights' layout
   * @param scales one per output channel
   */
  public record Weights(byte[] q, float[] scales) {
    /** Symmetric per-channel quantization of {@code w}, {@code channels} rows. */
    static Weights of(float[] w, int channels) {
      int per = w.length / channels;
      byte[] q = new byte[w.length];
      float[] scales = new float[channels];
      for (int o = 0; o < channels; o++) {
        float max = 0;
        for (int k = 0; k < per; k++) {
          max = Math.max(max, Math.abs(w[o * per + k]));
        }
        scales[o] = max > 0 ? max / 127f : 1f;
        for (int k = 0; k < per; k++) {
          q[o * per + k] =
              (byte) Math.max(-127, Math.min(127, Math.rint(w[o * per + k] / scales[o])));
        }
      }
      return new Weights(q, scales);
    }

    /** The float weights the codes stand for, as DequantizeLinear gives them. */
    float[] dequantized() {
      int per = q.length / scales.length;
      float[] w = new float[q.length];
      for (int i = 0; i < q.length; i++) {
        w[i] = q[i] * scales[i / per];
      }
      return w;
    }
  }

  /** A quantized layer: how its input and its weights are quantized. */
  public record Layer(Activation input, Weights weights) {}

  /**
   * Quantizes {@code net}: weights as they are, inputs with the range each layer sees on {@code
   * images}.
   *
   * @param images calibration images, C×H×W pixels in [0, 1] each (training images, never test)
   * @throws IllegalArgumentException when there are none
   */
  public static Int8Net calibrate(InferenceNet net, List<float[]> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("calibration needs at least one image");
    }
    Map<Op, float[]> ranges = new IdentityHashMap<>();
    Kernels.InputHook record =
        (layer, x) -> {
          float[] r = ranges.computeIfAbsent(layer, k -> new float[] {0f, 0f});
          for (float v : x) {
            r[0] = Math.min(r[0], v);
            r[1] = Math.max(r[1], v);
          }
          return x;
        };
    Kernels kernels = new Kernels(record);
    for (float[] image : images) {
      net.forward(image, kernels);
    }
    Map<Op, Layer> layers = new IdentityHashMap<>();
    for (Op op : quantizedLayers(net)) {
      float[] r = ranges.get(op);
      if (r == null) {
        throw new IllegalStateException(
            "calibration never reached " + op.getClass().getSimpleName());
      }
      layers.put(op, new Layer(Activation.of(r[0], r[1]), weights(op)));
    }
    return new Int8Net(net, layers, images.size());
  }

  /** The convolutions and fully connected layers, those inside squeeze-excitation included. */
  static List<Op> quantizedLayers(InferenceNet net) {
    List<Op> out = new ArrayList<>();
    for (Op op : net.ops()) {
      if (op instanceof Conv || op instanceof Linear) {
        out.add(op);
      } else if (op instanceof SqueezeExcite se) {
        out.add(se.down());
        out.add(se.up());
      }
    }
    return out;
  }

  private static Weights weights(Op op) {
    if (op instanceof Conv c) {
      return Weights.of(c.weight(), c.output().channels());
    }
    Linear l = (Linear) op;
    return Weights.of(l.weight(), l.bias().length);
  }

  /** The float network this quantizes. */
  public InferenceNet net() {
    return net;
  }

  /** How {@code op} (a convolution or fully connected layer) is quantized. */
  public Layer layer(Op op) {
    Layer layer = layers.get(op);
    if (layer == null) {
      throw new IllegalArgumentException("not a quantized layer: " + op.getClass().getSimpleName());
    }
    return layer;
  }

  /** How many images calibrated it. */
  public int calibrationImages() {
    return calibrationImages;
  }

  /**
   * One image through the quantized network in plain Java: each quantized layer's input rounded to
   * its uint8 code and back, its weights those the int8 codes stand for.
   */
  public float[] forward(float[] unitPixels) {
    Kernels.InputHook fake =
        new Kernels.InputHook() {
          @Override
          public float[] input(Op layer, float[] x) {
            Activation a = layer(layer).input();
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
              y[i] = a.fake(x[i]);
            }
            return y;
          }

          @Override
          public float[] weights(Op layer, float[] weights) {
            return layer(layer).weights().dequantized();
          }
        };
    return net.forward(unitPixels, new Kernels(fake));
  }
}
