package dev.mnistlab.train;

/**
 * Learning rate as a function of the optimizer step, matching PyTorch's classes of the same name.
 * Steps count batches from 0 across the whole run; epoch-based schedules derive the epoch.
 */
@FunctionalInterface
public interface LrSchedule {
  /** The learning rate for optimizer step {@code step} (0-based, counting batches). */
  double lr(int step);

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
              s.finalDivFactor());
      case "step" -> step -> base * Math.pow(s.gamma(), (step / stepsPerEpoch) / s.stepSize());
      case "constant" -> step -> base;
      default -> throw new IllegalArgumentException("unknown schedule '" + s.type() + "'");
    };
  }

  /**
   * PyTorch's {@code OneCycleLR} with cosine annealing and two phases: from max_lr/div_factor up to
   * max_lr over {@code pctStart} of the steps, then down to initial/final_div_factor.
   */
  static LrSchedule oneCycle(
      double maxLr, int totalSteps, double pctStart, double divFactor, double finalDivFactor) {
    double initial = maxLr / divFactor;
    double min = initial / finalDivFactor;
    double warmEnd = pctStart * totalSteps - 1;
    double end = totalSteps - 1;
    return step -> {
      if (step <= warmEnd) {
        return cosine(initial, maxLr, step / warmEnd);
      }
      return cosine(maxLr, min, (step - warmEnd) / (end - warmEnd));
    };
  }

  private static double cosine(double start, double end, double pct) {
    return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
  }
}
