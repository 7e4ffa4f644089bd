package dev.mnistlab.search;

import dev.mnistlab.io.AtomicFiles;
import dev.mnistlab.io.DirectoryLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A search's directory; the one place its files are named.
 *
 * <pre>
 * DIR/space.yaml                    the space searched (the shipped one or --space's, as read)
 * DIR/candidates/NAME.yaml          every candidate's spec
 * DIR/short-eN/NAME/                each candidate's short run (N epochs, the first seed)
 * DIR/full/NAME/seed-S/             the best candidates' full runs, one per seed
 * DIR/search.json, DIR/search.md    the results, ranked, with the Pareto front
 * DIR/search-images/front.png       accuracy against parameters
 * DIR/winner.yaml                   the smallest candidate that held the bar, with its recipe
 * DIR/search.lock                   held while a search runs here
 * </pre>
 *
 * Runs are named by their candidate's architecture and the epochs of the phase, so a search run
 * again finds every run it finished and trains none twice.
 */
public final class SearchDirectory {
  private final Path dir;

  /** The search directory at {@code dir}. */
  public SearchDirectory(Path dir) {
    this.dir = dir;
  }

  /** The directory itself. */
  public Path path() {
    return dir;
  }

  /** Takes the directory for this process: a second search here is refused, naming the owner. */
  public DirectoryLock lock() {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    return DirectoryLock.acquire(dir.resolve("search.lock"), "search directory " + dir);
  }

  /** Where a candidate's spec is written. */
  public Path candidateSpec(String name) {
    return dir.resolve("candidates").resolve(name + ".yaml");
  }

  /** A candidate's short run. */
  public Path shortRun(String name, int epochs) {
    return dir.resolve("short-e" + epochs).resolve(name);
  }

  /** The directory of a candidate's full runs, {@code seed-S} inside. */
  public Path fullRuns(String name) {
    return dir.resolve("full").resolve(name);
  }

  /** The results as JSON. */
  public Path resultsJson() {
    return dir.resolve("search.json");
  }

  /** The results as Markdown. */
  public Path resultsMarkdown() {
    return dir.resolve("search.md");
  }

  /** The chart of accuracy against parameters. */
  public Path frontChart() {
    return dir.resolve("search-images").resolve("front.png");
  }

  /** The chart's path as {@link #resultsMarkdown()} links it. */
  public String frontChartLink() {
    return dir.relativize(frontChart()).toString();
  }

  /** The winning spec, with its recipe. */
  public Path winner() {
    return dir.resolve("winner.yaml");
  }

  /** Deletes the winning spec, when a search here names none. */
  public void deleteWinner() {
    try {
      Files.deleteIfExists(winner());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + winner(), e);
    }
  }

  /** The space as searched. */
  public Path space() {
    return dir.resolve("space.yaml");
  }

  /** Writes {@code text} to {@code file} (one of this directory's paths) atomically. */
  public void write(Path file, String text) {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code bytes} to {@code file} (one of this directory's paths) atomically. */
  public void write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      AtomicFiles.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
