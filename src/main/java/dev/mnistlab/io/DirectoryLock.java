package dev.mnistlab.io;

import dev.mnistlab.text.Failure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive ownership of a directory by one process, through a lock file in it.
 *
 * <p>The operating system's lock on the file ({@link FileChannel#tryLock}) is what excludes: it is
 * taken atomically and released by the kernel when its process dies, however it dies. The file's
 * text names the owner (pid, host, start) for the message a refused process prints. A lock file
 * that still names an owner when its lock is free was left by a process that died without releasing
 * it (SIGKILL, a power cut); it is taken over and {@link #previousOwner} says whose it was.
 *
 * <p>The file is emptied on release, never deleted: deleting it would let a process that opened the
 * old file and one that created a new one both believe they hold the lock.
 *
 * <p>Within one process the locks held are also kept in a set, checked before the file is opened:
 * the operating system's locks belong to the process, and closing any channel to a locked file
 * would silently release the lock another channel of the same process holds.
 */
public final class DirectoryLock implements AutoCloseable {
  private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;
  private final String previousOwner;

  private DirectoryLock(Path key, FileChannel channel, FileLock lock, String previousOwner) {
    this.key = key;
    this.channel = channel;
    this.lock = lock;
    this.previousOwner = previousOwner;
  }

  /** Another process holds the directory. */
  public static class HeldException extends IllegalStateException implements Failure {
    @Override
    public int exitCode() {
      return FAILED;
    }

    HeldException(String message) {
      super(message);
    }
  }

  /**
   * Takes the lock in {@code file}, creating it when needed.
   *
   * @param what what is being locked, for the refusal ("run directory runs/a")
   * @throws HeldException naming the owner when another process (or another lock in this one) holds
   *     it
   */
  public static DirectoryLock acquire(Path file, String what) {
    Path key = file.toAbsolutePath().normalize();
    if (!HELD_HERE.add(key)) {
      throw new HeldException(
          what + " is in use by this process (pid " + ProcessHandle.current().pid() + ")");
    }
    FileChannel channel = null;
    boolean taken = false;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        String owner = read(channel);
        throw new HeldException(
            what
                + " is in use by "
                + (owner.isEmpty() ? "another process" : owner)
                + "; wait for it to finish or stop it ("
                + file.getFileName()
                + " holds the lock)");
      }
      String previous = read(channel);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(describeThisProcess().getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(true);
      DirectoryLock held =
          new DirectoryLock(key, channel, lock, previous.isEmpty() ? null : previous);
      taken = true;
      return held;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + what + " (" + file + ")", e);
    } finally {
      if (!taken) {
        HELD_HERE.remove(key);
      }
      if (!taken && channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // Already failing with a better reason.
        }
      }
    }
  }

  /**
   * Who held the lock before and died without releasing it ("pid 4242 on h since
   * 2026-11-24T13:00:00Z"), or null when it was released cleanly.
   */
  public String previousOwner() {
    return previousOwner;
  }

  /** Empties the file and releases the lock. */
  @Override
  public void close() {
    try {
      channel.truncate(0);
      channel.force(true);
      lock.release();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release a directory lock", e);
    } finally {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing releases the lock in any case.
      }
      HELD_HERE.remove(key);
    }
  }

  /**
   * The owner a lock file names when that owner is alive ("pid N on host H since T"), read without
   * taking or probing the lock, so a reader (a run board polling every second) can never make a
   * training that starts at that moment find its directory in use. Empty when the file is empty
   * (released), missing, or names a process of this host that is gone (killed without releasing
   * it). An owner on another host cannot be checked and is taken as alive.
   */
  public static java.util.Optional<String> liveOwner(Path file) {
    String text;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      text = read(channel);
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
    java.util.regex.Matcher m = OWNER.matcher(text);
    if (!m.matches()) {
      return java.util.Optional.empty();
    }
    boolean here = m.group(2).equals(hostName());
    boolean alive =
        !here
            || ProcessHandle.of(Long.parseLong(m.group(1)))
                .map(ProcessHandle::isAlive)
                .orElse(false);
    return alive ? java.util.Optional.of(text) : java.util.Optional.empty();
  }

  /** What {@link #describeThisProcess} writes. */
  private static final java.util.regex.Pattern OWNER =
      java.util.regex.Pattern.compile("pid (\\d{1,18}) on (.+) since (\\S+)");

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "an unnamed host";
    }
  }

  /** "pid N on host H since T": who holds the lock from now, as a refused process will read it. */
  static String describeThisProcess() {
    return "pid "
        + ProcessHandle.current().pid()
        + " on "
        + hostName()
        + " since "
        + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        + "\n";
  }

  private static String read(FileChannel channel) throws IOException {
    // A lock file holds one short line; anything longer is not ours to print whole.
    ByteBuffer buffer = ByteBuffer.allocate(512);
    channel.read(buffer, 0);
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
  }
}
