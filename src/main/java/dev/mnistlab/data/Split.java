package dev.mnistlab.data;

/**
 * One split (train or test) held as a single contiguous array, so batches are gathered by index
 * rather than built sample by sample.
 *
 * @param pixels {@code count × rows × cols} unsigned bytes, row-major
 * @param labels {@code count} class indices 0..9
 */
public record Split(byte[] pixels, byte[] labels, int count, int rows, int cols) {
  public Split {
    if (pixels.length != (long) count * rows * cols || labels.length != count) {
      throw new IllegalArgumentException(
          "split arrays do not match " + count + "×" + rows + "×" + cols);
    }
  }

  /** Pixels per image. */
  public int imageSize() {
    return rows * cols;
  }

  /** Images {@code from .. from+n-1}, each its own C×H×W array of pixels in [0, 1]. */
  public java.util.List<float[]> unitImages(int from, int n) {
    int size = imageSize();
    float[] pixels = unitPixels(from, n);
    java.util.List<float[]> images = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      images.add(java.util.Arrays.copyOfRange(pixels, i * size, (i + 1) * size));
    }
    return images;
  }

  /**
   * Images {@code from} to {@code from + n - 1} as the networks' raw input: each byte ÷ 255, so in
   * [0, 1], row-major, one image after another.
   */
  public float[] unitPixels(int from, int n) {
    if (from < 0 || n < 0 || from + n > count) {
      throw new IllegalArgumentException(
          "images " + from + ".." + (from + n - 1) + " are not all among the " + count);
    }
    int size = imageSize();
    float[] out = new float[n * size];
    for (int p = 0; p < out.length; p++) {
      out[p] = (pixels[from * size + p] & 0xff) / 255f;
    }
    return out;
  }

  /** The first {@code n} examples, or this split when {@code n} is not smaller than its size. */
  public Split first(int n) {
    if (n >= count) {
      return this;
    }
    byte[] p = new byte[n * imageSize()];
    System.arraycopy(pixels, 0, p, 0, p.length);
    byte[] l = new byte[n];
    System.arraycopy(labels, 0, l, 0, n);
    return new Split(p, l, n, rows, cols);
  }

  /** The last {@code n} examples (0 < n < count): a validation split carved from this one. */
  public Split last(int n) {
    if (n <= 0 || n >= count) {
      throw new IllegalArgumentException(
          "a split of " + count + " images cannot give its last " + n);
    }
    int from = count - n;
    byte[] p = new byte[n * imageSize()];
    System.arraycopy(pixels, from * imageSize(), p, 0, p.length);
    byte[] l = new byte[n];
    System.arraycopy(labels, from, l, 0, n);
    return new Split(p, l, n, rows, cols);
  }
}
