package dev.mnistlab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  @Test
  void readsRawImages() throws Exception {
    Path file = IdxFiles.write(dir, "imgs", IdxFiles.images(3, 2, 4));
    IdxReader.Images images = IdxReader.readImages(file);
    assertThat(images.count()).isEqualTo(3);
    assertThat(images.rows()).isEqualTo(2);
    assertThat(images.cols()).isEqualTo(4);
    assertThat(images.pixels()).hasSize(24);
    assertThat(images.pixels()[1]).isEqualTo((byte) 7);
  }

  @Test
  void gzipAndRawGiveTheSameContent() throws Exception {
    byte[] raw = IdxFiles.images(2, 3, 3);
    Path gz = IdxFiles.write(dir, "imgs.gz", IdxFiles.gzip(raw));
    assertThat(IdxReader.readAllBytes(gz, IdxReader.MAX_BYTES)).isEqualTo(raw);
    assertThat(IdxReader.readImages(gz).count()).isEqualTo(2);
  }

  @Test
  void readsLabels() throws Exception {
    Path file = IdxFiles.write(dir, "labels", IdxFiles.labels(0, 9, 3));
    assertThat(IdxReader.readLabels(file)).containsExactly(0, 9, 3);
  }

  @Test
  void wrongMagicNamesTheFileAndBothNumbers() throws Exception {
    Path file = IdxFiles.write(dir, "imgs", IdxFiles.images(0x00000801, 1, 2, 2, 4));
    assertThatThrownBy(() -> IdxReader.readImages(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("wrong magic number 0x00000801")
        .hasMessageContaining("0x00000803");
  }

  @Test
  void labelFileReadAsImagesIsRejected() throws Exception {
    Path file = IdxFiles.write(dir, "labels", IdxFiles.labels(1, 2, 3, 4, 5, 6, 7, 8, 9));
    assertThatThrownBy(() -> IdxReader.readImages(file)).hasMessageContaining("wrong magic number");
  }

  @Test
  void truncatedBodyIsRejected() throws Exception {
    byte[] full = IdxFiles.images(4, 2, 2);
    Path file = IdxFiles.write(dir, "imgs", Arrays.copyOf(full, full.length - 3));
    assertThatThrownBy(() -> IdxReader.readImages(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("truncated: 29 bytes but the header promises 32");
  }

  @Test
  void truncatedHeaderIsRejected() throws Exception {
    Path file = IdxFiles.write(dir, "imgs", new byte[] {0, 0, 8, 3, 0});
    assertThatThrownBy(() -> IdxReader.readImages(file))
        .hasMessageContaining("shorter than the 16-byte header");
  }

  @Test
  void trailingBytesAreRejected() throws Exception {
    byte[] full = IdxFiles.labels(1, 2);
    Path file = IdxFiles.write(dir, "labels", Arrays.copyOf(full, full.length + 1));
    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .hasMessageContaining("trailing bytes: 11 bytes but the header promises 10");
  }

  @Test
  void labelOutsideZeroToNineIsRejectedWithItsIndex() throws Exception {
    Path file = IdxFiles.write(dir, "labels", IdxFiles.labels(3, 12, 4));
    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("label 12 at index 1 is outside 0..9");
  }

  @Test
  void corruptGzipIsRejected() throws Exception {
    byte[] gz = IdxFiles.gzip(IdxFiles.images(50, 4, 4));
    byte[] broken = Arrays.copyOf(gz, gz.length / 2);
    Path file = IdxFiles.write(dir, "imgs.gz", broken);
    assertThatThrownBy(() -> IdxReader.readImages(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("corrupt gzip data");
  }

  @Test
  void imageAndLabelCountsMustAgree() throws Exception {
    Path imagesPath = IdxFiles.write(dir, "imgs", IdxFiles.images(3, 2, 2));
    Path labelsPath = IdxFiles.write(dir, "labels", IdxFiles.labels(1, 2));
    IdxReader.Images images = IdxReader.readImages(imagesPath);
    byte[] labels = IdxReader.readLabels(labelsPath);
    assertThatThrownBy(() -> DataStore.pair(imagesPath, images, labelsPath, labels))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(labelsPath.toString())
        .hasMessageContaining("2 labels but imgs holds 3 images");
  }
}
