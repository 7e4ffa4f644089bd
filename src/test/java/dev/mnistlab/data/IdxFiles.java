package dev.mnistlab.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small synthetic IDX files for tests. */
final class IdxFiles {
  private IdxFiles() {}

  static byte[] images(int magic, int count, int rows, int cols, int pixelBytes) {
    ByteBuffer b = ByteBuffer.allocate(16 + pixelBytes);
    b.putInt(magic).putInt(count).putInt(rows).putInt(cols);
    for (int i = 0; i < pixelBytes; i++) {
      b.put((byte) (i * 7));
    }
    return b.array();
  }

  static byte[] images(int count, int rows, int cols) {
    return images(IdxReader.IMAGES_MAGIC, count, rows, cols, count * rows * cols);
  }

  static byte[] labels(int... values) {
    ByteBuffer b = ByteBuffer.allocate(8 + values.length);
    b.putInt(IdxReader.LABELS_MAGIC).putInt(values.length);
    for (int v : values) {
      b.put((byte) v);
    }
    return b.array();
  }

  static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    }
    return out.toByteArray();
  }

  static Path write(Path dir, String name, byte[] content) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, content);
    return file;
  }
}
