package dev.mnistlab.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Numbers as people write them: no float noise, no Java exponent notation. */
class NumbersTest {
  @Test
  void ticksAndSettingsReadAsPeopleWriteThem() {
    assertThat(Numbers.format(0.1)).isEqualTo("0.1");
    assertThat(Numbers.format(0.01)).isEqualTo("0.01");
    assertThat(Numbers.format(1e-4)).isEqualTo("1e-4");
    assertThat(Numbers.format(2.5e-5)).isEqualTo("2.5e-5");
    assertThat(Numbers.format(0.138268590163136)).isEqualTo("0.1383");
    assertThat(Numbers.format(2.302605)).isEqualTo("2.303");
    assertThat(Numbers.format(0.1 + 0.2)).isEqualTo("0.3");
    assertThat(Numbers.format(15)).isEqualTo("15");
    assertThat(Numbers.format(99.4)).isEqualTo("99.4");
    assertThat(Numbers.format(0)).isEqualTo("0");
    assertThat(Numbers.format(-0.05)).isEqualTo("-0.05");
    assertThat(Numbers.format(3e6)).isEqualTo("3e6");
    assertThat(Numbers.format(60000)).isEqualTo("60000");
    assertThat(Numbers.count(60000)).isEqualTo("60,000");
  }

  @Test
  void nothingFormatsTheJavaWay() {
    for (double v = 1e-9; v < 1e9; v *= 1.37) {
      String text = Numbers.format(v);
      String digits = text.replaceAll("e.*", "").replaceAll("[^0-9]", "").replaceAll("^0+|0+$", "");
      assertThat(text).doesNotContain("E");
      assertThat(digits).as(text).hasSizeLessThanOrEqualTo(4);
    }
  }
}
