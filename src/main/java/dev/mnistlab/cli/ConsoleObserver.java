package dev.mnistlab.cli;

import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.run.Consistency;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Plain;
import dev.mnistlab.train.TrainingObserver;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Prints a training run for a person: a header, one line per epoch and a summary. On a terminal a
 * progress bar shows the running epoch, then a status line while the test split is scored; when
 * output is redirected there is neither, only lines.
 */
final class ConsoleObserver implements TrainingObserver, InterruptNotice.Progress {
  /**
   * {@code train_s} is the training pass alone (what img/s is measured over); {@code wall} counts
   * from the start of the run, evaluation and checkpoints included.
   */
  static final String COLUMNS =
      "epoch        lr  train_loss  train_acc  test_loss  test_acc  train_s    img/s     wall";

  private final PrintStream out;
  private final boolean terminal;
  private ProgressBar bar;
  private int batches;
  private boolean columnsShown;
  private String status;
  private Path runDir;
  private int epochsDone;

  ConsoleObserver(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void header(Recipe recipe, DataStore.Loaded data, Path runDir) {
    TrainConfig config = recipe.config();
    out.printf(
        Locale.ROOT,
        "model %s · dataset %s (%s) · %s · batch %d · seed %d · run %s%n",
        recipe.spec().name(),
        data.dataset(),
        data.directory(),
        Plain.count(config.epochs(), "epoch"),
        config.batchSize(),
        config.seed(),
        runDir);
    if (config.validation() > 0) {
      // The columns say "test"; here they hold the held-out training images' scores.
      out.printf(
          Locale.ROOT,
          "validation: the last %s are held out and scored each epoch in the test columns; the"
              + " test set stays unseen (score it with ./mnistlab evaluate)%n",
          Plain.count(config.validation(), "training image"));
    }
    if (config.testLimit() > 0 && config.validation() == 0) {
      out.printf(
          Locale.ROOT,
          "test-limit: epochs before the last score the first %s only; the last scores them"
              + " all%n",
          Plain.count(config.testLimit(), "test image"));
    }
    columnsShown = false;
    this.runDir = runDir;
    epochsDone = 0;
  }

  @Override
  public void resumed(List<EpochMetrics> completed) {
    out.printf(Locale.ROOT, "resuming from the checkpoint after epoch %d%n", completed.size());
    completed.forEach(this::epochDone);
  }

  @Override
  public void alreadyComplete(RunResult result) {
    out.printf(
        Locale.ROOT,
        "%s already holds this run, complete (%s); nothing to train. Its epochs:%n",
        result.runDir(),
        Plain.count(result.epochs().size(), "epoch"));
    result.epochs().forEach(this::epochDone);
  }

  @Override
  public void recovered(String previousOwner, List<Path> leftovers) {
    out.printf(
        Locale.ROOT,
        "taking over the run from %s, which ended without releasing it%s%n",
        previousOwner == null ? "a process" : previousOwner,
        leftovers.isEmpty()
            ? ""
            : "; removed " + Plain.count(leftovers.size(), "temporary file") + " it left");
  }

  @Override
  public void extending(int from, int to) {
    out.printf(
        Locale.ROOT,
        "extending the finished %d-epoch run to %s (its schedule does not depend on the"
            + " number of epochs)%n",
        from,
        Plain.count(to, "epoch"));
  }

  @Override
  public void epochStarted(int epoch, int batches) {
    this.batches = batches;
    showColumns();
    if (terminal) {
      bar = progressBar(out, String.format(Locale.ROOT, "epoch %d", epoch), batches);
    }
  }

  @Override
  public void batchDone(int batch, double runningLoss, double imagesPerSecond) {
    if (bar != null) {
      bar.stepTo(batch);
      bar.setExtraMessage(
          String.format(Locale.ROOT, "loss %.4f  %.0f img/s", runningLoss, imagesPerSecond));
      if (batch == batches) {
        // The pass is over; evaluation follows and must not count as training time on the bar.
        closeBar();
      }
    }
  }

  @Override
  public void evaluating(int epoch, int images) {
    closeBar();
    if (terminal) {
      // A transient line, overwritten by the epoch's row: scoring takes seconds on a CPU.
      status =
          String.format(Locale.ROOT, "epoch %d: evaluating on %,d test images …", epoch, images);
      out.print(status + "\r");
      out.flush();
    }
  }

  @Override
  public void epochDone(EpochMetrics m) {
    epochsDone = m.epoch();
    closeBar();
    clearStatus();
    showColumns();
    out.printf(
        Locale.ROOT,
        "%5d  %s  %10.4f  %8.2f%%  %9.4f  %7.2f%%  %7.1f  %7.0f  %7s%n",
        m.epoch(),
        lr(m.lr()),
        m.trainLoss(),
        m.trainAcc(),
        m.testLoss(),
        m.testAcc(),
        m.seconds(),
        m.imagesPerSecond(),
        m.hasWall() ? String.format(Locale.ROOT, "%.1f", m.wall()) : "n/a");
  }

  /** One line on the finished run (see {@link #summary(RunResult, Path)}), without the report. */
  void summary(RunResult r) {
    summary(r, null);
  }

  /**
   * One line on the finished run, then how to make its report when {@code reportDir} is given. The
   * "last 3" minimum covers the epochs there are when the run has fewer than 3, and says so.
   */
  void summary(RunResult r, Path reportDir) {
    int window = Math.min(Consistency.LAST, r.epochs().size());
    String lastMin =
        window > 1
            ? String.format(
                Locale.ROOT, " · last-%d min %.2f%%", window, r.minTestAccuracyOfLast(window))
            : "";
    String statistics =
        r.nonTrainableParams() > 0
            ? String.format(Locale.ROOT, " (+%,d BatchNorm statistics)", r.nonTrainableParams())
            : "";
    out.printf(
        Locale.ROOT,
        "%s: %,d trainable parameters%s · best test %.2f%%%s · final %.2f%%%nsaved to %s%n",
        r.model(),
        r.trainableParams(),
        statistics,
        r.bestTestAccuracy(),
        lastMin,
        r.last().testAcc(),
        r.runDir());
    if (reportDir != null) {
      out.printf(Locale.ROOT, "its report: ./mnistlab report %s%n", reportDir);
    }
  }

  /** A learning rate readable at any size: 0.00800, or 8.00e-07 below 0.0001. */
  /**
   * The commands' progress bar on {@code out}: ASCII, a redraw every 250 ms, cleared at the end.
   */
  static me.tongfei.progressbar.ProgressBar progressBar(PrintStream out, String task, int max) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250)
        .setConsumer(new ConsoleProgressBarConsumer(out))
        .clearDisplayOnFinish()
        .build();
  }

  static String lr(double lr) {
    return lr >= 1e-4 || lr == 0
        ? String.format(Locale.ROOT, "%8.5f", lr)
        : String.format(Locale.ROOT, "%8.2e", lr);
  }

  private void showColumns() {
    if (!columnsShown) {
      out.println(COLUMNS);
      columnsShown = true;
    }
  }

  private void clearStatus() {
    if (status != null) {
      out.print(" ".repeat(status.length()) + "\r");
      status = null;
    }
  }

  private void closeBar() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  @Override
  public Path runDir() {
    return runDir;
  }

  @Override
  public int epochsDone() {
    return epochsDone;
  }
}
