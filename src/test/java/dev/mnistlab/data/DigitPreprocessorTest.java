package dev.mnistlab.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.DigitPictures;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Preprocessing on synthetic pictures; accuracy on real digits is in DigitClassifierTest. */
class DigitPreprocessorTest {
  /** A 10×30 bar of ink at (x, y) on a w×h canvas of {@code paper}. */
  private static BufferedImage bar(int w, int h, int x, int y, Color paper, Color ink) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int j = 0; j < h; j++) {
      for (int i = 0; i < w; i++) {
        boolean inside = i >= x && i < x + 10 && j >= y && j < y + 30;
        image.setRGB(i, j, (inside ? ink : paper).getRGB());
      }
    }
    return image;
  }

  private static int[] box(float[] field) {
    int left = 28, right = -1, top = 28, bottom = -1;
    for (int p = 0; p < field.length; p++) {
      if (field[p] > 0.5f) {
        left = Math.min(left, p % 28);
        right = Math.max(right, p % 28);
        top = Math.min(top, p / 28);
        bottom = Math.max(bottom, p / 28);
      }
    }
    return new int[] {left, top, right - left + 1, bottom - top + 1};
  }

  @Test
  void darkInkOnLightPaperIsInvertedCroppedScaledAndCentred() {
    float[] dark =
        DigitPreprocessor.preprocess(bar(200, 120, 5, 7, Color.WHITE, Color.BLACK)).pixels();
    float[] light =
        DigitPreprocessor.preprocess(bar(90, 300, 70, 250, Color.BLACK, Color.WHITE)).pixels();
    // The longer side becomes 20 px, the aspect ratio stays (10×30 → 7×20), centred by mass.
    assertThat(box(dark)).containsExactly(11, 4, 7, 20);
    assertThat(light).containsExactly(dark);
    assertThat(dark[14 * 28 + 14]).isEqualTo(1f);
    assertThat(dark[0]).isZero();
  }

  @Test
  void colouredPaperBecomesBlackAndAlphaIsHonoured() {
    float[] plain =
        DigitPreprocessor.preprocess(bar(60, 60, 20, 10, Color.WHITE, Color.BLACK)).pixels();
    float[] coloured =
        DigitPreprocessor.preprocess(
                bar(60, 60, 20, 10, new Color(250, 230, 160), new Color(20, 30, 120)))
            .pixels();
    assertThat(coloured).containsExactly(plain);

    BufferedImage strokes = new BufferedImage(60, 60, BufferedImage.TYPE_INT_ARGB);
    BufferedImage light = new BufferedImage(60, 60, BufferedImage.TYPE_INT_ARGB);
    for (int y = 10; y < 40; y++) {
      for (int x = 20; x < 30; x++) {
        strokes.setRGB(x, y, 0xFF000000); // opaque black on transparent
        light.setRGB(x, y, 0xFFFFFFFF); // opaque white on transparent
      }
    }
    assertThat(DigitPreprocessor.preprocess(strokes).pixels()).containsExactly(plain);
    assertThat(DigitPreprocessor.preprocess(light).pixels()).containsExactly(plain);
  }

  @Test
  void colourPicturesReadFromTheirRasterGiveWhatGetRgbGives() throws java.io.IOException {
    java.util.Random random = new java.util.Random(3);
    List<BufferedImage> pictures = new java.util.ArrayList<>();
    for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR}) {
      BufferedImage picture = new BufferedImage(37, 23, type);
      for (int y = 0; y < 23; y++) {
        for (int x = 0; x < 37; x++) {
          picture.setRGB(x, y, random.nextInt());
        }
      }
      pictures.add(picture);
      // As ImageIO decodes PNGs: its own interleaved RGB and RGBA layouts.
      pictures.add(
          javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(DigitPictures.png(picture))));
    }
    for (BufferedImage picture : pictures) {
      BufferedImage viaGetRgb =
          new BufferedImage(picture.getWidth(), picture.getHeight(), BufferedImage.TYPE_INT_ARGB);
      int[] argb = picture.getRGB(0, 0, 37, 23, null, 0, 37);
      viaGetRgb.setRGB(0, 0, 37, 23, argb, 0, 37);
      assertThat(DigitPreprocessor.grey(picture))
          .as("%s", picture)
          .containsExactly(DigitPreprocessor.grey(viaGetRgb));
    }
  }

  @Test
  void blankPicturesAreSaidToBeBlank() {
    BufferedImage white = bar(50, 50, 0, 0, Color.WHITE, Color.WHITE);
    DigitPreprocessor.Result r = DigitPreprocessor.preprocess(white);
    assertThat(r.blank()).isTrue();
    assertThat(r.pixels()).hasSize(784).containsOnly(0f);
    assertThat(
            DigitPreprocessor.preprocess(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB))
                .blank())
        .isTrue();
  }

  @Test
  void aPreparedDigitKeepsItsBoxAndCentreWhenPreparedAgain() {
    BufferedImage digit = DigitPictures.typed(3, java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 90);
    float[] once = DigitPreprocessor.preprocess(digit).pixels();
    BufferedImage asMnist = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int p = 0; p < 784; p++) {
      asMnist.getRaster().setSample(p % 28, p / 28, 0, Math.round(255 * once[p]));
    }
    float[] again = DigitPreprocessor.preprocess(asMnist).pixels();
    int[] a = box(once);
    int[] b = box(again);
    for (int k = 0; k < 4; k++) {
      assertThat(b[k]).isCloseTo(a[k], org.assertj.core.data.Offset.offset(1));
    }
    assertThat(Math.max(a[2], a[3])).isBetween(19, 20);
    double[] ca = centre(once);
    double[] cb = centre(again);
    assertThat(ca[0]).isCloseTo(13.5, org.assertj.core.data.Offset.offset(0.75));
    assertThat(ca[1]).isCloseTo(13.5, org.assertj.core.data.Offset.offset(0.75));
    assertThat(cb[0]).isCloseTo(13.5, org.assertj.core.data.Offset.offset(0.75));
    assertThat(cb[1]).isCloseTo(13.5, org.assertj.core.data.Offset.offset(0.75));
  }

  private static double[] centre(float[] field) {
    double mass = 0, x = 0, y = 0;
    for (int p = 0; p < field.length; p++) {
      mass += field[p];
      x += field[p] * (p % 28);
      y += field[p] * (p / 28);
    }
    return new double[] {x / mass, y / mass};
  }
}
