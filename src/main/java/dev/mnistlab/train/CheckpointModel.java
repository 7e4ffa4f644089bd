package dev.mnistlab.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.pytorch.jni.JniUtils;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.engine.Convolutions;
import dev.mnistlab.eval.TrainedModel;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.text.UsageException;

/**
 * The network of an unfinished run as its last checkpoint holds it, so that {@code evaluate} can
 * score a run that is still training or was interrupted: the weights after its last complete epoch,
 * averaged where the recipe averages them (the weights each epoch tests and a complete run saves).
 */
public final class CheckpointModel {
  private CheckpointModel() {}

  /**
   * Loads the network of {@code run}'s checkpoint; close it when done.
   *
   * @throws UsageException when the run has no checkpoint yet
   * @throws dev.mnistlab.io.DamagedFileException when the checkpoint is damaged
   */
  public static TrainedModel load(RunDirectory run) {
    if (!run.hasCheckpoint()) {
      throw new UsageException(
          run + ": the run is " + run.status().describe() + ", with no checkpoint to evaluate yet");
    }
    Recipe recipe = run.readRecipe();
    // Inference runs on checked kernels, as for a complete run (once a process; see engine).
    Convolutions.choose();
    Model model = Model.newInstance(recipe.spec().name(), Device.cpu());
    try {
      // The checkpoint is written into the parameters in place: grad mode must be off here too.
      JniUtils.setGradMode(false);
      model.setBlock(BlockFactory.buildInitialized(recipe.spec(), model.getNDManager()));
      WeightAverage average =
          new WeightAverage(recipe.config().emaDecay(), model.getBlock(), model.getNDManager());
      Checkpoint.load(
          run.checkpointFile(),
          model.getBlock(),
          TorchOptimizer.of(recipe.config().optimizer()),
          average,
          model.getNDManager());
      // Left swapped in: the averaged weights are the run's network from now on.
      average.swapIn();
      return new TrainedModel(
          recipe.spec(), model, Dataset.parse(recipe.config().dataset()).normalization());
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }
}
