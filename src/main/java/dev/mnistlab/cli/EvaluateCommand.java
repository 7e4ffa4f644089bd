package dev.mnistlab.cli;

import dev.mnistlab.engine.Engines;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.run.RunEvaluation;
import dev.mnistlab.train.CheckpointModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mnistlab evaluate RUN_DIR}: score a trained run on a test split. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Score a run's trained model on the test split: accuracy, loss, per-class",
      "precision/recall/F1, confusion matrix, most confident mistakes. A directory of seed-N",
      "runs (train --seeds) gives one row per seed, then min/mean/std. A run still training or",
      "interrupted is scored as its last checkpoint holds it, and says where it stands."
    })
public class EvaluateCommand implements Callable<Integer> {
  private final Environment environment;

  @Mixin DataOptions data;
  @Mixin LoggingMixin logging;

  @Parameters(paramLabel = "RUN_DIR", description = "A run directory, or one of seed-N runs.")
  Path runDir;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  public EvaluateCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    Engines.start(0);
    RunEvaluation result =
        RunEvaluation.of(runDir, data.dataset, data.loader(environment), CheckpointModel::load);
    environment
        .out()
        .print(json ? Mappers.JSON.writeValueAsString(result) + "\n" : result.toText());
    return Main.OK;
  }
}
