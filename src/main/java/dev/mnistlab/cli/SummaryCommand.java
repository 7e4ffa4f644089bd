package dev.mnistlab.cli;

import dev.mnistlab.engine.Engines;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.model.ModelSummary;
import dev.mnistlab.model.ModelZoo;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mnistlab summary MODEL}: the per-layer table of a zoo model or spec file. */
@Command(
    name = "summary",
    mixinStandardHelpOptions = true,
    description = {
      "Describe a model layer by layer: output shape, trainable and non-trainable parameters,",
      "receptive field and jump, multiply-accumulates; totals and activation memory per image."
    })
public class SummaryCommand implements Callable<Integer> {
  private final Environment environment;

  @Mixin LoggingMixin logging;

  @Parameters(paramLabel = "MODEL", description = "Zoo name or spec file.")
  String model;

  @ArgGroup(exclusive = true)
  Format format = new Format();

  static class Format {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--markdown", description = "Print a Markdown table, ready for a README.")
    boolean markdown;
  }

  public SummaryCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    var spec = ModelZoo.resolve(model);
    Engines.start(1);
    ModelSummary summary = ModelSummary.of(spec);
    if (format.json) {
      environment.out().println(Mappers.JSON.writeValueAsString(summary));
    } else if (format.markdown) {
      environment.out().print(summary.toMarkdown());
    } else {
      environment.out().print(summary.toText());
      if (spec.hasRecipe()) {
        // The fields that differ from the default recipe; `train --model` starts from them.
        environment.out().println();
        environment
            .out()
            .println("Its recipe (`./mnistlab train --model " + model + "` trains with it):");
        spec.recipe().lines().forEach(line -> environment.out().println("  " + line));
      }
    }
    return Main.OK;
  }
}
