package dev.mnistlab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a report's reader sees of a table in each of its two files. */
class DocumentTest {
  @TempDir Path tmp;

  @Test
  void aTableCellsBoldIsMarkdownsInTheMarkdownAndBoldInTheHtml() throws Exception {
    Document doc = new Document("t");
    doc.add(
        new Document.Table(
            List.of("claim", "verdict"),
            new boolean[] {false, false},
            List.of(List.of("a < b", "99.43–99.50 · **reproduced**"))));
    doc.write(tmp, "report");
    assertThat(Files.readString(tmp.resolve("report.md")))
        .contains("| a < b | 99.43–99.50 · **reproduced** |");
    assertThat(Files.readString(tmp.resolve("report.html")))
        .contains("<td>a &lt; b</td><td>99.43–99.50 · <b>reproduced</b></td>")
        .doesNotContain("**");
  }
}
