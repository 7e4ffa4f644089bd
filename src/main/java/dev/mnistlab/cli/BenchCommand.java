package dev.mnistlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mnistlab.bench.Bench;
import dev.mnistlab.bench.BenchTable;
import dev.mnistlab.bench.PytorchReference;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.text.UsageException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mnistlab bench}: speed on this machine, optionally beside PyTorch. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure speed on this machine with a fixed thread count: training throughput (first epoch",
      "left out), time to a test-accuracy target, inference, memory, achieved GFLOP/s.",
      "--against-pytorch runs the same models and recipe in PyTorch too (bench/pytorch_reference.py,",
      "seed-style and tuned), alternately in rounds, and prints medians and mnistlab ÷ PyTorch."
    })
public class BenchCommand implements Callable<Integer> {
  private final Environment environment;

  @Mixin DataOptions data;
  @Mixin LoggingMixin logging;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "2",
      description = "Intra-op threads of every engine (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "3",
      description = "Rounds of throughput and inference measurements (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--models",
      paramLabel = "MODEL",
      split = ",",
      defaultValue = ModelZoo.DEFAULT_MODEL + ",era-v2-s7/model4-final",
      description =
          "Models whose training throughput is measured; the first also gets time to target (default: ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(
      names = "--throughput-epochs",
      paramLabel = "N",
      defaultValue = "3",
      description = "Epochs per throughput run, the first left out (default: ${DEFAULT-VALUE}).")
  int throughputEpochs;

  @Option(
      names = "--throughput-images",
      paramLabel = "N",
      defaultValue = "20000",
      description = "Training images per throughput run (default: ${DEFAULT-VALUE}).")
  int throughputImages;

  @Option(
      names = "--target-rounds",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Full trainings to the target per engine; 0 skips time to target and inference (default: ${DEFAULT-VALUE}).")
  int targetRounds;

  @Option(
      names = "--target",
      paramLabel = "ACC",
      defaultValue = "99.40",
      description = "Test accuracy (%%) to reach (default: ${DEFAULT-VALUE}).")
  double target;

  @Option(
      names = "--consecutive",
      paramLabel = "N",
      defaultValue = "2",
      description = "Epochs in a row at the target (default: ${DEFAULT-VALUE}).")
  int consecutive;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The recipe to train with (default: mnistlab's default recipe).")
  Path config;

  @Option(
      names = "--target-recipe",
      defaultValue = "default",
      paramLabel = "NAME",
      description =
          "mnistlab's shipped recipe for its run to the target; the tuned PyTorch replica trains"
              + " with it too where it can, the seed-style one with --config's (default:"
              + " ${DEFAULT-VALUE}).")
  String targetRecipe;

  @Option(
      names = "--against-pytorch",
      description = "Also run the PyTorch replica, seed-style and tuned.")
  boolean againstPytorch;

  @Option(
      names = "--python",
      paramLabel = "PYTHON",
      defaultValue = "/usr/bin/python3",
      description = "Python with torch and torchvision (default: ${DEFAULT-VALUE}).")
  Path python;

  @Option(
      names = "--pytorch-script",
      paramLabel = "FILE",
      defaultValue = "bench/pytorch_reference.py",
      description = "The replica script (default: ${DEFAULT-VALUE}).")
  Path script;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write every round's figures as JSON.")
  Path json;

  public BenchCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    if (threads < 1 || threads > Runtime.getRuntime().availableProcessors() * 4) {
      throw new UsageException(
          "--threads must be in 1.."
              + Runtime.getRuntime().availableProcessors() * 4
              + ", got "
              + threads);
    }
    if (rounds < 1
        || throughputEpochs < 2
        || throughputImages < 1
        || targetRounds < 0
        || consecutive < 1) {
      throw new UsageException(
          "--rounds ≥ 1, --throughput-epochs ≥ 2, --throughput-images ≥ 1, --target-rounds ≥ 0 and --consecutive ≥ 1");
    }
    TrainConfig recipe = config != null ? TrainConfigs.load(config) : TrainConfig.defaults();
    models.forEach(ModelZoo::resolve); // every name checked before anything runs
    PytorchReference pytorch = null;
    if (againstPytorch) {
      pytorch = new PytorchReference(python, script);
      PytorchReference.checkReplicable(recipe);
    }
    Engines.start(threads);
    DataStore.Loaded loaded = data.loader(environment).apply(data.datasetOr(recipe.dataset()));
    Bench.Report report =
        Bench.run(
            new Bench.Options(
                threads,
                rounds,
                throughputEpochs,
                throughputImages,
                targetRounds,
                target,
                consecutive,
                recipe,
                TrainConfigs.shipped(targetRecipe),
                targetRecipe,
                models,
                pytorch),
            loaded,
            loaded.directory(),
            environment.err());
    environment.out().println(BenchTable.markdown(report));
    if (json != null) {
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(json.toFile(), report);
    }
    return Main.OK;
  }
}
