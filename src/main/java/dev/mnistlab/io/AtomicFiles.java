package dev.mnistlab.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a file so that a reader never sees half of it and a crash never leaves half of it: into a
 * temporary file beside it ({@code NAME…​.part}), flushed to the disk, then renamed over it, and
 * the rename itself flushed. The one place mnistlab does this, for run files, checkpoints, datasets
 * and exports.
 *
 * <p>A write that fails (a full disk) removes its temporary file; one cut short by SIGKILL cannot,
 * so {@link #removeLeftovers} clears them when the directory's owner next starts.
 *
 * <p>{@link Files#createTempFile} makes its file readable by its owner only (0600), and a rename
 * keeps that; the result is a run or dataset a colleague in the same group cannot read, though
 * nothing in it is secret. So the file is given {@code rw-r--r--} (0644), what a plain write would
 * give under the usual umask, before it is renamed into place.
 */
public final class AtomicFiles {
  /** Owner reads and writes, everyone else reads: 0644. */
  public static final Set<PosixFilePermission> READABLE =
      PosixFilePermissions.fromString("rw-r--r--");

  /** How the names of temporary files (and folders) end; nothing else mnistlab writes does. */
  public static final String TEMPORARY_SUFFIX = ".part";

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private AtomicFiles() {}

  /**
   * Writes {@code content} to {@code target}, replacing it atomically; its directory must exist.
   */
  public static void write(Path target, byte[] content) throws IOException {
    Path tmp = temporaryFileFor(target);
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
      moveIntoPlace(tmp, target);
    } finally {
      // Gone after the move; still there only when writing or renaming failed.
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * A new, empty temporary file beside {@code target}, named after it, for a writer that must
   * stream (a library's {@code save}); hand it to {@link #moveIntoPlace} when it is complete and
   * delete it when it is not.
   */
  public static Path temporaryFileFor(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    return Files.createTempFile(dir, target.getFileName().toString(), TEMPORARY_SUFFIX);
  }

  /**
   * Flushes {@code written} to the disk, makes it readable, renames it over {@code target}
   * atomically, and flushes the directory so that the rename survives a power cut.
   */
  public static void moveIntoPlace(Path written, Path target) throws IOException {
    // On the disk before the rename makes it the file: a power cut leaves the old or the new.
    try (FileChannel channel = FileChannel.open(written, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Faults.beforeRename(target);
    makeReadable(written);
    Files.move(
        written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(target.toAbsolutePath().getParent());
  }

  /**
   * Deletes the temporary files (and folders) an interrupted write left directly in {@code dir};
   * call it only while no one else writes there (under the directory's lock).
   *
   * @return what was deleted
   */
  public static List<Path> removeLeftovers(Path dir) {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return removed;
    }
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child :
          children.filter(p -> p.getFileName().toString().endsWith(TEMPORARY_SUFFIX)).toList()) {
        deleteTree(child);
        removed.add(child);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the temporary files in " + dir, e);
    }
    return removed;
  }

  /** Deletes {@code path} and, when it is a folder, everything in it. */
  public static void deleteTree(Path path) throws IOException {
    if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    } else {
      Files.deleteIfExists(path);
    }
  }

  /** Gives {@code file} 0644 where the file system has POSIX permissions; elsewhere a no-op. */
  public static void makeReadable(Path file) throws IOException {
    if (POSIX) {
      Files.setPosixFilePermissions(file, READABLE);
    }
  }

  /**
   * The nearest file (not a directory) on {@code path} or above it, which would stop anything being
   * written there; null when there is none.
   */
  public static Path fileInTheWay(Path path) {
    for (Path p = path.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p) && !Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * Flushes a directory's entries (a rename into it) to the disk. POSIX file systems allow it; on
   * others (Windows) a directory cannot be opened, and renames there are as durable as they get.
   */
  private static void syncDirectory(Path dir) throws IOException {
    if (!POSIX || dir == null) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
