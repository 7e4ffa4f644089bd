package dev.mnistlab.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/**
 * What became of a job.
 *
 * @param job the job
 * @param exitCode the last attempt's exit status (0: done)
 * @param attempts how many times it was started (a failed job is retried)
 * @param seconds wall-clock time of all attempts
 * @param host the machine that ran the last attempt
 */
public record JobOutcome(
    Job job, @JsonProperty("exit_code") int exitCode, int attempts, double seconds, String host)
    implements Serializable {

  /** Whether the job's last attempt exited 0. */
  public boolean succeeded() {
    return exitCode == 0;
  }
}
