package dev.mnistlab.data;

import java.nio.file.Path;

/** A data file exists but its content is not a valid IDX file or does not match its checksum. */
public class DatasetFormatException extends DataException {
  /**
   * @param file the offending file, named in the message
   * @param problem what is wrong with it
   */
  public DatasetFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }
}
