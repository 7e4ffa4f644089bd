package dev.mnistlab.serve;

import dev.mnistlab.DigitClassifier;
import dev.mnistlab.DigitPictures;
import dev.mnistlab.TrainedRuns;
import dev.mnistlab.bench.ServeLoad;
import dev.mnistlab.data.Split;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/** The suite's trained model and pictures to send it, shared by the server's tests. */
final class ServedModel {
  private static DigitClassifier classifier;

  private ServedModel() {}

  /** The suite's trained run, loaded once per test JVM and shared (it is thread-safe). */
  static synchronized DigitClassifier classifier() {
    if (classifier == null) {
      classifier = DigitClassifier.load(TrainedRuns.mnist().runDir());
    }
    return classifier;
  }

  /**
   * {@code n} MNIST test digits as PNG files, drawn dark on light paper and scaled up as photos
   * would be, each one the model reads correctly through the Java API (so a server must too).
   */
  static List<ServeLoad.Picture> samples(int n) {
    Split test = TrainedRuns.mnistData().test();
    List<ServeLoad.Picture> samples = new ArrayList<>();
    for (int i = 0; samples.size() < n; i++) {
      BufferedImage picture = DigitPictures.paperPhoto(test, i);
      int label = test.labels()[i] & 0xff;
      if (classifier().predict(picture).digit() == label) {
        samples.add(new ServeLoad.Picture(DigitPictures.png(picture), label));
      }
    }
    return samples;
  }

  /**
   * A valid PNG of {@code size}×{@code size} black 1-bit pixels: a few kilobytes that would decode
   * into {@code size²} pixels (a decompression bomb); with {@code complete} false, only the header.
   */
  static byte[] bombPng(int size, boolean complete) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    writeInt(ihdr, size);
    writeInt(ihdr, size);
    ihdr.writeBytes(new byte[] {1, 0, 0, 0, 0}); // 1-bit grey, deflate, no filter, no interlace
    chunk(png, "IHDR", ihdr.toByteArray());
    if (complete) {
      ByteArrayOutputStream idat = new ByteArrayOutputStream();
      try (DeflaterOutputStream z =
          new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION))) {
        byte[] row = new byte[1 + (size + 7) / 8]; // filter byte 0, then zero bits
        for (int y = 0; y < size; y++) {
          z.write(row);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      chunk(png, "IDAT", idat.toByteArray());
      chunk(png, "IEND", new byte[0]);
    }
    return png.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    writeInt(out, data.length);
    byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    out.writeBytes(name);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    writeInt(out, (int) crc.getValue());
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }
}
