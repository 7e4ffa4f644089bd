package dev.mnistlab.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a server running until Ctrl-C (or SIGTERM), then stops it in order: the shutdown hook wakes
 * the command's thread, which stops the server and reports, and the hook waits for that report
 * before letting the JVM exit. Shared by {@code serve} and {@code board}.
 */
final class UntilStopped {
  private UntilStopped() {}

  /**
   * Waits for a stop request, then runs {@code stop}. A test that interrupts the calling thread
   * stops it too; the interrupt is kept for the caller.
   */
  static void await(String name, Runnable stop) {
    CountDownLatch stopRequested = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stopRequested.countDown();
              awaitQuietly(stopped);
            },
            name);
    Runtime.getRuntime().addShutdownHook(hook);
    boolean interrupted = false;
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      interrupted = true; // stopped by the thread that started us (tests); Jetty must stop first
    } finally {
      try {
        stop.run();
      } finally {
        stopped.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is exiting because of the hook itself
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
