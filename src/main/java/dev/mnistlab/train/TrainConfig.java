package dev.mnistlab.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mnistlab.data.Augmentation;

/**
 * Everything that decides a training run, as one typed object. Defaults come from {@link
 * #defaults()}; flags replace single fields; the resolved object is saved with every run.
 *
 * @param model zoo name or spec file
 * @param dataset {@code mnist} or {@code fashion-mnist}
 * @param epochs passes over the training set
 * @param batchSize images per optimizer step
 * @param seed seeds weight initialization, shuffling, augmentation and dropout
 * @param limit use only the first {@code limit} training images; 0 means all
 * @param threads engine threads; 0 lets the engine choose
 * @param optimizer the optimizer and its settings
 * @param schedule the learning-rate schedule
 * @param augment training-time image augmentation
 */
public record TrainConfig(
    String model,
    String dataset,
    int epochs,
    @JsonProperty("batch_size") int batchSize,
    long seed,
    int limit,
    int threads,
    Optimizer optimizer,
    Schedule schedule,
    Augmentation augment) {

  /**
   * SGD with momentum.
   *
   * @param lr base learning rate (schedules that set their own peak ignore it)
   * @param momentum heavy-ball momentum
   * @param weightDecay L2 penalty added to every gradient
   */
  public record Optimizer(
      String type, double lr, double momentum, @JsonProperty("weight_decay") double weightDecay) {}

  /**
   * A learning-rate schedule with PyTorch's argument names.
   *
   * @param type {@code onecycle}, {@code step} or {@code constant}
   * @param maxLr OneCycle's peak learning rate
   * @param pctStart OneCycle's fraction of steps spent rising
   * @param divFactor OneCycle: initial lr = max_lr / div_factor
   * @param finalDivFactor OneCycle: final lr = initial lr / final_div_factor
   * @param stepSize StepLR: epochs between decays
   * @param gamma StepLR: decay factor
   */
  public record Schedule(
      String type,
      @JsonProperty("max_lr") double maxLr,
      @JsonProperty("pct_start") double pctStart,
      @JsonProperty("div_factor") double divFactor,
      @JsonProperty("final_div_factor") double finalDivFactor,
      @JsonProperty("step_size") int stepSize,
      double gamma) {}

  /** This configuration with another seed. */
  public TrainConfig withSeed(long newSeed) {
    return new TrainConfig(
        model, dataset, epochs, batchSize, newSeed, limit, threads, optimizer, schedule, augment);
  }

  /** The recipe {@code ./mnistlab train} runs when given no options. */
  public static TrainConfig defaults() {
    return new TrainConfig(
        "mnistlab/compact",
        "mnist",
        15,
        128,
        1,
        0,
        0,
        new Optimizer("sgd", 0.01, 0.9, 0.0),
        new Schedule("onecycle", 0.2, 0.2, 25, 1e4, 5, 0.1),
        Augmentation.rotation(7));
  }

  /**
   * Checks every field, naming the bad value.
   *
   * @throws IllegalArgumentException on the first invalid field
   */
  public TrainConfig validate() {
    require(epochs >= 1, "epochs must be at least 1, got " + epochs);
    require(batchSize >= 1, "batch size must be at least 1, got " + batchSize);
    require(limit >= 0, "limit must be 0 (all) or positive, got " + limit);
    require(threads >= 0, "threads must be 0 (engine default) or positive, got " + threads);
    require(
        "sgd".equals(optimizer.type()) || "adam".equals(optimizer.type()),
        "optimizer must be sgd or adam, got '" + optimizer.type() + "'");
    require(optimizer.lr() > 0, "learning rate must be positive, got " + optimizer.lr());
    require(
        optimizer.momentum() >= 0 && optimizer.momentum() < 1,
        "momentum must be in [0, 1), got " + optimizer.momentum());
    require(
        optimizer.weightDecay() >= 0,
        "weight decay must not be negative, got " + optimizer.weightDecay());
    switch (schedule.type()) {
      case "onecycle" -> {
        require(schedule.maxLr() > 0, "max_lr must be positive, got " + schedule.maxLr());
        require(
            schedule.pctStart() > 0 && schedule.pctStart() < 1,
            "pct_start must be in (0, 1), got " + schedule.pctStart());
        require(
            schedule.divFactor() > 0, "div_factor must be positive, got " + schedule.divFactor());
        require(
            schedule.finalDivFactor() > 0,
            "final_div_factor must be positive, got " + schedule.finalDivFactor());
      }
      case "step" -> {
        require(
            schedule.stepSize() >= 1, "step_size must be at least 1, got " + schedule.stepSize());
        require(schedule.gamma() > 0, "gamma must be positive, got " + schedule.gamma());
      }
      case "constant" -> {}
      default ->
          throw new IllegalArgumentException(
              "schedule must be onecycle, step or constant, got '" + schedule.type() + "'");
    }
    augment.validate();
    return this;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
