package dev.mnistlab.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults injected on purpose, for the tests that prove a run survives them: the JVM halting (as
 * SIGKILL or a power cut would stop it) or a write failing (as a full disk makes it fail) at the
 * N-th file mnistlab writes, after the file's bytes are written under its temporary name and before
 * it is renamed into place, the moment where a crash could do most harm.
 *
 * <p>Off unless the system property {@code mnistlab.faults} is {@code halt-at-write=N} or {@code
 * fail-at-write=N}; read once, costing one comparison per file written otherwise.
 */
final class Faults {
  private static final String SPEC = System.getProperty("mnistlab.faults", "");
  private static final AtomicInteger WRITES = new AtomicInteger();

  /** The exit status of a halt: what a shell reports for SIGKILL. */
  static final int HALT_STATUS = 137;

  private Faults() {}

  /** Called with each file's temporary copy complete, before it is renamed over {@code target}. */
  static void beforeRename(Path target) throws IOException {
    if (SPEC.isEmpty()) {
      return;
    }
    int n = WRITES.incrementAndGet();
    if (SPEC.equals("halt-at-write=" + n)) {
      Runtime.getRuntime().halt(HALT_STATUS);
    }
    if (SPEC.equals("fail-at-write=" + n)) {
      throw new IOException(
          "No space left on device (injected by mnistlab.faults at " + target + ")");
    }
  }
}
