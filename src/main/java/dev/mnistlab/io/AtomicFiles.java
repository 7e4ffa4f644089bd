package dev.mnistlab.io;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file so that a reader never sees half of it: into a temporary file beside it, then
 * renamed over it. The one place mnistlab does this, for run files, checkpoints, datasets and
 * exports.
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

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private AtomicFiles() {}

  /**
   * Writes {@code content} to {@code target}, replacing it atomically; its directory must exist.
   */
  public static void write(Path target, byte[] content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
    try {
      Files.write(tmp, content);
      makeReadable(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      // Gone after the move; still there only when writing or renaming failed.
      Files.deleteIfExists(tmp);
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
}
