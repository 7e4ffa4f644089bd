package dev.mnistlab.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Cuts a split into batches of normalized pixels gathered by index from its one contiguous array.
 * Training batches are shuffled and augmented on a background thread while the engine works on the
 * previous batch, so augmentation stays off the engine's critical path.
 *
 * <p>Every random choice derives from (seed, epoch, batch), so a run repeats exactly whatever the
 * thread timing, and an epoch can be replayed on its own.
 */
public final class BatchLoader implements AutoCloseable {
  private final Split split;
  private final Normalization normalization;
  private final int batchSize;
  private final Augmentation augmentation;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "mnistlab-batches");
            t.setDaemon(true);
            return t;
          });

  /** One batch: {@code size} normalized images (row-major) and their labels. */
  public record Batch(float[] pixels, long[] labels, int size) {}

  /**
   * @param split the images to cut
   * @param normalization applied to every pixel (the dataset's, as the run recorded it)
   * @param batchSize images per batch (the last batch may be smaller)
   * @param augmentation applied to shuffled batches only
   */
  public BatchLoader(
      Split split, Normalization normalization, int batchSize, Augmentation augmentation) {
    this.split = split;
    this.normalization = normalization;
    this.batchSize = batchSize;
    this.augmentation = augmentation;
  }

  /**
   * The stream of {@link #mix} that shuffles an epoch. Batches count from 0, so the streams that
   * are not a batch's augmentation take negative numbers.
   */
  public static final int SHUFFLE_STREAM = -1;

  /** The stream of {@link #mix} that seeds an epoch's dropout masks in the engine. */
  public static final int DROPOUT_STREAM = -2;

  /** Batches per pass over the split. */
  public int batchesPerEpoch() {
    return (split.count() + batchSize - 1) / batchSize;
  }

  /** Number of images in the split. */
  public int size() {
    return split.count();
  }

  /** A shuffled, augmented pass, prefetching one batch ahead. */
  public Iterator<Batch> shuffled(long seed, int epoch) {
    int[] order =
        permutation(split.count(), new SplittableRandom(mix(seed, epoch, SHUFFLE_STREAM)));
    return new Prefetching(order, seed, epoch, true);
  }

  /** A pass in file order without augmentation, for evaluation. */
  public Iterator<Batch> inOrder() {
    int[] order = new int[split.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return new Prefetching(order, 0, 0, false);
  }

  private Batch gather(int[] order, int batch, long seed, int epoch, boolean augment) {
    int from = batch * batchSize;
    int n = Math.min(batchSize, order.length - from);
    int size = split.imageSize();
    float[] pixels = new float[n * size];
    long[] labels = new long[n];
    SplittableRandom rng = new SplittableRandom(mix(seed, epoch, batch));
    byte[] src = split.pixels();
    for (int i = 0; i < n; i++) {
      int index = order[from + i];
      labels[i] = split.labels()[index];
      if (augment && !augmentation.isIdentity()) {
        augmentation.apply(src, index * size, split.rows(), split.cols(), pixels, i * size, rng);
        for (int p = i * size; p < (i + 1) * size; p++) {
          pixels[p] = normalization.apply(pixels[p] / 255f);
        }
      } else {
        for (int p = 0; p < size; p++) {
          pixels[i * size + p] = normalization.applyByte(src[index * size + p] & 0xff);
        }
      }
    }
    return new Batch(pixels, labels, n);
  }

  private static int[] permutation(int n, SplittableRandom rng) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /**
   * A well-spread 64-bit seed from (seed, epoch, batch): every epoch and batch draws from its own
   * stream, so a run resumed at an epoch boundary draws exactly what an uninterrupted one does.
   */
  public static long mix(long seed, int epoch, int batch) {
    long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + batch * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }

  private final class Prefetching implements Iterator<Batch> {
    private final int[] order;
    private final long seed;
    private final int epoch;
    private final boolean augment;
    private final int batches;
    private int next;
    private Future<Batch> pending;

    Prefetching(int[] order, long seed, int epoch, boolean augment) {
      this.order = order;
      this.seed = seed;
      this.epoch = epoch;
      this.augment = augment;
      this.batches = (order.length + batchSize - 1) / batchSize;
      this.pending = submit(0);
    }

    private Future<Batch> submit(int batch) {
      return batch < batches
          ? worker.submit(() -> gather(order, batch, seed, epoch, augment))
          : null;
    }

    @Override
    public boolean hasNext() {
      return pending != null;
    }

    @Override
    public Batch next() {
      if (pending == null) {
        throw new NoSuchElementException();
      }
      try {
        Batch batch = pending.get();
        pending = submit(++next);
        return batch;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while preparing a batch", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("preparing batch " + next + " failed", e.getCause());
      }
    }
  }
}
