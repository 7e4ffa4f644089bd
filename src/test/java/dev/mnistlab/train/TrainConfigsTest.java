package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void aSavedConfigurationLoadsBackEqual() throws Exception {
    TrainConfig d = TrainConfig.defaults();
    Path file =
        Files.writeString(tmp.resolve("saved.yaml"), RunDirectory.YAML.writeValueAsString(d));
    assertThat(TrainConfigs.load(file)).isEqualTo(d);
  }

  @Test
  void unknownAndIllTypedFieldsAreNamed() throws Exception {
    Path unknown = Files.writeString(tmp.resolve("u.yaml"), "schedule:\n  maxlr: 0.3\n");
    assertThatThrownBy(() -> TrainConfigs.load(unknown))
        .hasMessageStartingWith(unknown + ": unknown field 'schedule.maxlr' (known: ")
        .hasMessageContaining("max_lr");
    Path typed = Files.writeString(tmp.resolve("t.yaml"), "epochs: many\n");
    assertThatThrownBy(() -> TrainConfigs.load(typed))
        .hasMessageStartingWith(typed + ": ")
        .hasMessageContaining("many");
    Path broken = Files.writeString(tmp.resolve("b.yaml"), "epochs: [1\n");
    assertThatThrownBy(() -> TrainConfigs.load(broken)).hasMessageContaining("not valid YAML");
  }

  @Test
  void shippedRecipesLoadAndValidate() {
    assertThat(TrainConfigs.recipe("default")).isEqualTo(TrainConfig.defaults());
    for (String name : TrainConfigs.RECIPES) {
      TrainConfig recipe = TrainConfigs.recipe(name).validate();
      assertThat(recipe.model()).isEqualTo(TrainConfig.defaults().model());
    }
    TrainConfig fast = TrainConfigs.recipe("fast");
    assertThat(List.of(fast.epochs(), fast.batchSize())).containsExactly(10, 256);
    assertThat(fast.schedule().maxLr()).isEqualTo(0.4);
    assertThat(fast.emaDecay()).isEqualTo(0.99);
    // What the file does not name stays the default recipe's.
    assertThat(fast.optimizer()).isEqualTo(TrainConfig.defaults().optimizer());
    assertThat(fast.augment()).isEqualTo(TrainConfig.defaults().augment());
    assertThatThrownBy(() -> TrainConfigs.recipe("quick"))
        .hasMessage("no recipe 'quick' (shipped: default, fast)");
  }
}
