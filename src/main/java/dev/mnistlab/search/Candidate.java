package dev.mnistlab.search;

import dev.mnistlab.io.Sha256;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpecParser;
import dev.mnistlab.model.ParameterCount;
import java.nio.charset.StandardCharsets;

/**
 * One architecture of a search: its spec as YAML text and its trainable parameter count. The name
 * is derived from the spec's layers alone ({@code p4830-1a2b3c4d}: parameters, then the first hex
 * digits of the layers' SHA-256), so the same architecture has the same name in every search and a
 * search that meets it again finds its runs.
 *
 * @param name {@code p<parameters>-<hash>}
 * @param specText the model spec, ready to write to a file
 * @param trainableParams counted by PyTorch's convention on the network DJL builds
 * @param shape a short description ({@code 8-10-16 → pool → t8 → 12-16-18p1 → gap-conv})
 */
public record Candidate(String name, String specText, long trainableParams, String shape) {

  /**
   * A candidate for the spec whose {@code layers:} section is {@code layersText}; the engine must
   * have been started (the count builds the network).
   *
   * @throws dev.mnistlab.model.SpecException when the layers do not make a valid network (a shape
   *     that collapses)
   */
  static Candidate of(String layersText, String shape) {
    String hash = Sha256.hexOf(layersText.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
    String probe = "name: probe\nlayers:\n" + layersText;
    ModelSpec spec = ModelSpecParser.parse(probe, "candidate " + shape);
    long params = ParameterCount.of(spec).trainable();
    String name = "p" + params + "-" + hash;
    String text =
        "name: "
            + name
            + "\ndescription: >-\n  Found by mnistlab search: "
            + shape
            + ". "
            + params
            + " trainable parameters.\ninput: [1, 28, 28]\nlayers:\n"
            + layersText;
    return new Candidate(name, text, params, shape);
  }

  /** The candidate as a spec. */
  public ModelSpec spec() {
    return ModelSpecParser.parse(specText, name);
  }
}
