package dev.mnistlab.data;

import dev.mnistlab.text.UsageException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

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

  /** Why a file or stream was refused. */
  public enum Refusal {
    /** Missing, or its bytes are no picture format mnistlab reads. */
    NOT_AN_IMAGE,
    /** A picture whose header claims more pixels than allowed (checked before decoding). */
    TOO_LARGE,
    /** A known format whose data is damaged or truncated. */
    DAMAGED
  }

  /** A file or stream that is not a picture mnistlab reads, or is too large. */
  public static class NotAnImageException extends IllegalArgumentException {
    private final Refusal refusal;

    NotAnImageException(Refusal refusal, String message) {
      super(message);
      this.refusal = refusal;
    }

    /** Why the input was refused. */
    public Refusal refusal() {
      return refusal;
    }
  }

  /**
   * Decodes the picture in {@code file}.
   *
   * @throws NotAnImageException naming the file when it is not a readable picture or too large
   */
  public static BufferedImage read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new NotAnImageException(Refusal.NOT_AN_IMAGE, file + ": no such file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), MAX_PIXELS);
    } catch (IOException e) {
      throw new NotAnImageException(
          Refusal.NOT_AN_IMAGE, file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  /**
   * Decodes a picture from {@code in}.
   *
   * @param name what to call the input in messages
   * @param maxPixels most pixels (width × height) the header may claim, at most {@link #MAX_PIXELS}
   * @throws NotAnImageException naming the input when it is not a readable picture or too large
   */
  public static BufferedImage read(InputStream in, String name, long maxPixels) {
    if (maxPixels < 1 || maxPixels > MAX_PIXELS) {
      throw new UsageException("maxPixels must be in 1.." + MAX_PIXELS + ", got " + maxPixels);
    }
    // Buffered in memory, not in a temporary file as ImageIO's default cache would (a server reads
    // many pictures at once; the input is already bounded by the caller).
    try (ImageInputStream stream = new MemoryCacheImageInputStream(in)) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
      if (!readers.hasNext()) {
        throw new NotAnImageException(
            Refusal.NOT_AN_IMAGE, name + ": not an image (PNG, JPEG, BMP or GIF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(stream, true, true);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width < 1 || height < 1) {
          throw new NotAnImageException(
              Refusal.DAMAGED, name + ": the header claims " + width + "×" + height + " pixels");
        }
        if (width * height > maxPixels) {
          throw new NotAnImageException(
              Refusal.TOO_LARGE,
              String.format(
                  java.util.Locale.ROOT,
                  "%s: %d×%d pixels is more than the %,d this reads",
                  name,
                  width,
                  height,
                  maxPixels));
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (NotAnImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new NotAnImageException(
          Refusal.DAMAGED, name + ": not a readable image (" + e.getMessage() + ")");
    }
  }
}
