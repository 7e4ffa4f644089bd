package dev.mnistlab.model;

import dev.mnistlab.text.Failure;

/** A model spec is invalid; the message starts with {@code file:line:} where it can. */
public class SpecException extends RuntimeException implements Failure {
  @Override
  public int exitCode() {
    return USAGE;
  }

  /**
   * @param source the file or zoo resource
   * @param line the 1-based line, or 0 when unknown
   * @param message what is wrong, naming the bad value
   */
  public SpecException(String source, int line, String message) {
    super(line > 0 ? source + ":" + line + ": " + message : source + ": " + message);
  }
}
