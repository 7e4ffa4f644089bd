package dev.mnistlab.data;

import dev.mnistlab.text.Reasons;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST format), raw or gzip-compressed. Every check failure names the file
 * and what is wrong; nothing partial is ever returned.
 */
public final class IdxReader {
  /** Magic number of an unsigned-byte tensor with 3 dimensions (images). */
  static final int IMAGES_MAGIC = 0x00000803;

  /** Magic number of an unsigned-byte tensor with 1 dimension (labels). */
  static final int LABELS_MAGIC = 0x00000801;

  /**
   * The largest IDX file read when no pinned size says otherwise: 256 MiB, five times MNIST's
   * training images.
   */
  public static final long MAX_BYTES = 256L << 20;

  private IdxReader() {}

  /** Images of one split: {@code count} images of {@code rows × cols} unsigned bytes, row-major. */
  public record Images(byte[] pixels, int count, int rows, int cols) {}

  /**
   * Reads {@code in} to its end, refusing it as soon as it passes {@code maxBytes}.
   *
   * @param verb what the stream does, for the message ("holds", "inflates to")
   * @throws DatasetFormatException naming {@code file} when there is more
   */
  static byte[] readBounded(Path file, InputStream in, long maxBytes, String verb)
      throws IOException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    if (bytes.length > maxBytes) {
      throw new DatasetFormatException(
          file,
          verb
              + " more than "
              + maxBytes
              + " bytes, the size of the file it should be; not a copy of it (delete it to fetch"
              + " it again)");
    }
    return bytes;
  }

  /** Reads an image file, checking magic number, dimensions and exact byte count. */
  public static Images readImages(Path file) {
    return parseImages(file, readAllBytes(file, MAX_BYTES));
  }

  /** Parses the uncompressed content of an image file; {@code file} only names it in errors. */
  public static Images parseImages(Path file, byte[] content) {
    ByteBuffer buf = ByteBuffer.wrap(content);
    header(file, buf, 16, IMAGES_MAGIC, "an image file");
    int count = buf.getInt();
    int rows = buf.getInt();
    int cols = buf.getInt();
    if (count <= 0 || rows <= 0 || cols <= 0) {
      throw new DatasetFormatException(
          file, "bad dimensions " + count + "×" + rows + "×" + cols + " in header");
    }
    long expected = 16L + (long) count * rows * cols;
    checkSize(file, buf.capacity(), expected);
    byte[] pixels = new byte[count * rows * cols];
    buf.get(pixels);
    return new Images(pixels, count, rows, cols);
  }

  /** Reads a label file, checking magic number, exact byte count and that labels are 0..9. */
  public static byte[] readLabels(Path file) {
    return parseLabels(file, readAllBytes(file, MAX_BYTES));
  }

  /** Parses the uncompressed content of a label file; {@code file} only names it in errors. */
  public static byte[] parseLabels(Path file, byte[] content) {
    ByteBuffer buf = ByteBuffer.wrap(content);
    header(file, buf, 8, LABELS_MAGIC, "a label file");
    int count = buf.getInt();
    if (count <= 0) {
      throw new DatasetFormatException(file, "bad label count " + count + " in header");
    }
    checkSize(file, buf.capacity(), 8L + count);
    byte[] labels = new byte[count];
    buf.get(labels);
    for (int i = 0; i < count; i++) {
      if (labels[i] < 0 || labels[i] > 9) {
        throw new DatasetFormatException(
            file, "label " + (labels[i] & 0xff) + " at index " + i + " is outside 0..9");
      }
    }
    return labels;
  }

  /**
   * Reads a file's bytes, decompressing it when it starts with the gzip signature, so that callers
   * and checksums see the same uncompressed content either way; never more than {@code maxBytes}: a
   * file that is, or inflates to, more is refused as soon as it passes the bound, before it can
   * exhaust memory (an 11 MB gzip bomb inflates to gigabytes).
   */
  public static byte[] readAllBytes(Path file, long maxBytes) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        try (InputStream gz = new GZIPInputStream(raw, 1 << 16)) {
          return readBounded(file, gz, maxBytes, "inflates to");
        } catch (IOException e) {
          throw new DatasetFormatException(file, "corrupt gzip data (" + e.getMessage() + ")");
        }
      }
      return readBounded(file, raw, maxBytes, "holds");
    } catch (DatasetFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new DataException(
          file + ": cannot read (" + Reasons.of(e, "input/output error") + ")", e);
    }
  }

  /** Checks the header is complete and starts with the expected magic number. */
  private static void header(Path file, ByteBuffer buf, int headerBytes, int magic, String kind) {
    if (buf.capacity() < headerBytes) {
      throw new DatasetFormatException(
          file,
          "truncated: "
              + buf.capacity()
              + " bytes, shorter than the "
              + headerBytes
              + "-byte header");
    }
    int actual = buf.getInt();
    if (actual != magic) {
      throw new DatasetFormatException(
          file,
          String.format("wrong magic number 0x%08x for %s (expected 0x%08x)", actual, kind, magic));
    }
  }

  private static void checkSize(Path file, long actual, long expected) {
    if (actual != expected) {
      throw new DatasetFormatException(
          file,
          (actual < expected ? "truncated: " : "trailing bytes: ")
              + actual
              + " bytes but the header promises "
              + expected);
    }
  }
}
