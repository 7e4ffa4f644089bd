package dev.mnistlab.data;

import dev.mnistlab.io.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds a dataset's directory, fetches what is missing, verifies every file's SHA-256 and reads the
 * two splits. This is the one door through which every command gets its data.
 */
public final class DataStore {
  private final DataFetcher fetcher;
  private final Map<String, String> env;
  private final Path home;

  /**
   * @param fetcher used when files are missing
   * @param env the process environment, for {@code $MNISTLAB_DATA}
   * @param home the user's home directory, for the default cache
   */
  public DataStore(DataFetcher fetcher, Map<String, String> env, Path home) {
    this.fetcher = fetcher;
    this.env = env;
    this.home = home;
  }

  /** A verified dataset in memory. */
  public record Loaded(Dataset dataset, Path directory, Split train, Split test) {}

  /** The directory the lookup order picks, without touching the file system. */
  public DataLocator.Location locate(Dataset dataset, Path dataDirFlag) {
    return DataLocator.resolve(dataDirFlag, env, home, dataset);
  }

  /** Fetches missing files into the located directory and verifies all four. */
  public DataFetcher.FetchReport fetch(Dataset dataset, Path dataDirFlag) {
    DataLocator.Location location = locate(dataset, dataDirFlag);
    checkUsable(location);
    DataFetcher.FetchReport report = fetcher.fetchMissing(dataset, location.directory());
    for (Dataset.DataFile file : dataset.files()) {
      verifiedBytes(location.directory(), file);
    }
    return report;
  }

  /** Fetches if needed, then reads and cross-checks both splits. */
  public Loaded load(Dataset dataset, Path dataDirFlag) {
    DataLocator.Location location = locate(dataset, dataDirFlag);
    checkUsable(location);
    Path dir = location.directory();
    if (!missingFiles(dataset, dir).isEmpty()) {
      fetcher.fetchMissing(dataset, dir);
    }
    List<Dataset.DataFile> f = dataset.files();
    Split train = split(dir, f.get(0), f.get(1));
    Split test = split(dir, f.get(2), f.get(3));
    if (train.rows() != test.rows() || train.cols() != test.cols()) {
      throw new DatasetFormatException(
          dir,
          "train images are "
              + train.rows()
              + "×"
              + train.cols()
              + " but test images are "
              + test.rows()
              + "×"
              + test.cols());
    }
    return new Loaded(dataset, dir, train, test);
  }

  /** Reads one image file and its label file and checks that their counts agree. */
  static Split split(Path dir, Dataset.DataFile imagesFile, Dataset.DataFile labelsFile) {
    Path imagesPath = existing(dir, imagesFile);
    Path labelsPath = existing(dir, labelsFile);
    IdxReader.Images images = IdxReader.parseImages(imagesPath, verifiedBytes(dir, imagesFile));
    byte[] labels = IdxReader.parseLabels(labelsPath, verifiedBytes(dir, labelsFile));
    return pair(imagesPath, images, labelsPath, labels);
  }

  /** Joins images and labels into a split once their counts agree. */
  static Split pair(Path imagesPath, IdxReader.Images images, Path labelsPath, byte[] labels) {
    if (images.count() != labels.length) {
      throw new DatasetFormatException(
          labelsPath,
          labels.length
              + " labels but "
              + imagesPath.getFileName()
              + " holds "
              + images.count()
              + " images");
    }
    return new Split(images.pixels(), labels, images.count(), images.rows(), images.cols());
  }

  /** The uncompressed content of a file, after its SHA-256 matched the pinned value. */
  static byte[] verifiedBytes(Path dir, Dataset.DataFile file) {
    Path path = existing(dir, file);
    if (path == null) {
      throw new DataException(dir + ": " + file.name() + " is missing");
    }
    byte[] content = IdxReader.readAllBytes(path, file.bytes());
    String actual = Sha256.hexOf(content);
    if (!actual.equals(file.sha256())) {
      throw new DatasetFormatException(
          path,
          "SHA-256 mismatch: got "
              + actual
              + ", expected "
              + file.sha256()
              + " (delete the file to fetch it again)");
    }
    return content;
  }

  /** The file as stored, uncompressed or {@code .gz}, or null when neither exists. */
  static Path existing(Path dir, Dataset.DataFile file) {
    Path raw = dir.resolve(file.name());
    if (Files.isRegularFile(raw)) {
      return raw;
    }
    Path gz = dir.resolve(file.name() + ".gz");
    return Files.isRegularFile(gz) ? gz : null;
  }

  static List<Dataset.DataFile> missingFiles(Dataset dataset, Path dir) {
    List<Dataset.DataFile> missing = new ArrayList<>();
    for (Dataset.DataFile file : dataset.files()) {
      if (existing(dir, file) == null) {
        missing.add(file);
      }
    }
    return missing;
  }

  private static void checkUsable(DataLocator.Location location) {
    Path dir = location.directory();
    if (Files.exists(dir) && (!Files.isDirectory(dir) || !Files.isReadable(dir))) {
      throw new DataException(
          "data directory "
              + dir
              + " (from "
              + location.origin()
              + ") is not a readable directory");
    }
  }
}
