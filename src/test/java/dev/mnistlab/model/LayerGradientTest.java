package dev.mnistlab.model;

import static ai.djl.nn.Parameter.Type.GAMMA;
import static ai.djl.nn.Parameter.Type.WEIGHT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.mnistlab.engine.Convolutions;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.ModelSpec.Shape3;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every layer type of the spec format computes the right output and the right gradients in float32,
 * as training runs it, at the shapes the layer has in the zoo.
 *
 * <p>Why: the engine's fast float32 convolution kernels (oneDNN) have given NaN or wrong gradients
 * on some CPUs, and a network trained on wrong gradients only shows it as a worse accuracy. Each
 * distinct (layer, input shape) pair of the zoo, plus the layer variants no zoo entry uses, is
 * built on its own by {@link BlockFactory} and checked on {@code L = sum(layer(x) * g)} for a
 * random input {@code x} and upstream gradient {@code g}, in training mode:
 *
 * <ol>
 *   <li>a float64 copy (same parameters, input and {@code g}) gives the reference output and
 *       gradients; libtorch runs float64 on its own kernels, not oneDNN's (which are float32 only),
 *       so the reference comes from an independent implementation;
 *   <li>that reference is itself proved by central finite differences in float64 along random
 *       directions of the input and of every parameter (relative error at most 1e-6), so a bug
 *       shared by both precisions' backward passes cannot hide either;
 *   <li>the float32 output, input gradient and parameter gradients are finite and match the float64
 *       ones within float32 rounding.
 * </ol>
 *
 * Inputs are distinct values 4/n apart and at least 1/n from zero, and input steps are at most
 * 1/(10n), so a finite difference never crosses a ReLU or max-pool kink. Dropout is random, so it
 * is checked against its own mask instead: in training the output is {@code x·m/(1-p)} and the
 * input gradient {@code g·m/(1-p)} for the mask {@code m} its output's zeros show, about a fraction
 * p is dropped, and in evaluation it is the identity.
 */
class LayerGradientTest {
  private static final int DIRECTIONS = 2;
  private static final double EPS = 3e-5;
  private static final double FD_TOLERANCE = 1e-6;
  private static final double F32_TOLERANCE = 1e-4;

  private static NDManager manager;

  /** One layer at one input shape; {@code where} names its first zoo use. */
  record Case(LayerSpec layer, Shape3 in, String where) {
    @Override
    public String toString() {
      return layer + " on " + in + " (" + where + ")";
    }

    /**
     * Two samples; four for BatchNorm, which couples them (one value each after GAP); sixteen for a
     * 1×1 conv, which libtorch runs on oneDNN, as in training's batches, only from 16 samples when
     * single-threaded.
     */
    int batch() {
      if (layer instanceof LayerSpec.Conv conv && conv.kernel() == 1) {
        return 16;
      }
      return layer instanceof LayerSpec.BatchNorm ? 4 : 2;
    }
  }

