package dev.mnistlab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Lays out every command's {@code --help} for a person reading it in a terminal: lines under 100
 * characters, wrapped only between words, and the command list showing each command's first whole
 * sentence.
 *
 * <p>picocli wraps where the JDK's line breaker allows, which includes after a dot or a slash
 * inside a word, so paths came out split ({@code ~/.} | {@code cache/mnistlab}, {@code config.} |
 * {@code yaml}); and its command list shows the first line of a description, often half a sentence.
 * So picocli renders each section unwrapped (a very wide usage width), and this class wraps the
 * result at spaces, indenting continuation lines as picocli does.
 */
final class HelpLayout {
  /** The longest line help prints. */
  static final int WIDTH = 99;

  /** Wide enough that picocli never wraps; {@link #wrap} does. */
  private static final int UNWRAPPED = 10_000;

  /**
   * A sentence ends at a dot after a word, before a capital, a digit or an option ("GFLOP/s.
   * --against-pytorch"); "e.g. 0.99", "i.e." and ".gz" go on.
   */
  private static final Pattern SENTENCE_END =
      Pattern.compile("(?<!\\be\\.g|\\bi\\.e|\\bcf|\\bvs)(?<=\\S)\\.(?=\\s+[\\p{Lu}\\d-])");

  /** Table rows: the text column starts after the first run of two or more spaces. */
  private static final Pattern ROW = Pattern.compile("^(\\s*\\S.*?\\s{2,})\\S");

  private HelpLayout() {}

  /** Installs the layout on {@code cli} and every subcommand below it. */
  static void apply(CommandLine cli) {
    cli.setUsageHelpWidth(UNWRAPPED);
    install(cli);
  }

  private static void install(CommandLine cli) {
    Map<String, CommandLine.IHelpSectionRenderer> sections = cli.getHelpSectionMap();
    sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, HelpLayout::commands);
    for (Map.Entry<String, CommandLine.IHelpSectionRenderer> e : sections.entrySet()) {
      CommandLine.IHelpSectionRenderer original = e.getValue();
      boolean synopsis = e.getKey().equals(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS);
      e.setValue(
          help -> {
            String text = original.render(help);
            if (!synopsis) {
              return wrap(text, -1);
            }
            // The heading ("Usage: ") is its own section but shares the synopsis's first line.
            String heading = help.synopsisHeading();
            int indent = (heading + help.commandSpec().qualifiedName() + " ").length();
            return wrap(heading + text, indent).substring(heading.length());
          });
    }
    cli.setHelpSectionMap(sections);
    for (CommandLine sub : cli.getSubcommands().values()) {
      install(sub);
    }
  }

  /** Each subcommand with the first sentence of its header or description. */
  private static String commands(CommandLine.Help help) {
    Map<String, CommandLine.Help> subcommands = help.subcommands();
    if (subcommands.isEmpty()) {
      return "";
    }
    int width = subcommands.keySet().stream().mapToInt(String::length).max().orElse(0);
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, CommandLine.Help> e : subcommands.entrySet()) {
      CommandSpec spec = e.getValue().commandSpec();
      if (spec.usageMessage().hidden()) {
        continue;
      }
      String[] header = spec.usageMessage().header();
      String text =
          String.join(" ", header.length > 0 ? header : spec.usageMessage().description());
      b.append(String.format("  %-" + width + "s  %s%n", e.getKey(), firstSentence(text)));
    }
    return b.toString();
  }

  /** The first sentence of {@code text}, its lines joined. */
  static String firstSentence(String text) {
    String joined = text.replaceAll("\\s+", " ").strip();
    Matcher m = SENTENCE_END.matcher(joined);
    return m.find() ? joined.substring(0, m.start() + 1) : joined;
  }

  /**
   * Wraps every line longer than {@link #WIDTH} at spaces. A continuation line is indented to
   * {@code indent} when it is not negative (the synopsis), else two more than the line's text
   * column (a table row: option or command, then text), else not at all (a paragraph).
   */
  static String wrap(String text, int indent) {
    StringBuilder b = new StringBuilder();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (i > 0) {
        b.append('\n');
      }
      if (line.length() <= WIDTH) {
        b.append(line);
        continue;
      }
      int continuation = indent;
      if (continuation < 0) {
        Matcher row = ROW.matcher(line);
        int leading = line.length() - line.stripLeading().length();
        if (leading == 0) {
          // A paragraph (a description): continued at the margin.
          continuation = 0;
        } else if (row.find() && row.end(1) < WIDTH / 2) {
          // An option or command and its text: continued under the text, two further in.
          continuation = row.end(1) + 2;
        } else {
          // The text of an option whose name filled its column, on a line of its own.
          continuation = leading + 2;
        }
      }
      b.append(String.join("\n", breakLine(line, continuation)));
    }
    return b.toString();
  }

  /** One line wrapped at spaces under {@link #WIDTH}, continued at column {@code continuation}. */
  static String wrapAt(String line, int continuation) {
    return String.join("\n", breakLine(line, continuation));
  }

  private static List<String> breakLine(String line, int continuation) {
    List<String> out = new ArrayList<>();
    String rest = line;
    String prefix = "";
    while ((prefix + rest).length() > WIDTH) {
      String candidate = prefix + rest;
      int cut = candidate.lastIndexOf(' ', WIDTH);
      if (cut <= prefix.length() || candidate.substring(prefix.length(), cut).isBlank()) {
        // One word longer than the line: leave it whole rather than split it.
        cut = candidate.indexOf(' ', WIDTH);
        if (cut < 0) {
          break;
        }
      }
      out.add(candidate.substring(0, cut).stripTrailing());
      rest = candidate.substring(cut).stripLeading();
      prefix = " ".repeat(continuation);
    }
    out.add(prefix + rest);
    return out;
  }
}
