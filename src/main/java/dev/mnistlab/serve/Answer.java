package dev.mnistlab.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mnistlab.DigitClassifier;
import dev.mnistlab.data.DigitPreprocessor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * One prediction as {@code POST /api/predict} answers it.
 *
 * @param name the uploaded file's name (multipart requests), else absent
 * @param digit the most probable digit; null for a blank picture, which shows no digit (as {@code
 *     mnistlab predict} says), so a client reading only this field is not misled
 * @param probability its probability; null for a blank picture
 * @param probabilities the 10 class probabilities
 * @param blank true when the picture held no ink (the digit then means nothing)
 * @param image the 28×28 grey picture the network saw, white ink on black, as base64 PNG (only when
 *     asked for with {@code ?image=1})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Answer(
    String name,
    @JsonInclude(JsonInclude.Include.ALWAYS) Integer digit,
    @JsonInclude(JsonInclude.Include.ALWAYS) Float probability,
    float[] probabilities,
    boolean blank,
    String image) {

  static Answer of(String name, DigitClassifier.Prediction p, boolean withImage) {
    return new Answer(
        name,
        p.blank() ? null : p.digit(),
        p.blank() ? null : p.probability(),
        p.probabilities(),
        p.blank(),
        withImage ? pngBase64(p.input()) : null);
  }

  /** The network's 28×28 input (pixels in [0, 1]) as a base64 grey PNG. */
  static String pngBase64(float[] pixels) {
    int size = DigitPreprocessor.SIZE;
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    for (int p = 0; p < pixels.length; p++) {
      image.getRaster().setSample(p % size, p / size, 0, Math.round(pixels[p] * 255));
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream(1024);
    try {
      ImageIO.write(image, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory
    }
    return Base64.getEncoder().encodeToString(png.toByteArray());
  }
}
