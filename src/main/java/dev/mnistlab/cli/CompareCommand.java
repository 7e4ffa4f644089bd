package dev.mnistlab.cli;

import dev.mnistlab.report.Comparison;
import dev.mnistlab.text.Plain;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mnistlab compare RUN_DIR...}: several runs in one table and overlaid curves. */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = {
      "Compare runs: one table (model, trainable parameters, the recipe fields that differ,",
      "best and last-3-minimum test accuracy, training time) and their test accuracy and loss",
      "overlaid, written as compare.md, compare.html and PNG charts into --out; the table is",
      "printed too. A directory of seed-N runs (train --seeds) is one row: the mean over its",
      "seeds, the lowest seed in brackets, its curves the per-epoch mean. A directory of runs",
      "(compare runs/) compares every run in it, skipping what is not a run with a line; a run",
      "still training or interrupted is compared on the epochs it finished, and says so."
    })
public class CompareCommand implements Callable<Integer> {
  private final Environment environment;

  @Mixin LoggingMixin logging;

  @Parameters(
      paramLabel = "RUN_DIR",
      arity = "1..*",
      description = "Run directories, directories of seed-N runs, or directories holding either.")
  List<Path> runs;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where to write the comparison (default: runs/compare-<timestamp>).")
  Path out;

  public CompareCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    Path dir =
        out != null
            ? out
            : Path.of(
                "runs",
                "compare-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Comparison.Result result = Comparison.of(runs, dir);
    result.skipped().forEach(line -> environment.out().println("skipped " + line));
    environment.out().print(result.table().toText());
    if (result.entries().stream().anyMatch(e -> e.seeds().size() > 1)) {
      environment
          .out()
          .println(
              "seeds directories: mean over their seeds, the lowest seed in brackets; their"
                  + " curves are the per-epoch mean");
    }
    environment
        .out()
        .println("compare: wrote " + Plain.list(result.files()) + " and the charts beside them");
    return Main.OK;
  }
}
