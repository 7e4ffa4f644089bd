package dev.mnistlab.jobs;

import dev.mnistlab.text.Failure;
import java.util.List;

/** Some jobs ended without success after their attempts; the message names each and its log. */
public final class JobsFailedException extends RuntimeException implements Failure {
  @Override
  public int exitCode() {
    return FAILED;
  }

  private static final long serialVersionUID = 1L;

  /**
   * @param failures one entry per failed job: its name, exit status and log
   */
  public JobsFailedException(List<String> failures) {
    super(
        failures.size()
            + (failures.size() == 1 ? " job" : " jobs")
            + " failed: "
            + String.join("; ", failures));
  }
}
