package dev.mnistlab.cli;

import dev.mnistlab.run.Provenance;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code mnistlab --version}: the version and git commit this jar was built from (Maven writes them
 * into {@code build.properties}), as every run's provenance records them.
 */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {
      "mnistlab " + Provenance.buildVersion() + " (commit " + Provenance.buildCommit() + ")",
      "Java " + System.getProperty("java.version") + ", " + System.getProperty("os.name")
    };
  }
}
