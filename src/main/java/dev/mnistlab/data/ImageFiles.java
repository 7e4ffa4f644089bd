package dev.mnistlab.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads pictures (PNG, JPEG, BMP, GIF) safely: the format is recognised from the bytes, not the
 * name, and the dimensions are read from the header and refused above {@link #MAX_PIXELS} before
 * anything is decoded, so a small file that claims a huge image (a decompression bomb) costs
 * nothing.
 */
public final class ImageFiles {
  /** Most pixels a picture may claim (64 megapixels, e.g. 8192×8192). */
  public static final long MAX_PIXELS = 64L * 1024 * 1024;

  private ImageFiles() {}

  /** A file or stream that is not a picture mnistlab reads, or is too large. */
  public static class NotAnImageException extends IllegalArgumentException {
    NotAnImageException(String message) {
      super(message);
    }
  }

  /**
   * Decodes the picture in {@code file}.
   *
   * @throws NotAnImageException naming the file when it is not a readable picture or too large
   */
  public static BufferedImage read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new NotAnImageException(file + ": no such file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw new NotAnImageException(file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  /**
   * Decodes a picture from {@code in}.
   *
   * @param name what to call the input in messages
   * @throws NotAnImageException naming the input when it is not a readable picture or too large
   */
  public static BufferedImage read(InputStream in, String name) {
    try (ImageInputStream stream = ImageIO.createImageInputStream(in)) {
      Iterator<ImageReader> readers = stream == null ? null : ImageIO.getImageReaders(stream);
      if (readers == null || !readers.hasNext()) {
        throw new NotAnImageException(name + ": not an image (PNG, JPEG, BMP or GIF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(stream, true, true);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width < 1 || height < 1 || width * height > MAX_PIXELS) {
          throw new NotAnImageException(
              String.format(
                  java.util.Locale.ROOT,
                  "%s: %d×%d pixels is more than the %,d this reads",
                  name,
                  width,
                  height,
                  MAX_PIXELS));
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (NotAnImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new NotAnImageException(name + ": not a readable image (" + e.getMessage() + ")");
    }
  }
}
