package dev.mnistlab.cli;

import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.model.ParameterCount;
import dev.mnistlab.train.Engines;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mnistlab models}: the zoo with trainable parameter counts. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "List the model zoo: name, trainable parameters, description.")
public class ModelsCommand implements Callable<Integer> {
  private final Environment environment;

  @Mixin LoggingMixin logging;

  public ModelsCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    Engines.start(1);
    for (ModelSpec spec : ModelZoo.entries()) {
      environment
          .out()
          .printf(
              "%-34s %9d  %s%n",
              spec.name(), ParameterCount.of(spec).trainable(), spec.description());
    }
    return Main.OK;
  }
}
