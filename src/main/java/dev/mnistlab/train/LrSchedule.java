package dev.mnistlab.train;

/**
 * Learning rate as a function of the optimizer step, matching PyTorch's classes of the same name.
 * Steps count batches from 0 across the whole run; epoch-based schedules derive the epoch.
 */
@FunctionalInterface
public interface LrSchedule {
  /** The learning rate for optimizer step {@code step} (0-based, counting batches). */
  double lr(int step);

  /** Told the epoch's test loss after each epoch; only ReduceLROnPlateau listens. */
  default void epochEnded(double testLoss) {}

  /** Builds the schedule a configuration names. */
  static LrSchedule of(TrainConfig config, int stepsPerEpoch) {
    TrainConfig.Schedule s = config.schedule();
    double base = config.optimizer().lr();
    return switch (s.type()) {
      case "onecycle" ->
          oneCycle(
              s.maxLr(),
              config.epochs() * stepsPerEpoch,
              s.pctStart(),
              s.divFactor(),
              s.finalDivFactor(),
              "linear".equals(s.anneal()));
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
   * PyTorch's {@code OneCycleLR} with cosine annealing and two phases: from max_lr/div_factor up to
   * max_lr over {@code pctStart} of the steps, then down to initial/final_div_factor.
   */
  static LrSchedule oneCycle(
      double maxLr,
      int totalSteps,
      double pctStart,
      double divFactor,
      double finalDivFactor,
      boolean linear) {
    double initial = maxLr / divFactor;
    double min = initial / finalDivFactor;
    double warmEnd = pctStart * totalSteps - 1;
    double end = totalSteps - 1;
    return step -> {
      if (step <= warmEnd) {
        double pct = step / warmEnd;
        return linear ? initial + (maxLr - initial) * pct : cosine(initial, maxLr, pct);
      }
      double pct = (step - warmEnd) / (end - warmEnd);
      return linear ? maxLr + (min - maxLr) * pct : cosine(maxLr, min, pct);
    };
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
