package dev.mnistlab.data;

import dev.mnistlab.text.Failure;

/** A dataset cannot be found, fetched, verified or read. The message is meant for the user. */
public class DataException extends RuntimeException implements Failure {
  @Override
  public int exitCode() {
    return FAILED;
  }

  /**
   * @param message a one-line explanation that names the file or source involved
   */
  public DataException(String message) {
    super(message);
  }

  /**
   * @param message a one-line explanation that names the file or source involved
   * @param cause the underlying failure
   */
  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
