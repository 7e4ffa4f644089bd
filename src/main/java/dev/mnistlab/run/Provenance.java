package dev.mnistlab.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.data.Normalization;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * How a run was made, beside what it measured in {@code metrics.json}: which mnistlab built it
 * (version and git commit), when it started and ended, the data it read (the SHA-256 of each
 * dataset file, checked before reading) and the normalization it fed the network. The engine and
 * machine are recorded beside it in {@link RunResult}.
 *
 * @param version mnistlab's version
 * @param commit the git commit the jar was built from, {@code -dirty} when the tree had changes,
 *     {@code unknown} when built outside a git checkout
 * @param started when training began (the first start of a resumed run), ISO-8601 UTC
 * @param finished when the last epoch was saved
 * @param datasetSha256 file name → SHA-256 of its uncompressed content
 * @param normalization the pixel normalization training used; prediction must use the same
 */
public record Provenance(
    String version,
    String commit,
    String started,
    String finished,
    @JsonProperty("dataset_sha256") Map<String, String> datasetSha256,
    Normalization normalization) {

  private static final Properties BUILD = readBuild();

  /** The provenance of a run of {@code dataset} that started at {@code started}, ending now. */
  public static Provenance of(Dataset dataset, Instant started) {
    Map<String, String> sha = new LinkedHashMap<>();
    dataset.files().forEach(f -> sha.put(f.name(), f.sha256()));
    return new Provenance(
        buildVersion(),
        buildCommit(),
        started.toString(),
        Instant.now().toString(),
        sha,
        dataset.normalization());
  }

  /** This build's version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String buildVersion() {
    return BUILD.getProperty("version", "unknown");
  }

  /** This build's git commit, {@code -dirty} appended when the tree had uncommitted changes. */
  public static String buildCommit() {
    String commit = BUILD.getProperty("commit", "");
    if (commit.isEmpty() || commit.startsWith("${")) {
      return "unknown";
    }
    return "true".equals(BUILD.getProperty("dirty")) ? commit + "-dirty" : commit;
  }

  private static Properties readBuild() {
    Properties p = new Properties();
    try (InputStream in = Provenance.class.getResourceAsStream("/dev/mnistlab/build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // A jar without its build file still trains; its provenance says "unknown".
    }
    return p;
  }
}
