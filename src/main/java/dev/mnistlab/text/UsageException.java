package dev.mnistlab.text;

/**
 * Something the user gave is wrong: a flag, a configuration or spec field, a file or directory they
 * named, a variable they set. The message names the bad value and where it came from; the process
 * exits with {@link Failure#USAGE}.
 *
 * <p>It is an {@link IllegalArgumentException}, so a Java caller of mnistlab's API handles it as
 * one; but a plain {@code IllegalArgumentException} from deep inside (a broken contract between
 * classes, a library's complaint) is not a usage error and exits with {@link Failure#FAILED}.
 */
public class UsageException extends IllegalArgumentException implements Failure {
  /** A usage error saying what is wrong. */
  public UsageException(String message) {
    super(message);
  }

  /** A usage error saying what is wrong, found through {@code cause}. */
  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int exitCode() {
    return USAGE;
  }
}
