package dev.mnistlab.run;

import dev.mnistlab.io.DamagedFileException;
import dev.mnistlab.io.DirectoryLock;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.Reasons;
import dev.mnistlab.text.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where one run stands and what it measured, read from its progress, metrics and lock files without
 * taking the lock, so that a run can be watched and reported while another process trains it.
 * {@link RunDirectory} names the files and delegates here.
 *
 * @param run the run directory
 * @param progressFile where it saves its progress ({@link RunProgress})
 * @param metricsFile where it saves its metrics, last ({@link RunResult})
 * @param lockFile the lock its training holds ({@link RunDirectory#lock()})
 */
record RunState(RunDirectory run, Path progressFile, Path metricsFile, Path lockFile) {
  /** The largest progress file read: 15 epochs take 4 KB; this allows thousands. */
  private static final long MAX_PROGRESS_BYTES = 4L << 20;

  /**
   * Why the run, not complete, cannot be used yet: where it stands, and how to finish it. See
   * {@link RunDirectory#requireComplete()}.
   */
  UsageException notComplete() {
    String where;
    try {
      where = status().describe();
    } catch (RuntimeException e) {
      where = "not complete";
    }
    // Trained weights are saved when a run completes; until then it has none to load.
    return new UsageException(
        run.path()
            + ": the run is "
            + where
            + " (no "
            + metricsFile.getFileName()
            + " yet); "
            + (where.startsWith("in progress")
                ? "wait for it to complete"
                : "finish it with `mnistlab train --resume " + run.path() + "`"));
  }

  /** See {@link RunDirectory#readProgress()}. */
  Optional<RunProgress> readProgress() {
    try {
      if (!Files.isRegularFile(progressFile)) {
        return Optional.empty();
      }
      if (Files.size(progressFile) > MAX_PROGRESS_BYTES) {
        throw new DamagedFileException(
            progressFile,
            "it holds "
                + Plain.count(Files.size(progressFile), "byte")
                + ", more than a run writes");
      }
      return Optional.of(Mappers.JSON.readValue(progressFile.toFile(), RunProgress.class));
    } catch (IOException e) {
      throw new DamagedFileException(
          progressFile, "it cannot be read (" + Reasons.of(e, "malformed") + ")", e);
    }
  }

  /** See {@link RunDirectory#readMetrics()}. */
  RunResult readMetrics() {
    try {
      return Mappers.JSON.readValue(metricsFile.toFile(), RunResult.class).in(run.path());
    } catch (IOException e) {
      throw new UsageException(metricsFile + ": cannot read metrics (" + e.getMessage() + ")");
    }
  }

  /** See {@link RunDirectory#readResultSoFar()}. */
  RunResult resultSoFar() {
    if (run.isComplete()) {
      return readMetrics();
    }
    Optional<RunProgress> progress = readProgress();
    if (progress.isEmpty() || progress.get().epochs().isEmpty()) {
      throw new UsageException(
          run.path() + ": " + status().describe() + ", with no epoch to show yet");
    }
    RunProgress p = progress.get();
    return new RunResult(
        p.model(),
        p.dataset(),
        p.trainableParams(),
        0,
        p.seed(),
        p.trainImages(),
        null,
        null,
        null,
        run.path(),
        p.epochs());
  }

  /** See {@link RunDirectory#status()}. */
  RunStatus status() {
    Optional<RunProgress> progress = readProgress();
    int planned =
        progress.map(RunProgress::plannedEpochs).orElseGet(() -> run.readConfig().epochs());
    String started = progress.map(RunProgress::started).orElse(null);
    String updated = progress.map(RunProgress::updated).orElse(null);
    if (run.isComplete()) {
      int done;
      try {
        done = readMetrics().epochs().size();
      } catch (UsageException e) {
        throw new DamagedFileException(metricsFile, "its metrics cannot be read", e);
      }
      return new RunStatus(RunStatus.State.COMPLETE, done, planned, started, updated, null);
    }
    // Runs saved before progress.json existed: the epochs done are not known without the engine.
    int done = progress.map(p -> p.epochs().size()).orElse(run.hasCheckpoint() ? -1 : 0);
    Optional<String> owner = DirectoryLock.liveOwner(lockFile);
    if (owner.isPresent()) {
      return new RunStatus(RunStatus.State.RUNNING, done, planned, started, updated, owner.get());
    }
    String failure = progress.map(RunProgress::failure).orElse(null);
    return failure != null
        ? new RunStatus(RunStatus.State.FAILED, done, planned, started, updated, failure)
        : new RunStatus(RunStatus.State.INTERRUPTED, done, planned, started, updated, null);
  }
}
