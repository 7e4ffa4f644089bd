package dev.mnistlab.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The engine self-check: runs each {@link ConvCase} through the engine, forward (as inference and
 * as training runs it) and backward, and compares the outputs, the input gradient and the weight
 * and bias gradients with {@link ReferenceConvolution}'s double-precision figures. The engine's
 * fast kernels are generated for the CPU at run time and have been wrong on CPUs they were not
 * tested on (NaN input gradients on AMD Zen 5), so mnistlab trusts a backend only where this check
 * passes on the machine it runs on.
 */
public final class EngineCheck {
  /**
   * Largest error allowed, relative to the largest reference value of the tensor. Float32 sums of
   * these sizes stay below 1e-5 here; a wrong kernel is off by the order of the values themselves.
   */
  static final double TOLERANCE = 1e-3;

  /** Each case runs this many times: one fault seen was intermittent. */
  private static final int ROUNDS = 2;

  private static final Map<ConvCase, Problem> PROBLEMS = new ConcurrentHashMap<>();

  private static CompletableFuture<Void> prepared;

  private EngineCheck() {}

  /**
   * Starts computing the reference figures on another thread, so that they are ready by the time
   * the engine's native library has loaded (about 0.7 s); {@link #run} waits for them.
   */
  public static synchronized CompletableFuture<Void> prepare() {
    if (prepared == null) {
      prepared = CompletableFuture.runAsync(() -> ConvCase.ALL.forEach(EngineCheck::problem));
    }
    return prepared;
  }

  /** The three computations of a convolution layer, each a separate kernel in the engine. */
  public enum Direction {
    /** The output from input and weights. */
    FORWARD("forward"),
    /** The input gradient from the output gradient and the weights. */
    BACKWARD_DATA("backward data"),
    /** The weight and bias gradients from the output gradient and the input. */
    BACKWARD_WEIGHTS("backward weights");

    private final String label;

    Direction(String label) {
      this.label = label;
    }

    /** The direction in words. */
    public String label() {
      return label;
    }
  }

  /**
   * One case and direction, as measured.
   *
   * @param maxError the largest difference from the reference, relative to the reference's largest
   *     value, over the finite values
   * @param nonFinite how many values were NaN or infinite
   */
  public record Figure(String caseName, Direction direction, double maxError, long nonFinite) {
    /** Whether the engine got this right. */
    public boolean passed() {
      return nonFinite == 0 && maxError <= TOLERANCE;
    }

    /** {@code "3x3 backward data: 240 NaN or infinite values"} or the error in words. */
    public String describe() {
      return caseName
          + " "
          + direction.label()
          + ": "
          + (nonFinite > 0
              ? nonFinite + " NaN or infinite values"
              : String.format(Locale.ROOT, "max error %.1e", maxError));
    }
  }

  /**
   * The check of one backend.
   *
   * @param seconds how long the engine's part took (the references are computed once a process)
   */
  public record Report(ConvBackend backend, List<Figure> figures, double seconds) {
    /** Whether every case and direction passed. */
    public boolean passed() {
      return figures.stream().allMatch(Figure::passed);
    }

    /** The figures that failed. */
    public List<Figure> failures() {
      return figures.stream().filter(f -> !f.passed()).toList();
    }

    /** The directions with at least one failed case. */
    public Set<Direction> failedDirections() {
      Set<Direction> failed = EnumSet.noneOf(Direction.class);
      failures().forEach(f -> failed.add(f.direction()));
      return failed;
    }
  }

  /**
   * Checks {@code backend}: every case, forward with oneDNN switched as the backend runs forward
   * passes, backward as it runs backward passes. The engine must be started.
   *
   * @param oneDnn switches oneDNN on or off for the next operations; null where the switch cannot
   *     be reached, which only {@link ConvBackend#ONEDNN} can do without
   * @param simulated directions whose oneDNN results are spoiled (one value made NaN), to show what
   *     the check does on a CPU where that kernel is wrong; empty in real use
   */
  static Report run(ConvBackend backend, Consumer<Boolean> oneDnn, Set<Direction> simulated) {
    if (oneDnn == null && backend != ConvBackend.ONEDNN) {
      throw new IllegalArgumentException(backend.id() + " needs the oneDNN switch");
    }
    prepare().join();
    List<Problem> problems = ConvCase.ALL.stream().map(EngineCheck::problem).toList();
    long start = System.nanoTime();
    List<Figure> figures = new ArrayList<>();
    for (Problem problem : problems) {
      Figure[] worst = new Figure[Direction.values().length];
      for (int round = 0; round < ROUNDS; round++) {
        for (Figure f : measure(problem, backend, oneDnn, simulated)) {
          Figure before = worst[f.direction().ordinal()];
          if (before == null || worse(f, before)) {
            worst[f.direction().ordinal()] = f;
          }
        }
      }
      figures.addAll(List.of(worst));
    }
    return new Report(backend, List.copyOf(figures), (System.nanoTime() - start) / 1e9);
  }

  private static boolean worse(Figure a, Figure b) {
    return a.nonFinite() > b.nonFinite()
        || (a.nonFinite() == b.nonFinite() && a.maxError() > b.maxError());
  }

  /** A case's inputs and reference figures, made once a process. */
  private record Problem(
      ConvCase c,
      float[] x,
      float[] w,
      float[] bias,
      float[] gy,
      ReferenceConvolution.Result want) {}

