package dev.mnistlab.jobs;

import java.util.List;

/**
 * Runs independent jobs, each in a fresh JVM, and reports what became of each. Implementations
 * differ only in where the JVMs run ({@link LocalProcesses}: on this machine); a job carries all it
 * needs as strings, so that it can be sent elsewhere.
 */
public interface JobExecutor {

  /** Hears of each job as it starts and ends; called from the executor's threads. */
  interface Listener {
    /** A job's attempt started. */
    default void started(Job job, int attempt) {}

    /** A job ended, for good: done or out of attempts. */
    default void ended(JobOutcome outcome) {}
  }

  /**
   * Runs every job and returns their outcomes in the jobs' order. A job that fails is retried (up
   * to the executor's limit) unless it exited with mnistlab's usage status (2), which no retry can
   * change.
   */
  List<JobOutcome> runAll(List<Job> jobs, Listener listener);

  /** Says where the jobs run, for progress lines ({@code 2 processes on this machine}). */
  String describe();
}
