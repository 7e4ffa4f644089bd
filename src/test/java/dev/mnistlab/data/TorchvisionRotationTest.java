package dev.mnistlab.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * mnistlab's rotation against torchvision's: {@code torchvision-rotate.txt} holds what Debian's
 * torchvision 0.14 (PIL 9.4) printed for {@code F.rotate} of a fixed 28×28 pattern by several
 * angles with {@code fill=1} (PIL units), written by {@code torchvision_rotate.py} next to it.
 */
class TorchvisionRotationTest {
  private static final int SIDE = 28;

  /** One line of the fixture: an angle, an interpolation and the 784 pixels torchvision gave. */
  private record Expected(double degrees, Augmentation.Interpolation mode, int[] pixels) {}

  @Test
  void nearestRotationGivesTorchvisionsPixelsExactly() throws IOException {
    List<Expected> lines = fixture();
    assertThat(lines).extracting(Expected::mode).contains(Augmentation.Interpolation.NEAREST);
    for (Expected e : lines) {
      if (e.mode() != Augmentation.Interpolation.NEAREST) {
        continue;
      }
      assertThat(rotated(e)).as("%s°", e.degrees()).containsExactly(e.pixels());
    }
  }

  @Test
  void bilinearRotationIsTorchvisionsUpToRoundingWhereTheSourceIsInside() throws IOException {
    // Near the edges PIL repeats the border pixel where mnistlab blends in the fill; inside a disk
    // of radius 12 about the centre every rotation samples four pixels of the image, and there the
    // two agree up to rounding to whole pixel values.
    for (Expected e : fixture()) {
      if (e.mode() != Augmentation.Interpolation.BILINEAR) {
        continue;
      }
      int[] ours = rotated(e);
      int worst = 0;
      double centre = (SIDE - 1) / 2.0;
      for (int y = 0; y < SIDE; y++) {
        for (int x = 0; x < SIDE; x++) {
          if (Math.hypot(x - centre, y - centre) <= 12) {
            worst = Math.max(worst, Math.abs(ours[y * SIDE + x] - e.pixels()[y * SIDE + x]));
          }
        }
      }
      assertThat(worst)
          .as("%s°, largest difference inside the disk", e.degrees())
          .isLessThanOrEqualTo(1);
    }
  }

  private static int[] rotated(Expected e) {
    Augmentation rotation =
        new Augmentation(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, e.mode(), List.of());
    float[] out = rotation.affine(pattern(), SIDE, SIDE, e.degrees(), 0, 0, 1, 0);
    int[] pixels = new int[out.length];
    for (int i = 0; i < out.length; i++) {
      pixels[i] = Math.round(out[i]);
    }
    return pixels;
  }

  /** The pattern torchvision_rotate.py rotates. */
  static float[] pattern() {
    float[] img = new float[SIDE * SIDE];
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        img[y * SIDE + x] = (x * 7 + y * 13 + (x * y) % 17) % 256;
      }
    }
    return img;
  }

  private static List<Expected> fixture() throws IOException {
    List<Expected> out = new ArrayList<>();
    try (InputStream in =
        TorchvisionRotationTest.class.getResourceAsStream("torchvision-rotate.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.trim().split(" ");
        int[] pixels = new int[SIDE * SIDE];
        for (int i = 0; i < pixels.length; i++) {
          pixels[i] = Integer.parseInt(f[2 + i]);
        }
        out.add(
            new Expected(
                Double.parseDouble(f[0]),
                Augmentation.Interpolation.valueOf(f[1].toUpperCase(java.util.Locale.ROOT)),
                pixels));
      }
    }
    return out;
  }
}
