package dev.mnistlab.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * The JSON and YAML mappers of every file mnistlab writes and reads back (run, experiment and
 * search directories), configured once so that all of them agree.
 */
public final class Mappers {
  private Mappers() {}

  /** Writes the JSON files of runs (indented). */
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).findAndRegisterModules();

  /**
   * Reads and writes the YAML files of runs (configurations). Type names are written as maps
   * ({@code - rotation: {degrees: 4}}), not YAML tags ({@code !<rotation>}): configurations are
   * read as trees to merge them, and trees keep no tags.
   */
  public static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .disable(YAMLGenerator.Feature.USE_NATIVE_TYPE_ID))
          // batch_size: 12.7 is a mistake to name, not 12.
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
}
