package dev.mnistlab.train;

import dev.mnistlab.config.TrainConfig;

/**
 * Learning rate as a function of the optimizer step, matching PyTorch's classes of the same name.
 * Steps count batches from 0 across the whole run; epoch-based schedules derive the epoch.
 */
@FunctionalInterface
public interface LrSchedule {
  /** The learning rate for optimizer step {@code step} (0-based, counting batches). */
  double lr(int step);

  /**
   * The momentum (Adam: β1) for step {@code step}; only OneCycle with {@code cycle_momentum}
   * changes the optimizer's own.
   */
  default double momentum(int step, double optimizerMomentum) {
    return optimizerMomentum;
  }

  /** Told the epoch's test loss after each epoch; only ReduceLROnPlateau listens. */
  default void epochEnded(double testLoss) {}

  /** Builds the schedule a configuration names. */
  static LrSchedule of(TrainConfig config, int stepsPerEpoch) {
    TrainConfig.Schedule s = config.schedule();
    double base = config.optimizer().lr();
    return switch (s.type()) {
      case "onecycle" -> new OneCycle(s, config.epochs() * stepsPerEpoch);
      case "step" -> step -> base * Math.pow(s.gamma(), (step / stepsPerEpoch) / s.stepSize());
      case "multistep" ->
          step -> {
            int epoch = step / stepsPerEpoch;
            long passed = s.milestones().stream().filter(m -> m <= epoch).count();
            return base * Math.pow(s.gamma(), passed);
          };
      case "cosine" -> {
        int tMax = s.tMax() > 0 ? s.tMax() : config.epochs();
        yield step ->
            cosine(base, s.etaMin(), Math.min(step / stepsPerEpoch, tMax) / (double) tMax);
      }
      case "linear" ->
          step -> {
            int epoch = Math.min(step / stepsPerEpoch, s.totalIters());
            return base * (s.startFactor() + (1 - s.startFactor()) * epoch / s.totalIters());
          };
      case "plateau" -> new Plateau(base, s.factor(), s.patience(), s.threshold(), s.minLr());
      case "constant" -> step -> base;
      default -> throw new IllegalArgumentException("unknown schedule '" + s.type() + "'");
    };
  }

  /**
   * PyTorch's {@code OneCycleLR} (two phases): the rate rises from max_lr/div_factor to max_lr over
   * {@code pct_start} of the steps, then falls to initial/final_div_factor; with {@code
   * cycle_momentum} the momentum moves the opposite way between max_momentum and base_momentum.
   */
  final class OneCycle implements LrSchedule {
    private final TrainConfig.Schedule s;
    private final double initial;
    private final double min;
    private final double warmEnd;
    private final double end;

    OneCycle(TrainConfig.Schedule s, int totalSteps) {
      this.s = s;
      this.initial = s.maxLr() / s.divFactor();
      this.min = initial / s.finalDivFactor();
      this.warmEnd = s.pctStart() * totalSteps - 1;
      this.end = totalSteps - 1;
    }

    @Override
    public double lr(int step) {
      return step <= warmEnd
          ? anneal(initial, s.maxLr(), step / warmEnd)
          : anneal(s.maxLr(), min, (step - warmEnd) / (end - warmEnd));
    }

    @Override
    public double momentum(int step, double optimizerMomentum) {
      if (!s.cycleMomentum()) {
        return optimizerMomentum;
      }
      return step <= warmEnd
          ? anneal(s.maxMomentum(), s.baseMomentum(), step / warmEnd)
          : anneal(s.baseMomentum(), s.maxMomentum(), (step - warmEnd) / (end - warmEnd));
    }

    private double anneal(double from, double to, double pct) {
      return "linear".equals(s.anneal()) ? from + (to - from) * pct : cosine(from, to, pct);
    }
  }

  private static double cosine(double start, double end, double pct) {
    return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
  }

  /**
   * PyTorch's {@code ReduceLROnPlateau(mode="min", threshold_mode="rel", cooldown=0)}: after more
   * than {@code patience} epochs whose loss is not below best·(1−threshold), multiply the rate by
   * {@code factor}, never below {@code minLr}.
   */
  final class Plateau implements LrSchedule {
    private final double factor;
    private final int patience;
    private final double threshold;
    private final double minLr;
    private double lr;
    private double best = Double.POSITIVE_INFINITY;
    private int badEpochs;

    Plateau(double lr, double factor, int patience, double threshold, double minLr) {
      this.lr = lr;
      this.factor = factor;
      this.patience = patience;
      this.threshold = threshold;
      this.minLr = minLr;
    }

    @Override
    public double lr(int step) {
      return lr;
    }

    @Override
    public void epochEnded(double testLoss) {
      if (testLoss < best * (1 - threshold)) {
        best = testLoss;
        badEpochs = 0;
      } else if (++badEpochs > patience) {
        lr = Math.max(lr * factor, minLr);
        badEpochs = 0;
      }
    }
  }
}