  private static Problem problem(ConvCase c) {
    return PROBLEMS.computeIfAbsent(
        c,
        key -> {
          Random random = new Random(key.name().hashCode());
          int o = key.outputSize();
          float[] x = uniform(random, key.batch() * key.in() * key.size() * key.size(), 1);
          int fanIn = key.in() / key.groups() * key.kernel() * key.kernel();
          float bound = (float) (1 / Math.sqrt(fanIn));
          float[] w = uniform(random, key.out() * fanIn, bound);
          float[] bias = key.bias() ? uniform(random, key.out(), bound) : new float[key.out()];
          float[] gy = uniform(random, key.batch() * key.out() * o * o, 1);
          return new Problem(
              key, x, w, bias, gy, ReferenceConvolution.compute(key, x, w, bias, gy));
        });
  }

  private static float[] uniform(Random random, int count, float bound) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (random.nextFloat() * 2 - 1) * bound;
    }
    return values;
  }

  private static List<Figure> measure(
      Problem p, ConvBackend backend, Consumer<Boolean> oneDnn, Set<Direction> simulated) {
    ConvCase c = p.c();
    int o = c.outputSize();
    try (NDManager scope = NDManager.newBaseManager()) {
      NDArray x = scope.create(p.x(), new Shape(c.batch(), c.in(), c.size(), c.size()));
      NDArray w =
          scope.create(p.w(), new Shape(c.out(), c.in() / c.groups(), c.kernel(), c.kernel()));
      NDArray bias = c.bias() ? scope.create(p.bias(), new Shape(c.out())) : null;
      NDArray gy = scope.create(p.gy(), new Shape(c.batch(), c.out(), o, o));
      x.setRequiresGradient(true);
      w.setRequiresGradient(true);
      if (bias != null) {
        bias.setRequiresGradient(true);
      }
      float[] y;
      float[] yInference;
      try {
        switchTo(oneDnn, backend.forwardOnOneDnn());
        // Outside a gradient collector the engine runs an inference forward pass, which may pick
        // another kernel than training does: evaluation, predict and serve run this one.
        yInference = convolve(c, x, w, bias).toFloatArray();
      } finally {
        switchTo(oneDnn, true);
      }
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        switchTo(oneDnn, backend.forwardOnOneDnn());
        NDArray out = convolve(c, x, w, bias);
        y = out.toFloatArray();
        switchTo(oneDnn, backend.backwardOnOneDnn());
        // d(sum(y * gy))/dy is gy exactly, so the engine's backward starts from the reference's
        // upstream gradient.
        collector.backward(out.mul(gy).sum());
      } finally {
        switchTo(oneDnn, true);
      }
      float[] dx = x.getGradient().toFloatArray();
      float[] dw = w.getGradient().toFloatArray();
      float[] db = bias == null ? null : bias.getGradient().toFloatArray();
      if (backend.forwardOnOneDnn() && simulated.contains(Direction.FORWARD)) {
        y[0] = Float.NaN;
      }
      if (backend.backwardOnOneDnn() && simulated.contains(Direction.BACKWARD_DATA)) {
        dx[dx.length / 2] = Float.NaN;
      }
      if (backend.backwardOnOneDnn() && simulated.contains(Direction.BACKWARD_WEIGHTS)) {
        dw[0] += 1;
      }
      ReferenceConvolution.Result want = p.want();
      Figure training = compare(c, Direction.FORWARD, y, want.output());
      Figure inference = compare(c, Direction.FORWARD, yInference, want.output());
      Figure weights = compare(c, Direction.BACKWARD_WEIGHTS, dw, want.weightGradient());
      Figure biases =
          db == null ? weights : compare(c, Direction.BACKWARD_WEIGHTS, db, want.biasGradient());
      return List.of(
          worse(training, inference) ? training : inference,
          compare(c, Direction.BACKWARD_DATA, dx, want.inputGradient()),
          worse(weights, biases) ? weights : biases);
    }
  }

  private static NDArray convolve(ConvCase c, NDArray x, NDArray w, NDArray bias) {
    return x.getNDArrayInternal()
        .convolution(
            x,
            w,
            bias,
            new Shape(c.stride(), c.stride()),
            new Shape(c.padding(), c.padding()),
            new Shape(c.dilation(), c.dilation()),
            c.groups())
        .singletonOrThrow();
  }

  private static void switchTo(Consumer<Boolean> oneDnn, boolean enabled) {
    if (oneDnn != null) {
      oneDnn.accept(enabled);
    }
  }

  /** The largest error of {@code got} against {@code want}, relative to want's largest value. */
  static Figure compare(ConvCase c, Direction direction, float[] got, double[] want) {
    if (got.length != want.length) {
      return new Figure(c.name(), direction, Double.POSITIVE_INFINITY, 0);
    }
    double scale = 0;
    for (double v : want) {
      scale = Math.max(scale, Math.abs(v));
    }
    double error = 0;
    long nonFinite = 0;
    for (int i = 0; i < got.length; i++) {
      if (!Float.isFinite(got[i])) {
        nonFinite++;
      } else {
        error = Math.max(error, Math.abs(got[i] - want[i]));
      }
    }
    return new Figure(c.name(), direction, error / Math.max(scale, 1e-30), nonFinite);
  }
}
