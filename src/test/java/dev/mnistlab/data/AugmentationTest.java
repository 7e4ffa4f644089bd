package dev.mnistlab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {
  private static final Augmentation NONE = Augmentation.NONE;

  private static byte[] image(int value) {
    byte[] img = new byte[28 * 28];
    Arrays.fill(img, (byte) value);
    return img;
  }

  private static float[] apply(Augmentation a, byte[] img, long seed) {
    float[] out = new float[img.length];
    a.apply(img, 0, 28, 28, out, 0, new SplittableRandom(seed));
    return out;
  }

  private static Augmentation with(String field, double value) {
    double[] v = new double[12];
    int i =
        Arrays.asList(
                "rotation",
                "translate",
                "scale",
                "shear",
                "crop_scale",
                "elastic_alpha",
                "elastic_sigma",
                "brightness",
                "contrast",
                "cutout_holes",
                "cutout_size",
                "fill")
            .indexOf(field);
    v[i] = value;
    return new Augmentation(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], (int) v[9], (int) v[10], v[11]);
  }

  @Test
  void noneCopiesThePixels() {
    byte[] img = new byte[784];
    for (int i = 0; i < img.length; i++) {
      img[i] = (byte) (i % 251);
    }
    float[] out = apply(NONE, img, 1);
    for (int i = 0; i < img.length; i++) {
      assertThat(out[i]).isEqualTo(img[i] & 0xff);
    }
    assertThat(NONE.isIdentity()).isTrue();
    assertThat(Augmentation.rotation(7).isIdentity()).isFalse();
  }

  @Test
  void theSameSeedGivesTheSameImage() {
    Augmentation all = new Augmentation(15, 2, 0.1, 10, 0.8, 2, 3, 0.2, 0.2, 2, 6, 0);
    byte[] img = image(0);
    for (int i = 300; i < 500; i++) {
      img[i] = (byte) 255;
    }
    assertThat(apply(all, img, 7)).isEqualTo(apply(all, img, 7));
    assertThat(apply(all, img, 7)).isNotEqualTo(apply(all, img, 8));
  }

  @Test
  void geometryFillsUncoveredPixelsWithTheFillValue() {
    // A white image shifted by up to 5 px: the uncovered border takes the fill value (0), the
    // centre stays white.
    float[] out = apply(with("translate", 5), image(255), 3);
    assertThat(out[14 * 28 + 14]).isEqualTo(255f);
    long dark = 0;
    for (float v : out) {
      dark += v < 1 ? 1 : 0;
    }
    assertThat(dark).isPositive();
  }

  @Test
  void brightnessScalesAUniformImageUniformly() {
    float[] out = apply(with("brightness", 0.5), image(100), 5);
    assertThat(out[0]).isBetween(50f, 150f);
    for (float v : out) {
      assertThat(v).isEqualTo(out[0]);
    }
  }

  @Test
  void cutoutBlanksAtMostItsHoles() {
    Augmentation cutout = new Augmentation(0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 6, 0);
    float[] out = apply(cutout, image(255), 11);
    long holes = 0;
    for (float v : out) {
      holes += v == 0 ? 1 : 0;
    }
    assertThat(holes).isPositive().isLessThanOrEqualTo(2 * 36);
  }

  @Test
  void invalidRangesAreNamed() {
    assertThatThrownBy(() -> with("rotation", 200).validate())
        .hasMessage("rotation must be in [0, 180] degrees, got 200");
    assertThatThrownBy(() -> with("cutout_holes", 1).validate())
        .hasMessageStartingWith("cutout_size must be in [1, 28]");
    assertThatThrownBy(() -> with("elastic_alpha", 3).validate())
        .hasMessageStartingWith("elastic_sigma must be at least 0.5");
  }

  @Test
  void gridHasARowPerDigitAndAColumnPerVariant() {
    byte[] pixels = new byte[3 * 784];
    Split split = new Split(pixels, new byte[] {1, 2, 3}, 3, 28, 28);
    BufferedImage grid = AugmentationGrid.render(split, Augmentation.rotation(10), 2, 4, 3, 1);
    assertThat(grid.getWidth()).isEqualTo(5 * 29 * 3 + 3);
    // The cells, a header naming the original column and one caption line naming the settings.
    assertThat(grid.getHeight())
        .isEqualTo(AugmentationGrid.HEADER + 2 * 29 * 3 + 3 + AugmentationGrid.LINE + 6);
  }

  @Test
  void gridCaptionNamesTheSettingsForPeople() {
    assertThat(AugmentationGrid.describe(Augmentation.rotation(7))).isEqualTo("rotation ±7°");
    assertThat(AugmentationGrid.describe(Augmentation.NONE)).isEqualTo("none");
    assertThat(AugmentationGrid.describe(with("scale", 0.1))).isEqualTo("scale ×[0.9, 1.1]");
  }
}
