package dev.mnistlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.config.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Where a training configuration comes from: defaults ← the model's recipe ← file ← flags. */
class RecipeOptionsTest {
  private static final String SPEC =
      """
      name: with-recipe
      recipe:
        epochs: 7
        batch_size: 64
        schedule: {type: step, step_size: 3, gamma: 0.5}
      layers:
        - conv: {out: 10, kernel: 28}
      """;

  @TempDir Path tmp;

  private TrainConfig resolve(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "train";
    System.arraycopy(args, 0, all, 1, args.length);
    CommandLine line =
        Main.commandLine(Environment.system())
            .parseArgs(all)
            .subcommand()
            .commandSpec()
            .commandLine();
    TrainCommand train = line.getCommand();
    return train.recipe.resolve(train.data, line).config();
  }

  private Path spec(String text) throws Exception {
    return Files.writeString(tmp.resolve("spec.yaml"), text);
  }

  @Test
  void aModelsOwnRecipeIsWhereTrainStarts() throws Exception {
    Path spec = spec(SPEC);
    TrainConfig config = resolve("--model", spec.toString());
    assertThat(config.model()).isEqualTo(spec.toString());
    assertThat(config.epochs()).isEqualTo(7);
    assertThat(config.batchSize()).isEqualTo(64);
    assertThat(config.schedule().type()).isEqualTo("step");
    assertThat(config.schedule().gamma()).isEqualTo(0.5);
    // Fields the recipe does not name keep the defaults.
    assertThat(config.optimizer()).isEqualTo(TrainConfig.defaults().optimizer());
    assertThat(config.augment()).isEqualTo(TrainConfig.defaults().augment());
  }

  @Test
  void aConfigurationFileAndFlagsOverrideTheModelsRecipeFieldByField() throws Exception {
    Path spec = spec(SPEC);
    Path file = Files.writeString(tmp.resolve("c.yaml"), "batch_size: 32\n");
    TrainConfig config =
        resolve("--model", spec.toString(), "--config", file.toString(), "--epochs", "3");
    assertThat(config.epochs()).isEqualTo(3);
    assertThat(config.batchSize()).isEqualTo(32);
    assertThat(config.schedule().type()).isEqualTo("step");

    // A configuration file that names the model brings the model's recipe along.
    Path naming = Files.writeString(tmp.resolve("n.yaml"), "model: " + spec + "\n");
    assertThat(resolve("--config", naming.toString()).epochs()).isEqualTo(7);
  }

  @Test
  void everyFieldOfAConfigurationFileIsKept() throws Exception {
    // Found by the experiment-as-jobs test: test_normalization was dropped on the way.
    Path file =
        Files.writeString(
            tmp.resolve("t.yaml"), "test_normalization: {mean: 0.1325, std: 0.3104}\n");
    assertThat(resolve("--config", file.toString()).testNormalization())
        .isEqualTo(new dev.mnistlab.data.Normalization(0.1325f, 0.3104f));
  }

  @Test
  void aShippedRecipeReplacesTheModelsOwn() throws Exception {
    Path spec = spec(SPEC);
    TrainConfig config = resolve("--model", spec.toString(), "--recipe", "fast");
    assertThat(config.epochs()).isEqualTo(10);
    assertThat(config.schedule().type()).isEqualTo("onecycle");
  }

  @Test
  void aModelWithoutARecipeTrainsWithTheDefaults() {
    TrainConfig config = resolve("--model", "era-v2-s7/model4-final");
    assertThat(config).isEqualTo(TrainConfig.defaults().withModel("era-v2-s7/model4-final"));
  }

  @Test
  void aBadRecipeIsRefusedNamingTheSpec() throws Exception {
    Path spec = spec(SPEC.replace("epochs: 7", "epochs: many"));
    assertThatThrownBy(() -> resolve("--model", spec.toString()))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining(spec + " (its recipe)")
        .hasMessageContaining("field 'epochs' must be");
  }

  @Test
  void theOptimizerAndScheduleFlagsOverrideTheRecipeInAnyCase() {
    TrainConfig config =
        resolve(
            "--optimizer",
            "Adam",
            "--lr",
            "0.003",
            "--weight-decay",
            "0",
            "--schedule",
            "Step",
            "--step-size",
            "4",
            "--gamma",
            "0.5",
            "--momentum",
            "0.85");
    assertThat(config.optimizer().type()).isEqualTo("adam");
    assertThat(config.optimizer().lr()).isEqualTo(0.003);
    assertThat(config.optimizer().momentum()).isEqualTo(0.85);
    assertThat(config.optimizer().weightDecay()).isZero();
    assertThat(config.schedule().type()).isEqualTo("step");
    assertThat(config.schedule().stepSize()).isEqualTo(4);
    assertThat(config.schedule().gamma()).isEqualTo(0.5);
    assertThat(resolve("--schedule", "cosine", "--t-max", "10").schedule().tMax()).isEqualTo(10);
  }

  @Test
  void aFlagTheScheduleDoesNotReadIsRefusedWithTheReason() {
    assertThatThrownBy(() -> resolve("--lr", "0.05"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--lr sets where the other schedules start, but OneCycle runs from");
    assertThatThrownBy(() -> resolve("--schedule", "cosine", "--max-lr", "0.1"))
        .hasMessageContaining(
            "the schedule is 'cosine', which has no peak; set its starting rate" + " with --lr");
    assertThatThrownBy(() -> resolve("--schedule", "cosine", "--step-size", "3"))
        .hasMessage(
            "--step-size is not read by the 'cosine' schedule, which reads eta_min and t_max");
    assertThatThrownBy(() -> resolve("--optimizer", "adma"))
        .hasMessageContaining("optimizer must be sgd, adam or adamw, got 'adma'")
        .hasMessageContaining("did you mean adam");
    assertThatThrownBy(() -> resolve("--schedule", "cosin"))
        .hasMessageContaining("cosin")
        .hasMessageContaining("did you mean cosine");
  }
}
