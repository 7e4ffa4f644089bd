package dev.mnistlab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;

/** Checks shared by the tests of the report's images: PNG bytes that decode, with content. */
final class PngChecks {
  private PngChecks() {}

  static BufferedImage decode(byte[] png) throws Exception {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isPositive();
    assertThat(image.getHeight()).isPositive();
    return image;
  }

  static boolean hasSeveralColours(BufferedImage image) {
    int first = image.getRGB(0, 0);
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        if (image.getRGB(x, y) != first) {
          return true;
        }
      }
    }
    return false;
  }
}
