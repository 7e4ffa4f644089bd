package dev.mnistlab.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  private static final List<String> ZOO =
      List.of("mnistlab/compact", "era-v2-s7/model4-final", "se-net/v2-gap", "se-net/v3-batchnorm");

  @Test
  void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
    assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    assertThat(Suggestions.distance("mnist", "mnist")).isZero();
  }

  @Test
  void theClosestNamesComeFirstAndFarOnesNotAtAll() {
    assertThat(Suggestions.closest("mnistlab/compat", ZOO, 3)).containsExactly("mnistlab/compact");
    // The name without its project, or a part of it, is close too.
    assertThat(Suggestions.closest("model4-finale", ZOO, 3))
        .containsExactly("era-v2-s7/model4-final");
    assertThat(Suggestions.closest("se-net", ZOO, 3))
        .containsExactly("se-net/v2-gap", "se-net/v3-batchnorm");
    assertThat(Suggestions.closest("resnet50", ZOO, 3)).isEmpty();
    assertThat(Suggestions.didYouMean("resnet50", ZOO)).isEmpty();
    assertThat(Suggestions.didYouMean("se-net", ZOO))
        .isEqualTo(" (did you mean se-net/v2-gap or se-net/v3-batchnorm?)");
  }
}
