package dev.mnistlab.config;

import static dev.mnistlab.config.TrainConfig.require;

import dev.mnistlab.config.TrainConfig.Schedule;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.Suggestions;
import dev.mnistlab.text.UsageException;

/**
 * The checks {@link TrainConfig#validate()} makes on a learning-rate schedule: the fields its type
 * reads, each naming the bad value. They live apart from the record because each schedule type
 * brings its own; a new type adds its case here, as it adds one to {@link Schedule#fieldsRead()}.
 */
final class ScheduleChecks {
  private ScheduleChecks() {}

  /**
   * Checks the fields {@code schedule}'s type reads, naming the bad value.
   *
   * @throws UsageException on the first invalid field, or a type mnistlab does not know
   */
  static void check(Schedule schedule) {
    switch (schedule.type()) {
      case "onecycle" -> {
        require(
            schedule.maxLr() > 0, "max_lr must be positive, got " + Plain.number(schedule.maxLr()));
        require(
            schedule.pctStart() > 0 && schedule.pctStart() < 1,
            "pct_start must be in (0, 1), got " + Plain.number(schedule.pctStart()));
        require(
            schedule.divFactor() > 0,
            "div_factor must be positive, got " + Plain.number(schedule.divFactor()));
        require(
            schedule.finalDivFactor() > 0,
            "final_div_factor must be positive, got " + Plain.number(schedule.finalDivFactor()));
        require(
            "cos".equals(schedule.anneal()) || "linear".equals(schedule.anneal()),
            "anneal must be cos or linear, got '" + schedule.anneal() + "'");
        require(
            !schedule.cycleMomentum()
                || (0 <= schedule.baseMomentum()
                    && schedule.baseMomentum() <= schedule.maxMomentum()
                    && schedule.maxMomentum() < 1),
            "momentum cycle needs 0 <= base_momentum <= max_momentum < 1, got "
                + Plain.number(schedule.baseMomentum())
                + " and "
                + Plain.number(schedule.maxMomentum()));
      }
      case "step" -> {
        require(
            schedule.stepSize() >= 1, "step_size must be at least 1, got " + schedule.stepSize());
        require(
            schedule.gamma() > 0, "gamma must be positive, got " + Plain.number(schedule.gamma()));
      }
      case "multistep" -> {
        require(
            schedule.milestones() != null && !schedule.milestones().isEmpty(),
            "multistep needs milestones, e.g. [5, 10]");
        require(
            schedule.gamma() > 0, "gamma must be positive, got " + Plain.number(schedule.gamma()));
      }
      case "cosine" -> {
        require(
            schedule.tMax() >= 0,
            "t_max must be 0 (the run's epochs) or positive, got " + schedule.tMax());
        require(
            schedule.etaMin() >= 0,
            "eta_min must not be negative, got " + Plain.number(schedule.etaMin()));
      }
      case "linear" -> {
        require(
            schedule.startFactor() > 0 && schedule.startFactor() <= 1,
            "start_factor must be in (0, 1], got " + Plain.number(schedule.startFactor()));
        require(
            schedule.totalIters() >= 1,
            "total_iters must be at least 1, got " + schedule.totalIters());
      }
      case "plateau" -> {
        require(
            schedule.factor() > 0 && schedule.factor() < 1,
            "factor must be in (0, 1), got " + Plain.number(schedule.factor()));
        require(
            schedule.patience() >= 0, "patience must not be negative, got " + schedule.patience());
      }
      case "constant" -> {}
      default ->
          throw new UsageException(
              "schedule must be onecycle, step, multistep, cosine, linear, plateau or constant, got '"
                  + schedule.type()
                  + "'"
                  + Suggestions.didYouMean(schedule.type(), Schedule.TYPES));
    }
  }
}
