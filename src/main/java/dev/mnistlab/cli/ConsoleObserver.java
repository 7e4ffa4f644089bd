package dev.mnistlab.cli;

import dev.mnistlab.data.DataStore;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.train.EpochMetrics;
import dev.mnistlab.train.RunResult;
import dev.mnistlab.train.TrainConfig;
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
 * progress bar shows the running epoch; when output is redirected there is no bar, only lines.
 */
final class ConsoleObserver implements TrainingObserver {
  private static final String COLUMNS =
      "epoch      lr  train_loss  train_acc  test_loss  test_acc      sec    img/s";

  private final PrintStream out;
  private final boolean progressBar;
  private ProgressBar bar;
  private int batches;

  ConsoleObserver(PrintStream out, boolean progressBar) {
    this.out = out;
    this.progressBar = progressBar;
  }

  void header(ModelSpec spec, TrainConfig config, DataStore.Loaded data, Path runDir) {
    out.printf(
        Locale.ROOT,
        "model %s · dataset %s (%s) · %d epoch%s · batch %d · seed %d · run %s%n",
        spec.name(),
        data.dataset(),
        data.directory(),
        config.epochs(),
        config.epochs() == 1 ? "" : "s",
        config.batchSize(),
        config.seed(),
        runDir);
    out.println(COLUMNS);
  }

  @Override
  public void resumed(List<EpochMetrics> completed) {
    out.printf(Locale.ROOT, "resuming from the checkpoint after epoch %d%n", completed.size());
    completed.forEach(this::epochDone);
  }

  @Override
  public void epochStarted(int epoch, int batches) {
    this.batches = batches;
    if (progressBar) {
      bar =
          new ProgressBarBuilder()
              .setTaskName(String.format(Locale.ROOT, "epoch %d", epoch))
              .setInitialMax(batches)
              .setStyle(ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(250)
              .setConsumer(new ConsoleProgressBarConsumer(out))
              .clearDisplayOnFinish()
              .build();
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
  public void epochDone(EpochMetrics m) {
    closeBar();
    out.printf(
        Locale.ROOT,
        "%5d  %.5f  %10.4f  %8.2f%%  %9.4f  %7.2f%%  %7.1f  %7.0f%n",
        m.epoch(),
        m.lr(),
        m.trainLoss(),
        m.trainAcc(),
        m.testLoss(),
        m.testAcc(),
        m.seconds(),
        m.imagesPerSecond());
  }

  void summary(RunResult r) {
    out.printf(
        Locale.ROOT,
        "%s: %,d trainable parameters (+%,d BatchNorm statistics) · best test %.2f%% · last-3 min %.2f%% · saved to %s%n",
        r.model(),
        r.trainableParams(),
        r.nonTrainableParams(),
        r.bestTestAccuracy(),
        r.minTestAccuracyOfLast(3),
        r.runDir());
  }

  private void closeBar() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
