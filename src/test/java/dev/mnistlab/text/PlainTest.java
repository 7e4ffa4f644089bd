package dev.mnistlab.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Numbers as people write them: no float noise, no Java exponent notation. */
class PlainTest {
  @Test
  void ticksAndSettingsReadAsPeopleWriteThem() {
    assertThat(Plain.significant(0.1)).isEqualTo("0.1");
    assertThat(Plain.significant(0.01)).isEqualTo("0.01");
    assertThat(Plain.significant(1e-4)).isEqualTo("1e-4");
    assertThat(Plain.significant(2.5e-5)).isEqualTo("2.5e-5");
    assertThat(Plain.significant(0.138268590163136)).isEqualTo("0.1383");
    assertThat(Plain.significant(2.302605)).isEqualTo("2.303");
    assertThat(Plain.significant(0.1 + 0.2)).isEqualTo("0.3");
    assertThat(Plain.significant(15)).isEqualTo("15");
    assertThat(Plain.significant(99.4)).isEqualTo("99.4");
    assertThat(Plain.significant(0)).isEqualTo("0");
    assertThat(Plain.significant(-0.05)).isEqualTo("-0.05");
    assertThat(Plain.significant(3e6)).isEqualTo("3e6");
    assertThat(Plain.significant(60000)).isEqualTo("60000");
    assertThat(Plain.count(60000)).isEqualTo("60,000");
  }

  @Test
  void nothingFormatsTheJavaWay() {
    for (double v = 1e-9; v < 1e9; v *= 1.37) {
      String text = Plain.significant(v);
      String digits = text.replaceAll("e.*", "").replaceAll("[^0-9]", "").replaceAll("^0+|0+$", "");
      assertThat(text).doesNotContain("E");
      assertThat(digits).as(text).hasSizeLessThanOrEqualTo(4);
    }
  }
}
