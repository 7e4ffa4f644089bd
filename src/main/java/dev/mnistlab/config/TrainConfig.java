package dev.mnistlab.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mnistlab.data.Augmentation;
import dev.mnistlab.data.Normalization;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.Suggestions;
import dev.mnistlab.text.UsageException;
import java.util.List;

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
 * @param labelSmoothing cross-entropy label smoothing ε as in PyTorch's {@code
 *     CrossEntropyLoss(label_smoothing=ε)}; 0 is none
 * @param emaDecay evaluate and save an exponential moving average of the weights (BatchNorm
 *     statistics included), updated after every step with this decay, as PyTorch's {@code
 *     AveragedModel(..., get_ema_multi_avg_fn(decay), use_buffers=True)}; 0 is none
 * @param stop early stopping at a target accuracy
 * @param testNormalization the normalization each epoch's test uses, where a seed notebook
 *     normalized its test set with other values than its training set (seed 003: 0.1325, 0.3104);
 *     null uses the training one, as {@code evaluate}, {@code predict} and the saved model always
 *     do
 * @param validation hold out the last {@code validation} training images and score every epoch on
 *     them instead of the test set (the stricter protocol: a recipe chosen on them has not seen the
 *     test set; {@code evaluate} scores the trained model on the test set afterwards); 0 scores on
 *     the test set, as the seed projects do
 * @param testLimit score only the first {@code testLimit} test images after each epoch but the
 *     last, which always scores them all: quick iterations spend most of their time scoring; 0
 *     scores them all every epoch. Its curves are then not comparable with full runs, and reports
 *     mark it
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
    Augmentation augment,
    @JsonProperty("label_smoothing") double labelSmoothing,
    @JsonProperty("ema_decay") double emaDecay,
    Stop stop,
    @JsonProperty("test_normalization") Normalization testNormalization,
    int validation,
    @JsonProperty("test_limit") int testLimit) {

  /**
   * Ends a run early once test accuracy reached {@code at} percent in {@code patience} consecutive
   * epochs, for time-to-target measurements.
   *
   * @param at target test accuracy in percent; 0 never stops early
   * @param patience consecutive epochs at or above the target
   */
  public record Stop(double at, int patience) {
    /** Always run every epoch. */
    public static final Stop NEVER = new Stop(0, 1);

    /**
     * True once the last {@code patience} epochs all reached the target.
     *
     * @param testAccuracies each epoch's test accuracy in percent, in order
     */
    public boolean reached(java.util.List<Double> testAccuracies) {
      int n = testAccuracies.size();
      if (at <= 0 || n < patience) {
        return false;
      }
      return testAccuracies.subList(n - patience, n).stream().allMatch(acc -> acc >= at);
    }
  }

  /**
   * The optimizer, with torch.optim's update rules (see {@code train.TorchOptimizer}).
   *
   * @param type {@code sgd}, {@code adam} or {@code adamw}
   * @param lr base learning rate (schedules that set their own peak ignore it)
   * @param momentum SGD's momentum; Adam's and AdamW's β1
   * @param weightDecay SGD and Adam: L2 penalty added to every gradient; AdamW: decoupled decay
   * @param nesterov SGD only: Nesterov momentum
   */
  public record Optimizer(
      String type,
      double lr,
      double momentum,
      @JsonProperty("weight_decay") double weightDecay,
      boolean nesterov) {

    /** Without Nesterov momentum. */
    public Optimizer(String type, double lr, double momentum, double weightDecay) {
      this(type, lr, momentum, weightDecay, false);
    }
  }

  /**
   * A learning-rate schedule with PyTorch's class and argument names. Epoch-based schedules change
   * the rate at epoch boundaries; OneCycle changes it every batch.
   *
   * @param type {@code onecycle}, {@code step} (StepLR), {@code multistep} (MultiStepLR), {@code
   *     cosine} (CosineAnnealingLR), {@code linear} (LinearLR, a warm-up), {@code plateau}
   *     (ReduceLROnPlateau on test loss) or {@code constant}; all but OneCycle start from
   *     optimizer.lr
   * @param maxLr OneCycle's peak learning rate
   * @param pctStart OneCycle's fraction of steps spent rising
   * @param divFactor OneCycle: initial lr = max_lr / div_factor
   * @param finalDivFactor OneCycle: final lr = initial lr / final_div_factor
   * @param anneal OneCycle's anneal strategy, {@code cos} or {@code linear}
   * @param stepSize StepLR: epochs between decays
   * @param gamma StepLR and MultiStepLR: decay factor
   * @param milestones MultiStepLR: epochs at which the rate is multiplied by gamma
   * @param tMax CosineAnnealingLR: epochs of the half cosine (0: the run's epochs)
   * @param etaMin CosineAnnealingLR: the lowest rate
   * @param startFactor LinearLR: the first epoch's fraction of the base rate
   * @param totalIters LinearLR: epochs to reach the base rate
   * @param factor ReduceLROnPlateau: multiplier when the loss stops improving
   * @param patience ReduceLROnPlateau: epochs without improvement tolerated
   * @param threshold ReduceLROnPlateau: relative improvement that counts
   * @param minLr ReduceLROnPlateau: the lowest rate
   * @param cycleMomentum OneCycle: cycle momentum (Adam: β1) inversely to the rate, from
   *     max_momentum down to base_momentum while the rate rises and back while it falls
   * @param baseMomentum OneCycle: the lowest momentum of the cycle
   * @param maxMomentum OneCycle: the highest momentum of the cycle
   */
  public record Schedule(
      String type,
      @JsonProperty("max_lr") double maxLr,
      @JsonProperty("pct_start") double pctStart,
      @JsonProperty("div_factor") double divFactor,
      @JsonProperty("final_div_factor") double finalDivFactor,
      String anneal,
      @JsonProperty("step_size") int stepSize,
      double gamma,
      List<Integer> milestones,
      @JsonProperty("t_max") int tMax,
      @JsonProperty("eta_min") double etaMin,
      @JsonProperty("start_factor") double startFactor,
      @JsonProperty("total_iters") int totalIters,
      double factor,
      int patience,
      double threshold,
      @JsonProperty("min_lr") double minLr,
      @JsonProperty("cycle_momentum") boolean cycleMomentum,
      @JsonProperty("base_momentum") double baseMomentum,
      @JsonProperty("max_momentum") double maxMomentum) {
    /** The schedule types, as config.yaml and --schedule name them. */
    public static final List<String> TYPES =
        List.of("onecycle", "step", "multistep", "cosine", "linear", "plateau", "constant");

    /**
     * A schedule of {@code type} with PyTorch's default arguments, except OneCycle's peak and
     * warm-up fraction (mnistlab's recipe: 0.2 and 0.2) and momentum cycling (off: the loop's
     * momentum stays the optimizer's; PyTorch cycles 0.85–0.95 unless told not to).
     */
    public static Schedule of(String type) {
      return new Schedule(
          type, 0.2, 0.2, 25, 1e4, "cos", 5, 0.1, List.of(), 0, 0, 1.0 / 3, 5, 0.1, 10, 1e-4, 0,
          false, 0.85, 0.95);
    }

    /**
     * The {@code config.yaml} names of the fields a schedule of this type reads; the others are
     * kept but unused (a StepLR's {@code max_lr}), so they are not part of what a run was.
     *
     * @throws IllegalArgumentException for a type the code does not handle
     */
    public java.util.Set<String> fieldsRead() {
      return switch (type) {
        case "onecycle" ->
            java.util.Set.of(
                "type",
                "max_lr",
                "pct_start",
                "div_factor",
                "final_div_factor",
                "anneal",
                "cycle_momentum",
                "base_momentum",
                "max_momentum");
        case "step" -> java.util.Set.of("type", "step_size", "gamma");
        case "multistep" -> java.util.Set.of("type", "milestones", "gamma");
        case "cosine" -> java.util.Set.of("type", "t_max", "eta_min");
        case "linear" -> java.util.Set.of("type", "start_factor", "total_iters");
        case "plateau" -> java.util.Set.of("type", "factor", "patience", "threshold", "min_lr");
        case "constant" -> java.util.Set.of("type");
        default ->
            throw new UsageException(
                "unknown schedule type '" + type + "'" + Suggestions.didYouMean(type, TYPES));
      };
    }

    /** OneCycle with the given peak, warm-up fraction and division factors. */
    public Schedule withOneCycle(double max, double pct, double div, double finalDiv) {
      return new Schedule(
          type,
          max,
          pct,
          div,
          finalDiv,
          anneal,
          stepSize,
          gamma,
          milestones,
          tMax,
          etaMin,
          startFactor,
          totalIters,
          factor,
          patience,
          threshold,
          minLr,
          cycleMomentum,
          baseMomentum,
          maxMomentum);
    }
  }

  /** This configuration for another model (a zoo name or spec file). */
  public TrainConfig withModel(String newModel) {
    return toBuilder().model(newModel).build();
  }

  /** This configuration with another seed. */
  public TrainConfig withSeed(long newSeed) {
    return toBuilder().seed(newSeed).build();
  }

  /** This configuration run with another seed and engine thread count (0: the engine's choice). */
  public TrainConfig withRun(long newSeed, int newThreads) {
    return toBuilder().seed(newSeed).threads(newThreads).build();
  }

  /** A builder starting from this configuration's fields, to change a few by name. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Changes fields by name ({@code config.toBuilder().epochs(3).limit(2000).build()}), where a
   * positional constructor call would hide which of 15 arguments changed. Nothing is checked until
   * {@link TrainConfig#validate()}.
   */
  public static final class Builder {
    private String model;
    private String dataset;
    private int epochs;
    private int batchSize;
    private long seed;
    private int limit;
    private int threads;
    private Optimizer optimizer;
    private Schedule schedule;
    private Augmentation augment;
    private double labelSmoothing;
    private double emaDecay;
    private Stop stop;
    private Normalization testNormalization;
    private int validation;
    private int testLimit;

    private Builder(TrainConfig c) {
      model = c.model;
      dataset = c.dataset;
      epochs = c.epochs;
      batchSize = c.batchSize;
      seed = c.seed;
      limit = c.limit;
      threads = c.threads;
      optimizer = c.optimizer;
      schedule = c.schedule;
      augment = c.augment;
      labelSmoothing = c.labelSmoothing;
      emaDecay = c.emaDecay;
      stop = c.stop;
      testNormalization = c.testNormalization;
      validation = c.validation;
      testLimit = c.testLimit;
    }

    /** See {@link TrainConfig#model()}. */
    public Builder model(String value) {
      model = value;
      return this;
    }

    /** See {@link TrainConfig#dataset()}. */
    public Builder dataset(String value) {
      dataset = value;
      return this;
    }

    /** See {@link TrainConfig#epochs()}. */
    public Builder epochs(int value) {
      epochs = value;
      return this;
    }

    /** See {@link TrainConfig#batchSize()}. */
    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    /** See {@link TrainConfig#seed()}. */
    public Builder seed(long value) {
      seed = value;
      return this;
    }

    /** See {@link TrainConfig#limit()}. */
    public Builder limit(int value) {
      limit = value;
      return this;
    }

    /** See {@link TrainConfig#threads()}. */
    public Builder threads(int value) {
      threads = value;
      return this;
    }

    /** See {@link TrainConfig#optimizer()}. */
    public Builder optimizer(Optimizer value) {
      optimizer = value;
      return this;
    }

    /** See {@link TrainConfig#schedule()}. */
    public Builder schedule(Schedule value) {
      schedule = value;
      return this;
    }

    /** See {@link TrainConfig#augment()}. */
    public Builder augment(Augmentation value) {
      augment = value;
      return this;
    }

    /** See {@link TrainConfig#labelSmoothing()}. */
    public Builder labelSmoothing(double value) {
      labelSmoothing = value;
      return this;
    }

    /** See {@link TrainConfig#emaDecay()}. */
    public Builder emaDecay(double value) {
      emaDecay = value;
      return this;
    }

    /** See {@link TrainConfig#stop()}. */
    public Builder stop(Stop value) {
      stop = value;
      return this;
    }

    /** See {@link TrainConfig#testNormalization()}. */
    public Builder testNormalization(Normalization value) {
      testNormalization = value;
      return this;
    }

    /** See {@link TrainConfig#validation()}. */
    public Builder validation(int value) {
      validation = value;
      return this;
    }

    /** See {@link TrainConfig#testLimit()}. */
    public Builder testLimit(int value) {
      testLimit = value;
      return this;
    }

    /** The configuration with the fields set so far. */
    public TrainConfig build() {
      return new TrainConfig(
          model,
          dataset,
          epochs,
          batchSize,
          seed,
          limit,
          threads,
          optimizer,
          schedule,
          augment,
          labelSmoothing,
          emaDecay,
          stop,
          testNormalization,
          validation,
          testLimit);
    }
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
        new Optimizer("sgd", 0.01, 0.9, 1e-4),
        Schedule.of("onecycle"),
        Augmentation.rotation(7),
        0,
        0,
        Stop.NEVER,
        null,
        0,
        0);
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
    require(validation >= 0, "validation must be 0 (none) or positive, got " + validation);
    require(testLimit >= 0, "test_limit must be 0 (all) or positive, got " + testLimit);
    require(threads >= 0, "threads must be 0 (engine default) or positive, got " + threads);
    require(
        java.util.Set.of("sgd", "adam", "adamw").contains(optimizer.type()),
        "optimizer must be sgd, adam or adamw, got '"
            + optimizer.type()
            + "'"
            + Suggestions.didYouMean(optimizer.type(), java.util.List.of("sgd", "adam", "adamw")));
    require(
        optimizer.lr() > 0, "learning rate must be positive, got " + Plain.number(optimizer.lr()));
    require(
        optimizer.momentum() >= 0 && optimizer.momentum() < 1,
        "momentum must be in [0, 1), got " + Plain.number(optimizer.momentum()));
    require(
        optimizer.weightDecay() >= 0,
        "weight decay must not be negative, got " + Plain.number(optimizer.weightDecay()));
    require(
        !optimizer.nesterov() || ("sgd".equals(optimizer.type()) && optimizer.momentum() > 0),
        "nesterov needs the sgd optimizer and a positive momentum");
    ScheduleChecks.check(schedule);
    augment.validate();
    require(
        labelSmoothing >= 0 && labelSmoothing < 1,
        "label_smoothing must be in [0, 1), got " + Plain.number(labelSmoothing));
    require(
        emaDecay == 0 || (emaDecay > 0 && emaDecay < 1),
        "ema_decay must be 0 (none) or in (0, 1), got " + Plain.number(emaDecay));
    require(
        stop.at() >= 0 && stop.at() <= 100,
        "stop_at must be in [0, 100] percent, got " + Plain.number(stop.at()));
    require(stop.patience() >= 1, "patience must be at least 1, got " + stop.patience());
    return this;
  }

  /** Throws a {@link UsageException} with {@code message} unless {@code ok}. */
  static void require(boolean ok, String message) {
    if (!ok) {
      throw new UsageException(message);
    }
  }
}
