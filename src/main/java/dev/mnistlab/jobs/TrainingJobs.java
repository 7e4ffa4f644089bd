package dev.mnistlab.jobs;

import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.io.AtomicFiles;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.run.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Trainings as jobs: each a {@code train} command line whose whole configuration is written beside
 * its run directory ({@link RunDirectory#writeJobConfig}), so the job needs nothing but files.
 * Paths are made absolute, since a job may start in another working directory (a Spark executor).
 */
public final class TrainingJobs {
  private TrainingJobs() {}

  /**
   * A job training {@code config} into {@code runDir} on the data in {@code dataDir}; its output
   * goes to {@link RunDirectory#jobLog}.
   */
  public static Job of(String name, TrainConfig config, Path runDir, Path dataDir) {
    Path dir = runDir.toAbsolutePath();
    Path configFile = RunDirectory.writeJobConfig(dir, config);
    List<String> args =
        List.of(
            "train",
            "--config",
            configFile.toString(),
            "--data-dir",
            dataDir.toAbsolutePath().toString(),
            "--out",
            dir.toString());
    return Job.of(name, args, dir, RunDirectory.jobLog(dir));
  }

  /**
   * A job continuing the interrupted run in {@code runDir} with the configuration it saved ({@code
   * train --resume}).
   */
  public static Job resuming(String name, Path runDir, Path dataDir) {
    Path dir = runDir.toAbsolutePath();
    List<String> args =
        List.of(
            "train", "--resume", dir.toString(), "--data-dir", dataDir.toAbsolutePath().toString());
    return Job.of(name, args, dir, RunDirectory.jobLog(dir));
  }

  /**
   * A new run of {@code config} ({@link #of}), or, where {@code runDir} already holds a run, that
   * run continued with the configuration it saved ({@link #resuming}); the caller checked that it
   * is a run of the same recipe.
   */
  public static Job startOrContinue(String name, TrainConfig config, Path runDir, Path dataDir) {
    return RunDirectory.exists(runDir)
        ? resuming(name, runDir, dataDir)
        : of(name, config, runDir, dataDir);
  }

  /**
   * Runs the jobs and returns their outcomes in order; each outcome is also written beside its run
   * directory ({@link RunDirectory#jobOutcome}), so a job's result is its run directory and that
   * small JSON.
   */
  public static List<JobOutcome> runAll(
      JobExecutor executor, List<Job> jobs, JobExecutor.Listener listener) {
    List<JobOutcome> outcomes = executor.runAll(jobs, listener);
    for (JobOutcome outcome : outcomes) {
      Path file = RunDirectory.jobOutcome(Path.of(outcome.job().runDir()));
      try {
        AtomicFiles.write(file, Mappers.JSON.writeValueAsBytes(outcome));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }
    return outcomes;
  }

  /** One line per job that did not succeed: its name, exit status and log. */
  public static List<String> failures(List<JobOutcome> outcomes) {
    return outcomes.stream()
        .filter(o -> !o.succeeded())
        .map(o -> o.job().name() + " (exit " + o.exitCode() + ", see " + o.job().log() + ")")
        .toList();
  }

  /**
   * Runs the jobs and returns their outcomes in order.
   *
   * @throws JobsFailedException naming every job that failed after its attempts
   */
  public static List<JobOutcome> runAllOrFail(
      JobExecutor executor, List<Job> jobs, JobExecutor.Listener listener) {
    List<JobOutcome> outcomes = runAll(executor, jobs, listener);
    List<String> failed = failures(outcomes);
    if (!failed.isEmpty()) {
      throw new JobsFailedException(failed);
    }
    return outcomes;
  }
}
