package dev.mnistlab;

import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.data.Split;
import java.nio.file.Path;
import java.util.Random;

/** Tiny learnable data for fast tests that train. */
public final class SyntheticData {
  private SyntheticData() {}

  /**
   * {@code n} random 28×28 images whose label is the brightest of ten horizontal bands: learnable,
   * not trivial. The same images serve as train and test split.
   */
  public static DataStore.Loaded bands(int n) {
    Random random = new Random(42);
    byte[] pixels = new byte[n * 784];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) random.nextInt(10);
      for (int p = 0; p < 784; p++) {
        int band = (p / 28) * 10 / 28;
        pixels[i * 784 + p] = (byte) (random.nextInt(80) + (band == labels[i] ? 150 : 0));
      }
    }
    Split split = new Split(pixels, labels, n, 28, 28);
    return new DataStore.Loaded(Dataset.MNIST, Path.of("synthetic"), split, split);
  }

  /** A 4-channel network with BatchNorm and dropout that trains on {@link #bands} in seconds. */
  public static final String TINY_MODEL =
      "name: tiny\ninput: [1, 28, 28]\nlayers:\n"
          + "  - cbr: {out: 4, kernel: 3, stride: 2, dropout: 0.1}\n"
          + "  - maxpool: 2\n  - conv: {out: 10, kernel: 1}\n  - gap\n";
}