  @BeforeAll
  static void engine() {
    Engines.start(1); // as the other engine tests; the first start in a JVM sets the threads
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** Each distinct (layer, input shape) pair of the zoo, then the variants the zoo lacks. */
  static List<Case> cases() {
    Map<List<Object>, Case> cases = new LinkedHashMap<>();
    for (ModelSpec spec : ModelZoo.entries()) {
      List<Shape3> shapes = Shapes.infer(spec);
      for (int i = 0; i < spec.layers().size(); i++) {
        Shape3 in = i == 0 ? spec.inputShape() : shapes.get(i - 1);
        LayerSpec layer = spec.layers().get(i);
        cases.putIfAbsent(
            List.of(layer, in), new Case(layer, in, spec.name() + " layer " + (i + 1)));
      }
    }
    List<Case> all = new ArrayList<>(cases.values());
    String extra = "no zoo entry has it";
    all.add(new Case(new LayerSpec.Conv(16, 3, 2, 1, 1, true), Shape3.of(8, 14, 14), extra));
    all.add(new Case(new LayerSpec.Conv(16, 3, 1, 1, 1, false, 4), Shape3.of(8, 11, 11), extra));
    all.add(new Case(new LayerSpec.Conv(12, 3, 1, 2, 2, true), Shape3.of(8, 12, 12), extra));
    all.add(new Case(new LayerSpec.Conv(10, 1, 1, 0, 1, true), Shape3.of(16, 7, 7), extra));
    all.add(new Case(new LayerSpec.SqueezeExcite(4, false), Shape3.of(16, 11, 11), extra));
    all.add(new Case(new LayerSpec.Linear(10, true), new Shape3(160, 1, 1, true), extra));
    all.add(new Case(new LayerSpec.Linear(10, false), new Shape3(64, 1, 1, true), extra));
    all.add(new Case(new LayerSpec.Softmax(), new Shape3(10, 1, 1, true), extra));
    all.add(new Case(new LayerSpec.Softmax(), Shape3.of(10, 1, 1), extra));
    return all;
  }

  @Test
  void theCasesCoverEveryLayerTypeAndConvVariant() {
    List<Case> cases = cases();
    for (Class<?> type : LayerSpec.class.getPermittedSubclasses()) {
      assertThat(cases).as(type.getSimpleName()).anyMatch(c -> type.isInstance(c.layer()));
    }
    Map<String, Predicate<Case>> variants = new LinkedHashMap<>();
    variants.put("3×3 pad 0", c -> conv(c).kernel() == 3 && conv(c).padding() == 0);
    variants.put("3×3 pad 1", c -> conv(c).kernel() == 3 && conv(c).padding() == 1);
    variants.put("1×1", c -> conv(c).kernel() == 1);
    variants.put("depthwise", c -> conv(c).groups() > 1 && conv(c).groups() == c.in().channels());
    variants.put("grouped", c -> conv(c).groups() > 1 && conv(c).groups() < c.in().channels());
    variants.put("strided", c -> conv(c).stride() > 1);
    variants.put("dilated", c -> conv(c).dilation() > 1);
    variants.put("with bias", c -> conv(c).bias());
    variants.put("without bias", c -> !conv(c).bias());
    variants.forEach(
        (name, variant) ->
            assertThat(cases)
                .as("conv " + name)
                .anyMatch(c -> c.layer() instanceof LayerSpec.Conv && variant.test(c)));
  }

  @TestFactory
  Stream<DynamicTest> float32MatchesAFloat64ReferenceProvedByFiniteDifferences() {
    return cases().stream().map(c -> dynamicTest(c.toString(), () -> check(c)));
  }

  private static void check(Case c) {
    try (NDManager scope = manager.newSubManager()) {
      long seed = c.toString().hashCode();
      Random random = new Random(seed);
      Shape inShape = batchShape(c.in(), c.batch());
      Shape outShape = batchShape(outputShape(c), c.batch());
      float[] x = distinct(random, (int) inShape.size());
      float[] g = distinct(random, (int) outShape.size());
      Map<String, float[]> parameters = new HashMap<>();
      Block b32 = build(c, DataType.FLOAT32, scope, parameters, seed);
      if (c.layer() instanceof LayerSpec.Dropout d) {
        checkDropout(c, d.p(), b32, scope.create(x, inShape), g);
        return;
      }
      Block b64 = build(c, DataType.FLOAT64, scope, parameters, seed);
      Pass p32 = pass(c, b32, scope.create(x, inShape), g);
      Pass p64 = pass(c, b64, scope.create(x, inShape).toType(DataType.FLOAT64, false), g);
      verifyByFiniteDifferences(c, b64, p64, scope.create(g, outShape), random);
      assertClose(c, "output", p32.y, p64.y);
      assertClose(c, "input gradient", p32.dx, p64.dx);
      p64.dp.forEach((name, ref) -> assertClose(c, "gradient of " + name, p32.dp.get(name), ref));
    }
  }

  /** Input, output, and gradients of the input and trainable parameters of a training pass. */
  record Pass(NDArray x, double[] y, double[] dx, Map<String, double[]> dp) {}

  private static Pass pass(Case c, Block block, NDArray x, float[] g) {
    NDManager scope = x.getManager();
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      x.setRequiresGradient(true);
      NDArray y = block.forward(new ParameterStore(scope, false), new NDList(x), true).head();
      assertThat(y.getShape())
          .as("%s: output shape", c)
          .isEqualTo(batchShape(outputShape(c), c.batch()));
      NDArray loss = y.mul(scope.create(g, y.getShape()).toType(y.getDataType(), false)).sum();
      Convolutions.backward(collector, loss); // as training: on the backend chosen for gradients
      Map<String, double[]> dp = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : block.getParameters()) {
        if (p.getValue().requiresGradient()) {
          dp.put(p.getKey(), doubles(p.getValue().getArray().getGradient()));
        }
      }
      return new Pass(x, doubles(y), doubles(x.getGradient()), dp);
    }
  }

  /**
   * Proves the float64 gradients: along random ±1 directions {@code v} of the input and of each
   * parameter, the central difference {@code (L(+εv) - L(-εv)) / 2ε} equals {@code <∇L, v>}.
   */
  private static void verifyByFiniteDifferences(
      Case c, Block block, Pass analytic, NDArray g, Random random) {
    NDArray upstream = g.toType(DataType.FLOAT64, false);
    Map<String, Parameter> tensors = new LinkedHashMap<>();
    tensors.put("input", null);
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        tensors.put(p.getKey(), p.getValue());
      }
    }
    for (Map.Entry<String, Parameter> tensor : tensors.entrySet()) {
      Parameter param = tensor.getValue();
      double[] grad = param == null ? analytic.dx : analytic.dp.get(tensor.getKey());
      // An input step of at most 1/(10n) takes no value across zero or past another value.
      double eps = param == null ? Math.min(EPS, 0.1 / grad.length) : EPS;
      for (int k = 0; k < DIRECTIONS; k++) {
        double[] step = new double[grad.length]; // ε·v
        long bits = 0;
        for (int i = 0; i < step.length; i++) {
          bits = i % 64 == 0 ? random.nextLong() : bits >>> 1;
          step[i] = (bits & 1) == 0 ? eps : -eps;
        }
        double plus = lossMovedBy(block, analytic.x, param, step, 1, upstream);
        double minus = lossMovedBy(block, analytic.x, param, step, -1, upstream);
        double numeric = (plus - minus) / (2 * eps);
        double exact = dot(grad, step) / eps;
        double scale = Math.max(Math.abs(exact), 1e-4 * Math.sqrt(dot(grad, grad) * grad.length));
        double error = Math.abs(numeric - exact) / Math.max(scale, Double.MIN_NORMAL);
        assertThat(error)
            .withFailMessage(
                "%s: float64 gradient of %s disagrees with finite differences along direction %d:"
                    + " <grad, v> = %s, difference quotient = %s, relative error %.3g > %.0g",
                c, tensor.getKey(), k, exact, numeric, error, FD_TOLERANCE)
            .isLessThanOrEqualTo(FD_TOLERANCE);
      }
    }
  }

  /** L in training mode with the input, or else {@code param}, moved by {@code sign·step}. */
  private static double lossMovedBy(
      Block block, NDArray x, Parameter param, double[] step, int sign, NDArray g) {
    try (NDManager moves = x.getManager().newSubManager()) {
      NDArray base = param == null ? x : param.getArray();
      NDArray moved = moves.create(step, base.getShape()).muli(sign).addi(base);
      ParameterStore store =
          new ParameterStore(moves, false) {
            @Override
            public NDArray getValue(Parameter p, Device device, boolean training) {
              return param != null && p == param ? moved : super.getValue(p, device, training);
            }
          };
      NDArray y = block.forward(store, new NDList(param == null ? moved : x), true).head();
      return y.mul(g).sum().getDouble();
    }
  }

  /** Dropout draws a new mask each pass, so it is checked against the mask its output shows. */
  private static void checkDropout(Case c, double p, Block block, NDArray x, float[] g) {
    Pass pass;
    try (Engines.Lease lease = Engines.claim("LayerGradientTest")) {
      Engines.seed(lease, 1);
      pass = pass(c, block, x, g);
    }
    float[] xs = x.toFloatArray();
    double[] expectedY = new double[xs.length];
    double[] expectedDx = new double[xs.length];
    int dropped = 0;
    for (int i = 0; i < xs.length; i++) {
      boolean kept = pass.y[i] != 0; // x has no zeros, so a zero is a dropped value
      dropped += kept ? 0 : 1;
      expectedY[i] = kept ? xs[i] / (1 - p) : 0;
      expectedDx[i] = kept ? g[i] / (1 - p) : 0;
    }
    assertClose(c, "training output against its mask", pass.y, expectedY);
    assertClose(c, "input gradient against the output's mask", pass.dx, expectedDx);
    double sigma = Math.sqrt(p * (1 - p) / xs.length);
    assertThat((double) dropped / xs.length)
        .as("%s: dropped fraction", c)
        .isCloseTo(p, within(6 * sigma));
    NDArray eval =
        block.forward(new ParameterStore(x.getManager(), false), new NDList(x), false).head();
    assertThat(Arrays.mismatch(eval.toFloatArray(), xs))
        .as("%s: first index where evaluation output differs from the input", c)
        .isEqualTo(-1);
  }

  /** Float32 values are finite and within float32 rounding of the float64 reference. */
  private static void assertClose(Case c, String tensor, double[] actual, double[] reference) {
    assertThat(actual.length).as("%s: size of %s", c, tensor).isEqualTo(reference.length);
    long nonFinite = Arrays.stream(actual).filter(v -> !Double.isFinite(v)).count();
    assertThat(nonFinite)
        .withFailMessage(
            "%s: %s has %d non-finite values of %d", c, tensor, nonFinite, actual.length)
        .isZero();
    double error = 0;
    double largest = 0;
    int at = 0;
    for (int i = 0; i < actual.length; i++) {
      largest = Math.max(largest, Math.abs(reference[i]));
      if (Math.abs(actual[i] - reference[i]) > error) {
        error = Math.abs(actual[i] - reference[i]);
        at = i;
      }
    }
    double tolerance = F32_TOLERANCE * (1 + largest);
    assertThat(error)
        .withFailMessage(
            "%s: %s: max abs error %.3g at index %d (float32 %s, reference %s) > tolerance %.3g",
            c, tensor, error, at, actual[at], reference[at], tolerance)
        .isLessThanOrEqualTo(tolerance);
  }

  /**
   * The layer as mnistlab builds it: the first block of the network {@link BlockFactory} builds
   * from {@link #spec}. Trainable parameters take the values in {@code parameters}, drawn on first
   * use, so that two builds in different precisions hold the same values.
   */
  private static Block build(
      Case c, DataType type, NDManager scope, Map<String, float[]> parameters, long seed) {
    Block block = ((SequentialBlock) BlockFactory.build(spec(c))).getChildren().valueAt(0);
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter param = p.getValue();
      if (param.requiresGradient()) {
        Random random = new Random(seed ^ p.getKey().hashCode());
        param.setInitializer(
            (m, shape, dataType) -> {
              float[] values =
                  parameters.computeIfAbsent(p.getKey(), k -> values(param, shape, random));
              return m.create(values, shape).toType(dataType, false);
            });
      }
    }
    block.initialize(scope, type, batchShape(c.in(), c.batch()));
    return block;
  }

  /** Weights of unit output variance, gammas around 1, biases and betas around 0. */
  private static float[] values(Parameter param, Shape shape, Random random) {
    float[] values = new float[(int) shape.size()];
    double bound = Math.sqrt(3.0 * shape.get(0) / shape.size());
    for (int i = 0; i < values.length; i++) {
      double u = 2 * random.nextDouble() - 1;
      Parameter.Type type = param.getType();
      values[i] = (float) (type == WEIGHT ? u * bound : (type == GAMMA ? 1 : 0) + u / 2);
    }
    return values;
  }

  /** The layer, a flatten and a linear to 10, which make a valid spec. */
  private static ModelSpec spec(Case c) {
    List<LayerSpec> layers =
        List.of(c.layer(), new LayerSpec.Flatten(), new LayerSpec.Linear(10, false));
    return new ModelSpec("one-layer", "", c.in(), layers, List.of(1, 2, 3), "", "");
  }

  private static Shape3 outputShape(Case c) {
    return Shapes.infer(spec(c)).get(0);
  }

  private static Shape batchShape(Shape3 s, int batch) {
    return s.flat()
        ? new Shape(batch, s.channels())
        : new Shape(batch, s.channels(), s.height(), s.width());
  }

  private static LayerSpec.Conv conv(Case c) {
    return (LayerSpec.Conv) c.layer();
  }

  /** A shuffle of n values evenly spaced in (-2, 2): 4/n apart, none closer than 1/n to zero. */
  private static float[] distinct(Random random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) ((i + 0.75) / n * 4 - 2);
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      float swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
    return values;
  }

  private static double[] doubles(NDArray array) {
    return array.toType(DataType.FLOAT64, false).toDoubleArray();
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }
}
