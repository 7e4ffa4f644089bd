package dev.mnistlab.cli;

import dev.mnistlab.data.DataStore;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.train.Engines;
import dev.mnistlab.train.RunResult;
import dev.mnistlab.train.TrainConfig;
import dev.mnistlab.train.Training;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mnistlab train}: trains a model and writes a run directory. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a model and write a run directory (metrics.json, config.yaml, model.yaml, weights).",
      "With no options: the default compact model on MNIST, 15 epochs, OneCycle, seed 1."
    })
public class TrainCommand implements Callable<Integer> {
  private final Environment environment;

  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin DataOptions data;
  @Mixin LoggingMixin logging;

  @Option(
      names = "--model",
      paramLabel = "NAME|FILE",
      description = "Zoo name or spec file (default: ${DEFAULT-VALUE}).")
  String model = ModelZoo.DEFAULT_MODEL;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: 15).")
  Integer epochs;

  @Option(names = "--batch-size", paramLabel = "N", description = "Images per step (default: 128).")
  Integer batchSize;

  @Option(names = "--seed", paramLabel = "N", description = "Random seed (default: 1).")
  Long seed;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Train on the first N images only (default: all).")
  Integer limit;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Engine threads (default: engine's choice).")
  Integer threads;

  @Option(
      names = "--max-lr",
      paramLabel = "LR",
      description = "OneCycle peak learning rate (default: 0.2).")
  Double maxLr;

  @Option(
      names = "--rotation",
      paramLabel = "DEG",
      description = "Random rotation ±DEG degrees (default: 7).")
  Double rotation;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Run directory (default: runs/<timestamp>-<model>).")
  Path out;

  public TrainCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    TrainConfig config = resolveConfig();
    ModelSpec modelSpec = ModelZoo.resolve(config.model());
    Engines.start(config.threads());
    DataStore.Loaded loaded = environment.dataStore().load(data.dataset, data.dataDir);
    Path runDir = out != null ? out : defaultRunDir(modelSpec.name());
    ConsoleObserver console = new ConsoleObserver(environment.out(), System.console() != null);
    console.header(modelSpec, config, loaded, runDir);
    RunResult result = Training.run(config, modelSpec, loaded, runDir, console);
    console.summary(result);
    return Main.OK;
  }

  /** Defaults, then each flag the user gave; invalid values are usage errors. */
  TrainConfig resolveConfig() {
    TrainConfig d = TrainConfig.defaults();
    TrainConfig.Schedule s = d.schedule();
    TrainConfig.Augment a = d.augment();
    TrainConfig config =
        new TrainConfig(
            model,
            data.dataset.id(),
            epochs != null ? epochs : d.epochs(),
            batchSize != null ? batchSize : d.batchSize(),
            seed != null ? seed : d.seed(),
            limit != null ? limit : d.limit(),
            threads != null ? threads : d.threads(),
            d.optimizer(),
            new TrainConfig.Schedule(
                s.type(),
                maxLr != null ? maxLr : s.maxLr(),
                s.pctStart(),
                s.divFactor(),
                s.finalDivFactor(),
                s.stepSize(),
                s.gamma()),
            new TrainConfig.Augment(rotation != null ? rotation : a.rotation(), a.translate()));
    try {
      return config.validate();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private static Path defaultRunDir(String modelName) {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return Path.of("runs", stamp + "-" + modelName.replaceAll("[^A-Za-z0-9._-]", "-"));
  }
}
