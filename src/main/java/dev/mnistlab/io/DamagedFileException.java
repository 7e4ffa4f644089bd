package dev.mnistlab.io;

import dev.mnistlab.text.Failure;
import java.nio.file.Path;

/**
 * A file mnistlab wrote (a checkpoint, trained weights) fails its own checks: truncated, altered,
 * or not the kind of file its name says. Never used: a run does not resume from it and a model is
 * not loaded from it. The message names the file and what is wrong; commands exit with 1 (the run
 * failed), not 2 (the command line is wrong).
 */
public class DamagedFileException extends RuntimeException implements Failure {
  @Override
  public int exitCode() {
    return FAILED;
  }

  private final transient Path file;

  /**
   * @param file the damaged file
   * @param what what is wrong with it, and what to do when there is something to do
   */
  public DamagedFileException(Path file, String what) {
    this(file, what, null);
  }

  /** As {@link #DamagedFileException(Path, String)}, keeping the low-level cause for --verbose. */
  public DamagedFileException(Path file, String what, Throwable cause) {
    super(file + ": " + what, cause);
    this.file = file;
  }

  /** The damaged file. */
  public Path file() {
    return file;
  }
}
