package dev.mnistlab.engine;

import ai.djl.engine.Engine;
import dev.mnistlab.text.Failure;
import dev.mnistlab.text.Reasons;
import dev.mnistlab.text.UsageException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one place that touches the engine's process-wide state: the offline switch, the thread count
 * (read once, when the engine loads), the random seed, and the rule that one training runs per JVM
 * at a time. Everything else is handed what it needs; parallel trainings must be separate
 * processes, because two of them in one JVM would reseed each other's generator.
 */
public final class Engines {
  private static final AtomicReference<String> TRAINING = new AtomicReference<>();

  private Engines() {}

  /** The engine could not start. */
  public static class EngineUnavailableException extends RuntimeException implements Failure {
    @Override
    public int exitCode() {
      return FAILED;
    }

    EngineUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A second training was started while one is running in this JVM. */
  public static class EngineBusyException extends IllegalStateException implements Failure {
    @Override
    public int exitCode() {
      return FAILED;
    }

    EngineBusyException(String message) {
      super(message);
    }
  }

  /** Held while a training or LR range test runs; closing it lets the next one start. */
  public static final class Lease implements AutoCloseable {
    private final String owner;

    private Lease(String owner) {
      this.owner = owner;
    }

    @Override
    public void close() {
      TRAINING.compareAndSet(owner, null);
    }
  }

  /**
   * Configures and loads the engine. Must run before anything else touches DJL, because the engine
   * reads its thread settings once, when it loads; later calls return the loaded engine.
   *
   * @param threads intra-op threads, or 0 for the engine's default
   */
  public static Engine start(int threads) {
    int cores = Runtime.getRuntime().availableProcessors();
    if (threads > cores) {
      // Beyond the cores, threads only wait on each other: 1000 made a batch 250 times slower.
      throw new UsageException(
          "threads "
              + threads
              + " is more than the "
              + cores
              + (cores == 1 ? " processor" : " processors")
              + " this machine has; use at most "
              + cores
              + " (0 lets the engine choose)");
    }
    // Never download anything at run time: the native library ships in the class path.
    System.setProperty("ai.djl.offline", "true");
    if (threads > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    // The self-check's reference figures are computed while the native library loads.
    EngineCheck.prepare();
    Engine engine;
    try {
      engine = Engine.getEngine("PyTorch");
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      String os = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
      throw new EngineUnavailableException(
          "the PyTorch native library for "
              + os
              + " is not available offline (is ai.djl.pytorch:pytorch-native-cpu with this"
              + " platform's classifier on the class path?): "
              + rootMessage(e),
          e);
    }
    // Before anything computes with it: the fast kernels are trusted only where they check out.
    Convolutions.choose();
    return engine;
  }

  /**
   * Claims the engine for one training.
   *
   * @param owner what trains (a run directory), named in the error a second claim gets
   * @throws EngineBusyException while another training holds it
   */
  public static Lease claim(String owner) {
    if (Convolutions.current() == null) {
      start(0); // a training from the Java API must not skip the engine self-check
    }
    String current = TRAINING.get();
    if (current != null || !TRAINING.compareAndSet(null, owner)) {
      throw new EngineBusyException(
          "cannot train "
              + owner
              + " while "
              + TRAINING.get()
              + " trains in this process: the engine's random seed and threads are process-wide,"
              + " so run parallel trainings as separate processes");
    }
    return new Lease(owner);
  }

  /** Seeds the engine's generator (weight initialization, dropout masks). */
  public static void seed(Lease lease, long seed) {
    if (TRAINING.get() != lease.owner) {
      throw new IllegalStateException("the engine is not claimed by " + lease.owner);
    }
    Engine.getInstance().setRandomSeed((int) seed);
  }

  /** The engine's intra-op threads, as it runs them (its choice when none were asked for). */
  public static int threads() {
    return ai.djl.pytorch.jni.JniUtils.getNumThreads();
  }

  /**
   * Engine name and version and the convolution backend in use, as runs record it, e.g. {@code
   * "PyTorch 2.7.1, convolutions: oneDNN (self-check passed)"}.
   */
  public static String describe() {
    Engine engine = Engine.getInstance();
    Convolutions.Choice choice = Convolutions.current();
    return engine.getEngineName()
        + " "
        + engine.getVersion()
        + (choice == null ? "" : ", convolutions: " + choice.describe());
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return Reasons.of(t, "no reason given");
  }
}
