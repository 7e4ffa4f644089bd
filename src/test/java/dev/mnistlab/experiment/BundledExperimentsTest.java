package dev.mnistlab.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.model.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped experiment files parse, name zoo models and carry the seeds' reported figures. */
class BundledExperimentsTest {
  @Test
  void everyShippedExperimentParsesAndEndsWithAReportedFinalStep() {
    Map<String, Experiment> shipped = ExperimentParser.bundled();
    assertThat(shipped.keySet())
        .containsExactly(
            "mnistlab", "mnist-cnn", "era-v2-s7", "drilldown", "three-step", "se-net", "records");
    for (Experiment e : shipped.values()) {
      for (Experiment.Step step : e.steps()) {
        assertThat(ModelZoo.resolve(step.config().model())).isNotNull();
        assertThat(step.config().epochs()).as(e.name() + " " + step.name()).isBetween(1, 20);
      }
      // mnistlab's own progressions have no author's step to fix.
      if (!e.name().equals("mnistlab") && !e.name().equals("records")) {
        assertEndsWithTheAuthorsFinalStepAndAFix(e);
      }
    }
    // mnistlab's last step is exactly `./mnistlab train` with no options.
    Experiment own = shipped.get("mnistlab");
    assertThat(own.steps().get(own.steps().size() - 1).config()).isEqualTo(TrainConfig.defaults());
  }

  /**
   * Every zoo entry that carries a recipe has a shipped experiment step that trains exactly it, so
   * `experiment run` can show the recipe holds.
   */
  @Test
  void everyZooRecipeIsAShippedExperimentStep() {
    List<Experiment.Step> allSteps =
        ExperimentParser.bundled().values().stream().flatMap(e -> e.steps().stream()).toList();
    int withRecipe = 0;
    for (var spec : ModelZoo.entries()) {
      if (!spec.hasRecipe()) {
        continue;
      }
      withRecipe++;
      TrainConfig zoo = TrainConfigs.startingPoint(spec.name(), spec);
      assertThat(allSteps)
          .as(spec.name())
          .anyMatch(
              step ->
                  step.config().model().equals(spec.name())
                      && step.recipe().differences(Recipe.of(zoo, spec)).isEmpty());
    }
    assertThat(withRecipe).isGreaterThanOrEqualTo(2);
  }

  /**
   * A seed progression's author's last step claims ≥ 99.4%, and mnistlab's fix after it trains the
   * same network with either the schedule alone changed or the default recipe (`./mnistlab train
   * --model NETWORK`), nothing in between.
   */
  private static void assertEndsWithTheAuthorsFinalStepAndAFix(Experiment e) {
    int n = e.steps().size();
    Experiment.Step author = e.steps().get(n - 2);
    Experiment.Step fix = e.steps().get(n - 1);
    assertThat(author.reported().bestTest()).as(e.name()).isGreaterThanOrEqualTo(99.4);
    assertThat(fix.name()).as(e.name()).endsWith("mnistlab's fix");
    assertThat(fix.reported()).as(e.name()).isEqualTo(Experiment.Reported.NONE);
    assertThat(fix.config().model()).isEqualTo(author.config().model());
    TrainConfig defaultsOnTheNetwork =
        TrainConfigs.override(
            TrainConfig.defaults(),
            Mappers.YAML.createObjectNode().put("model", fix.config().model()),
            "test");
    List<Recipe.Difference> fromAuthor = author.recipe().differences(fix.recipe());
    boolean scheduleOnly =
        !fromAuthor.isEmpty()
            && fromAuthor.stream().allMatch(d -> d.field().startsWith("schedule."));
    boolean defaultRecipe =
        Recipe.of(defaultsOnTheNetwork, fix.recipe().spec()).differences(fix.recipe()).isEmpty();
    assertThat(scheduleOnly || defaultRecipe)
        .as(e.name() + ": the fix changes " + fromAuthor)
        .isTrue();
  }

  @Test
  void aShippedNameWinsOverTheLauncherScriptOfTheSameName() {
    // Tests run in the project root, beside the ./mnistlab launcher.
    assertThat(Files.isRegularFile(Path.of("mnistlab"))).isTrue();
    assertThat(ExperimentParser.resolve("mnistlab").steps()).hasSize(4);
  }
}
