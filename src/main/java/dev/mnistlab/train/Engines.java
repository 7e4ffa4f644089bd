package dev.mnistlab.train;

import ai.djl.engine.Engine;

/**
 * Starts the PyTorch engine offline with a chosen thread count, turning a missing native library
 * into one clear message instead of a stack of download failures.
 */
public final class Engines {
  private Engines() {}

  /** The engine could not start. */
  public static class EngineUnavailableException extends RuntimeException {
    EngineUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Configures and loads the engine. Must run before anything else touches DJL, because the engine
   * reads its thread settings once, when it loads.
   *
   * @param threads intra-op threads, or 0 for the engine's default
   */
  public static Engine start(int threads) {
    // Never download anything at run time: the native library ships in the class path.
    System.setProperty("ai.djl.offline", "true");
    if (threads > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    try {
      return Engine.getEngine("PyTorch");
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
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
