package dev.mnistlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's --help reads well in a terminal: short lines, whole words and sentences. */
class HelpTextTest {
  private static final Environment QUIET =
      new Environment(
          Map.of(),
          Path.of("/nonexistent-home"),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

  /** The help of the top-level command and of every subcommand, by qualified name. */
  private static Map<String, String> everyHelp() {
    Map<String, String> helps = new java.util.LinkedHashMap<>();
    collect(Main.commandLine(QUIET), helps);
    return helps;
  }

  private static void collect(CommandLine cli, Map<String, String> helps) {
    helps.put(cli.getCommandSpec().qualifiedName(), cli.getUsageMessage());
    cli.getSubcommands().values().forEach(sub -> collect(sub, helps));
  }

  @Test
  void linesAreUnder100CharactersAndNeverSplitAWord() {
    Map<String, String> helps = everyHelp();
    assertThat(helps).containsKeys("mnistlab", "mnistlab train", "mnistlab data fetch");
    for (Map.Entry<String, String> help : helps.entrySet()) {
      List<String> lines = help.getValue().lines().toList();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        assertThat(line.length()).as(help.getKey() + ": " + line).isLessThan(100);
        if (i + 1 < lines.size()) {
          // A path or file name cut after its dot or slash ("~/." | "cache", "config." | "yaml"),
          // continued on the next line (a new row's name is followed by two spaces, not one).
          String next = lines.get(i + 1).stripLeading();
          assertThat(line.matches(".*[\\w~][./]$") && next.matches("^[\\p{Ll}<$]\\S*(\\s\\S.*)?$"))
              .as(help.getKey() + ": split between\n" + line + "\n" + lines.get(i + 1))
              .isFalse();
        }
      }
    }
    assertThat(helps.get("mnistlab train"))
        .contains("~/.cache/mnistlab/<dataset>", "config.yaml", "runs/<timestamp>-<model>");
  }

  @Test
  void theCommandListGivesEachCommandAWholeSentence() {
    String top = everyHelp().get("mnistlab");
    String list = top.substring(top.indexOf("Commands:"));
    // An entry and its continuation lines, joined.
    Matcher entry = Pattern.compile("(?m)^  (\\S+)\\s+(.*(?:\\n {4,}.*)*)").matcher(list);
    List<String> names = new ArrayList<>();
    while (entry.find()) {
      names.add(entry.group(1));
      String text = entry.group(2).replaceAll("\\s+", " ").strip();
      assertThat(text).as(entry.group(1)).endsWith(".");
    }
    assertThat(names).contains("train", "lr-find", "evaluate", "serve", "bench", "report");
  }

  @Test
  void defaultsAreWrittenAsPeopleWriteNumbers() {
    String lrFind = everyHelp().get("mnistlab lr-find");
    assertThat(lrFind).contains("(default: 0.0001)", "(default: 10)").doesNotContain("E-4");
    for (String help : everyHelp().values()) {
      assertThat(help).doesNotContainPattern("\\d\\.\\dE-?\\d");
    }
  }

  @Test
  void firstSentenceStopsAtTheEndOfASentenceOnly() {
    assertThat(HelpLayout.firstSentence("Fetch (raw or .gz) files,\ne.g. 0.99. Then more."))
        .isEqualTo("Fetch (raw or .gz) files, e.g. 0.99.");
    assertThat(HelpLayout.firstSentence("Measure GFLOP/s. --against-pytorch too."))
        .isEqualTo("Measure GFLOP/s.");
  }
}
