package dev.mnistlab.cli;

import dev.mnistlab.train.LrFinder;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;

/**
 * Shows the learning-rate range test's steps: a progress bar on a terminal; when output is
 * redirected, a line at every quarter so a log still shows the test moving.
 */
final class StepProgress implements LrFinder.Progress, AutoCloseable {
  private final PrintStream out;
  private final int steps;
  private final ProgressBar bar;

  StepProgress(PrintStream out, int steps) {
    this.out = out;
    this.steps = steps;
    this.bar = System.console() == null ? null : ConsoleObserver.progressBar(out, "lr-find", steps);
  }

  @Override
  public void step(int done, int total, double lr, double smoothedLoss) {
    String figures =
        String.format(
            Locale.ROOT, "lr %s  loss %.4f", ConsoleObserver.lr(lr).strip(), smoothedLoss);
    if (bar != null) {
      bar.stepTo(done);
      bar.setExtraMessage(figures);
    } else if (done % Math.max(1, steps / 4) == 0 || done == steps) {
      out.printf(Locale.ROOT, "step %d/%d: %s%n", done, total, figures);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
