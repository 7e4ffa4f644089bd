package dev.mnistlab.cli;

import dev.mnistlab.jobs.Job;
import dev.mnistlab.jobs.JobExecutor;
import dev.mnistlab.jobs.JobOutcome;
import dev.mnistlab.text.Plain;
import java.io.PrintStream;

/** One line per job as it starts and ends, for runs whose jobs train in other processes. */
final class JobLines implements JobExecutor.Listener {
  private final PrintStream out;

  JobLines(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void started(Job job, int attempt) {
    out.printf(
        "%s: %s (its output: %s)%n",
        job.name(), attempt == 1 ? "started" : "failed; starting it again", job.log());
  }

  @Override
  public synchronized void ended(JobOutcome outcome) {
    String time = Plain.number(Math.round(outcome.seconds())) + " s";
    out.printf(
        "%s: %s in %s%n",
        outcome.job().name(),
        outcome.succeeded() ? "done" : "failed (exit " + outcome.exitCode() + ")",
        time);
  }
}
