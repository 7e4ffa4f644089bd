package dev.mnistlab.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.io.Mappers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigsTest {
  @TempDir Path tmp;

  @Test
  void aFileChangesOnlyWhatItNames() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("c.yaml"),
            "epochs: 20\nschedule:\n  max_lr: 0.3\naugment: {rotation: 10}\n");
    TrainConfig c = TrainConfigs.load(file);
    TrainConfig d = TrainConfig.defaults();
    assertThat(c.epochs()).isEqualTo(20);
    assertThat(c.schedule().maxLr()).isEqualTo(0.3);
    assertThat(c.schedule().pctStart()).isEqualTo(d.schedule().pctStart());
    assertThat(c.augment().rotation()).isEqualTo(10);
    assertThat(c.batchSize()).isEqualTo(d.batchSize());
    assertThat(c.model()).isEqualTo(d.model());
  }

  @Test
  void aTransformListReplacesOwnAugmentationAndOwnFieldsReplaceAList() throws Exception {
    Path list =
        Files.writeString(
            tmp.resolve("l.yaml"),
            "augment:\n  transforms:\n    - rotation: {degrees: 4, fill: 1}\n");
    TrainConfig c = TrainConfigs.load(list).validate();
    // The default recipe's ±7° rotation is not inherited under the list.
    assertThat(c.augment())
        .isEqualTo(
            dev.mnistlab.data.Augmentation.of(
                java.util.List.of(new dev.mnistlab.data.Transform.Rotation(4, 1, null))));
    TrainConfig own =
        TrainConfigs.override(c, Mappers.YAML.readTree("augment: {rotation: 5}"), "flags")
            .validate();
    assertThat(own.augment()).isEqualTo(dev.mnistlab.data.Augmentation.rotation(5));
    // What a run saves loads back: the list is written as maps, not YAML type tags.
    Path saved = Files.writeString(tmp.resolve("s.yaml"), Mappers.YAML.writeValueAsString(c));
    assertThat(Files.readString(saved)).contains("- rotation:").doesNotContain("!<");
    assertThat(TrainConfigs.load(saved)).isEqualTo(c);
    Path unknown =
        Files.writeString(
            tmp.resolve("x.yaml"), "augment:\n  transforms:\n    - spin: {degrees: 4}\n");
    assertThatThrownBy(() -> TrainConfigs.load(unknown))
        .hasMessageContaining("field 'augment.transforms[0]' must be a map naming one transform")
        .hasMessageContaining("rotation");
    Path range =
        Files.writeString(
            tmp.resolve("r.yaml"), "augment:\n  transforms:\n    - erasing: {p: 2}\n");
    assertThatThrownBy(() -> TrainConfigs.load(range))
        .hasMessage(range + ": erasing p must be in [0, 1], got 2");
    Path empty = Files.writeString(tmp.resolve("e.yaml"), "augment:\n  transforms:\n    -\n");
    assertThatThrownBy(() -> TrainConfigs.load(empty))
        .hasMessage(empty + ": augment: a transform in the list is empty");
    Path typo =
        Files.writeString(
            tmp.resolve("y.yaml"),
            "augment:\n  transforms:\n    - rotation: {degrees: 4, flil: 1}\n");
    assertThatThrownBy(() -> TrainConfigs.load(typo))
        .hasMessage(
            typo
                + ": unknown field 'augment.transforms[0].flil' (did you mean fill?) (known: degrees, fill,"
                + " interpolation)");
    Path std =
        Files.writeString(tmp.resolve("n.yaml"), "test_normalization: {mean: 0.1, std: 0}\n");
    assertThatThrownBy(() -> TrainConfigs.load(std))
        .hasMessage(
            std
                + ": normalization needs a finite mean and a positive deviation, got mean 0.1, std 0.0");
  }

  @Test
  void aYamlErrorNamesTheLineOfTheProblem() throws Exception {
    // The tab is on line 4; the token being scanned began on line 3.
    Path tab =
        Files.writeString(
            tmp.resolve("t.yaml"), "epochs: 3\nbatch_size: 64\noptimizer:\n\tlr: 0.1\n");
    assertThatThrownBy(() -> TrainConfigs.load(tab))
        .hasMessageStartingWith(tab + ":4: not valid YAML")
        .hasMessageContaining("TAB");
  }

  @Test
  void aFractionInAWholeNumberFieldIsRefusedNotTruncated() throws Exception {
    Path file = Files.writeString(tmp.resolve("f.yaml"), "batch_size: 12.7\n");
    assertThatThrownBy(() -> TrainConfigs.load(file))
        .hasMessageStartingWith(file + ": field 'batch_size' must be ")
        .hasMessageEndingWith(", got 12.7");
    Path whole = Files.writeString(tmp.resolve("w.yaml"), "batch_size: 64\nepochs: 3\n");
    assertThat(TrainConfigs.load(whole).batchSize()).isEqualTo(64);
  }

  @Test
  void nullResetsOnlyAFieldWhoseDefaultIsNull() throws Exception {
    TrainConfig seed003 =
        TrainConfigs.override(
            TrainConfig.defaults(),
            Mappers.YAML.readTree("test_normalization: {mean: 0.1325, std: 0.3104}"),
            "step 3");
    assertThat(seed003.testNormalization()).isNotNull();
    // A later step goes back to testing with the training normalization.
    TrainConfig reset =
        TrainConfigs.override(seed003, Mappers.YAML.readTree("test_normalization: null"), "fix");
    assertThat(reset.testNormalization()).isNull();
    assertThat(reset).isEqualTo(TrainConfig.defaults());
    // A field that must hold a value is not cleared by null.
    assertThatThrownBy(
            () ->
                TrainConfigs.override(
                    TrainConfig.defaults(), Mappers.YAML.readTree("optimizer: null"), "f"))
        .hasMessage("f: field 'optimizer' needs a value, got nothing (null)");
    // Nor an empty scalar (found by ParserFuzzTest#trainConfig: it reached validate() as null).
    assertThatThrownBy(
            () ->
                TrainConfigs.override(
                    TrainConfig.defaults(), Mappers.YAML.readTree("schedule: {type: }"), "f"))
        .hasMessage("f: field 'schedule.type' needs a value, got nothing (null)");
  }

  @Test
  void aSavedConfigurationLoadsBackEqual() throws Exception {
    TrainConfig d = TrainConfig.defaults();
    Path file = Files.writeString(tmp.resolve("saved.yaml"), Mappers.YAML.writeValueAsString(d));
    assertThat(TrainConfigs.load(file)).isEqualTo(d);
  }

  @Test
  void unknownAndIllTypedFieldsAreNamed() throws Exception {
    Path unknown = Files.writeString(tmp.resolve("u.yaml"), "schedule:\n  maxlr: 0.3\n");
    assertThatThrownBy(() -> TrainConfigs.load(unknown))
        .hasMessageStartingWith(
            unknown + ": unknown field 'schedule.maxlr' (did you mean max_lr?) (known: ")
        .hasMessageContaining("max_lr");
    Path typed = Files.writeString(tmp.resolve("t.yaml"), "epochs: many\n");
    assertThatThrownBy(() -> TrainConfigs.load(typed))
        .hasMessage(typed + ": field 'epochs' must be a whole number, got \"many\"");
    Path listed =
        Files.writeString(
            tmp.resolve("l.yaml"), "schedule: {type: multistep, milestones: [5, x]}\n");
    assertThatThrownBy(() -> TrainConfigs.load(listed))
        .hasMessage(listed + ": field 'schedule.milestones[1]' must be a whole number, got \"x\"");
    Path broken = Files.writeString(tmp.resolve("b.yaml"), "epochs: [1\n");
    // One line with the parser's own words, without the source excerpt and caret it quotes.
    assertThatThrownBy(() -> TrainConfigs.load(broken))
        .hasMessage(
            broken
                + ":1: not valid YAML (while parsing a flow sequence; expected ',' or ']', but got"
                + " <stream end>)");
  }

  @Test
  void shippedRecipesLoadAndValidate() {
    assertThat(TrainConfigs.shipped("default")).isEqualTo(TrainConfig.defaults());
    for (String name : TrainConfigs.RECIPES) {
      TrainConfig recipe = TrainConfigs.shipped(name).validate();
      assertThat(recipe.model()).isEqualTo(TrainConfig.defaults().model());
    }
    TrainConfig fast = TrainConfigs.shipped("fast");
    assertThat(List.of(fast.epochs(), fast.batchSize())).containsExactly(10, 256);
    assertThat(fast.schedule().maxLr()).isEqualTo(0.4);
    assertThat(fast.emaDecay()).isEqualTo(0.99);
    // What the file does not name stays the default recipe's.
    assertThat(fast.optimizer()).isEqualTo(TrainConfig.defaults().optimizer());
    assertThat(fast.augment()).isEqualTo(TrainConfig.defaults().augment());
    assertThatThrownBy(() -> TrainConfigs.shipped("quick"))
        .hasMessage("no recipe 'quick' (shipped: default, fast)");
  }

  @Test
  void badValuesAreWrittenAsTheyWereGiven() throws Exception {
    Path file = Files.writeString(tmp.resolve("lr.yaml"), "optimizer: {lr: -0.0001}\n");
    assertThatThrownBy(() -> TrainConfigs.load(file))
        .hasMessage(file + ": learning rate must be positive, got -0.0001");
  }

  @Test
  void interpolationIsNamedAsTorchvisionNamesIt() throws Exception {
    Path nearest =
        Files.writeString(tmp.resolve("nearest.yaml"), "augment: {interpolation: nearest}\n");
    assertThat(TrainConfigs.load(nearest).augment().interpolation())
        .isEqualTo(dev.mnistlab.data.Augmentation.Interpolation.NEAREST);
    // Configurations written before the field existed sampled bilinearly, and still do.
    assertThat(TrainConfig.defaults().augment().interpolation())
        .isEqualTo(dev.mnistlab.data.Augmentation.Interpolation.BILINEAR);
    Path cubic = Files.writeString(tmp.resolve("cubic.yaml"), "augment: {interpolation: cubic}\n");
    assertThatThrownBy(() -> TrainConfigs.load(cubic))
        .hasMessageContaining(
            "'augment.interpolation' must be one of bilinear, nearest, got \"cubic\"");
  }

  @Test
  void aSavedConfigurationHoldsOnlyTheFieldsItsScheduleAndOptimizerUse() throws Exception {
    TrainConfig step =
        TrainConfigs.override(
            TrainConfig.defaults(),
            Mappers.YAML.readTree(
                "optimizer: {type: adam, lr: 0.003}\nschedule: {type: step, step_size: 4}\n"),
            "test");
    String yaml = TrainConfigs.toYaml(step);
    assertThat(yaml)
        .contains("type: \"step\"", "step_size: 4", "gamma:")
        .doesNotContain("max_lr", "pct_start", "t_max", "nesterov");
    Path file = Files.writeString(tmp.resolve("saved.yaml"), yaml);
    assertThat(ConfigDiff.between(step, TrainConfigs.load(file)).isEmpty()).isTrue();
    assertThat(TrainConfigs.toYaml(TrainConfig.defaults()))
        .contains("max_lr", "nesterov")
        .doesNotContain("step_size", "t_max");
  }
}
