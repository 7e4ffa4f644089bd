package dev.mnistlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compare} and {@code report} refuse what they cannot read with one line and exit 2. */
class CompareCommandTest {
  @TempDir Path tmp;

  @Test
  void compareNeedsRunDirectories() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("not-a-run"));
    Cli.Outcome o = Cli.run(tmp, Map.of(), "compare", empty.toString(), "--out", tmp + "/c");
    Cli.assertOneLineError(
        o, Main.USAGE, empty + ": holds no run directory nor directory of seed-N runs");
    assertThat(tmp.resolve("c")).doesNotExist();
    Cli.assertOneLineError(Cli.run(tmp, Map.of(), "compare"), Main.USAGE, "RUN_DIR");
  }

  @Test
  void reportNamesADirectoryItCannotReportOn() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("nothing"));
    Cli.assertOneLineError(
        Cli.run(tmp, Map.of(), "report", empty.toString()),
        Main.USAGE,
        empty + ": not an experiment directory");
  }
}
