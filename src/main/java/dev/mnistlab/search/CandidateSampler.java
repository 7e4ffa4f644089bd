package dev.mnistlab.search;

import dev.mnistlab.model.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Draws distinct candidates from a {@link SearchSpace} under a parameter budget. The draw is
 * seeded, so a search run again proposes the same candidates in the same order.
 */
final class CandidateSampler {
  /** Draws per wanted candidate before giving up on a space too small or a budget too tight. */
  static final int TRIES_PER_CANDIDATE = 200;

  private CandidateSampler() {}

  /**
   * Up to {@code count} distinct candidates with at most {@code budget} trainable parameters and at
   * least the space's {@code min_params_fraction} of it, in the order drawn; fewer when the space
   * runs out. The engine must have been started (parameters are counted on the built network).
   */
  static List<Candidate> sample(SearchSpace space, long budget, int count, long seed) {
    Random random = new Random(seed);
    Map<String, Candidate> found = new LinkedHashMap<>();
    long floor = (long) Math.ceil(space.minParamsFraction() * budget);
    long maxTries = (long) TRIES_PER_CANDIDATE * count;
    for (long tries = 0; found.size() < count && tries < maxTries; tries++) {
      Candidate candidate;
      try {
        candidate = draw(space, random);
      } catch (SpecException collapsed) {
        continue; // the feature map shrank below 1×1, or a gate wider than its input
      }
      if (candidate.trainableParams() <= budget && candidate.trainableParams() >= floor) {
        found.putIfAbsent(candidate.name(), candidate);
      }
    }
    return new ArrayList<>(found.values());
  }

  private static Candidate draw(SearchSpace space, Random random) {
    List<Integer> widths1 = widths(space.block1Widths(), pick(space.block1Convs(), random), random);
    int firstKernel = pick(space.firstKernels(), random);
    int dilation = pick(space.dilations(), random);
    int transition = pick(space.transitionWidths(), random);
    int convs2 = pick(space.block2Convs(), random);
    // The shipped `last_widths: [0]` draws nothing: the searches under docs/reports repeat.
    int lastWidth = pickIfChoice(space.lastWidths(), random);
    List<Integer> widths2 =
        widths(space.block2Widths(), lastWidth > 0 ? convs2 - 1 : convs2, random);
    if (lastWidth > 0) {
      widths2.add(lastWidth); // after the sort: the last conv may be the narrowest
    }
    int padding = pick(space.lastPadding(), random);
    int squeeze = pick(space.squeezeExcite(), random);
    String head = pick(space.heads(), random);
    double dropout = pick(space.dropout(), random);
    // docs/reports/search-5000 was searched with no separable choice.
    boolean separable = pickIfChoice(space.separable(), random);
    // Only for a separable candidate: the searches of docs/reports/search-sep-* drew no such
    // choice.
    boolean linear = separable && pickIfChoice(space.linearDepthwise(), random);

    StringBuilder layers = new StringBuilder();
    int channels = 1;
    for (int i = 0; i < widths1.size(); i++) {
      int kernel = i == 0 ? firstKernel : 3;
      int dilated = i == widths1.size() - 1 ? dilation : 1;
      int depthwise = separable && i > 0 ? channels : 0;
      convBlock(layers, widths1.get(i), kernel, dilated, 0, dropout, depthwise, linear);
      channels = widths1.get(i);
    }
    layers.append("  - maxpool: 2\n");
    if (transition > 0) {
      layers.append(conv(transition, 1, 1, 0, 1)).append("  - batchnorm\n  - relu\n");
      channels = transition;
    }
    for (int i = 0; i < widths2.size(); i++) {
      int padded = i == widths2.size() - 1 ? padding : 0;
      convBlock(layers, widths2.get(i), 3, 1, padded, dropout, separable ? channels : 0, linear);
      channels = widths2.get(i);
    }
    if (squeeze > 0) {
      layers.append("  - se: {reduction: ").append(squeeze).append(", bias: false}\n");
    }
    if (head.equals("gap-conv")) {
      layers.append("  - gap\n").append(conv(10, 1, 1, 0, 1));
    } else {
      layers.append(conv(10, 1, 1, 0, 1)).append("  - gap\n");
    }

    String shape =
        (linear ? "sep-linear " : separable ? "sep " : "")
            + join(widths1)
            + (firstKernel != 3 ? " k" + firstKernel : "")
            + (dilation > 1 ? " d" + dilation : "")
            + " → pool"
            + (transition > 0 ? " → t" + transition : "")
            + " → "
            + join(widths2)
            + (padding > 0 ? "p" + padding : "")
            + (squeeze > 0 ? " → se" + squeeze : "")
            + " → "
            + head
            + (dropout > 0 ? String.format(Locale.ROOT, ", dropout %s", dropout) : "");
    return Candidate.of(layers.toString(), shape);
  }

  /**
   * A conv to {@code out} channels with BatchNorm, ReLU and dropout; with {@code depthwise} input
   * channels (0: a full conv) it is a depthwise conv of the kernel, BatchNorm and ReLU (none of
   * them when {@code linear}), then a 1×1 conv to {@code out}.
   */
  private static void convBlock(
      StringBuilder layers,
      int out,
      int kernel,
      int dilation,
      int padding,
      double dropout,
      int depthwise,
      boolean linear) {
    String bnRelu = "  - batchnorm\n  - relu\n";
    if (depthwise > 0) {
      layers.append(conv(depthwise, kernel, dilation, padding, depthwise));
      if (!linear) {
        layers.append(bnRelu);
      }
      layers.append(conv(out, 1, 1, 0, 1)).append(bnRelu);
    } else {
      layers.append(conv(out, kernel, dilation, padding, 1)).append(bnRelu);
    }
    if (dropout > 0) {
      layers.append(String.format(Locale.ROOT, "  - dropout: %s%n", dropout));
    }
  }

  private static String conv(int out, int kernel, int dilation, int padding, int groups) {
    return "  - conv: {out: "
        + out
        + ", kernel: "
        + kernel
        + (dilation > 1 ? ", dilation: " + dilation : "")
        + (padding > 0 ? ", padding: " + padding : "")
        + (groups > 1 ? ", groups: " + groups : "")
        + ", bias: false}\n";
  }

  /**
   * {@code n} widths drawn from {@code choices}, never shrinking, in a list the caller may grow.
   */
  private static List<Integer> widths(List<Integer> choices, int n, Random random) {
    List<Integer> drawn = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      drawn.add(pick(choices, random));
    }
    drawn.sort(null);
    return drawn;
  }

  private static <T> T pick(List<T> choices, Random random) {
    return choices.get(random.nextInt(choices.size()));
  }

  /**
   * One of {@code choices}, drawing from {@code random} only where there is a choice: a field that
   * a space gives one value (as every space did before the field existed) leaves the draws of the
   * other fields, and so the candidates of a search kept under docs/reports, as they were.
   */
  private static <T> T pickIfChoice(List<T> choices, Random random) {
    return choices.size() > 1 ? pick(choices, random) : choices.get(0);
  }

  private static String join(List<Integer> widths) {
    return String.join("-", widths.stream().map(String::valueOf).toList());
  }
}
