package dev.mnistlab.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * libtorch's process-wide backend switches that DJL does not expose: whether convolutions may run
 * on oneDNN ({@code at::globalContext().setUserEnabledMkldnn}) and on NNPACK. DJL's {@code
 * libtorch_cpu.so} exports both member functions, so they are called through JNA (which DJL already
 * ships) on the library the engine loaded; on x86-64 a C++ member function takes {@code this} as
 * its first argument.
 *
 * <p>Switches are global to the process, like the engine's seed and threads: callers flip them only
 * between operations on the thread that trains ({@link ConvBackend}).
 */
final class NativeSwitches {
  private static final String LIBRARY = "libtorch_cpu.so";
  private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
  private static final String SET_MKLDNN = "_ZN2at7Context20setUserEnabledMkldnnEb";
  private static final String SET_NNPACK = "_ZN2at7Context20setUserEnabledNNPACKEb";

  private final Pointer context;
  private final Function setMkldnn;
  private final Function setNnpack;

  private NativeSwitches(Pointer context, Function setMkldnn, Function setNnpack) {
    this.context = context;
    this.setMkldnn = setMkldnn;
    this.setNnpack = setNnpack;
  }

  /** The switches could not be reached; the reason names what was missing. */
  static final class UnavailableException extends Exception {
    UnavailableException(String message) {
      super(message);
    }
  }

  /**
   * Binds the switches of the libtorch this process loaded (the engine must be started first).
   *
   * @throws UnavailableException when the library is not mapped (not Linux, or not loaded yet) or
   *     lacks the symbols
   */
  static NativeSwitches bind() throws UnavailableException {
    Path library =
        loadedLibrary()
            .orElseThrow(
                () ->
                    new UnavailableException(
                        LIBRARY + " is not among this process's mapped libraries"));
    try {
      NativeLibrary torch = NativeLibrary.getInstance(library.toString());
      Pointer context = torch.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
      if (context == null) {
        throw new UnavailableException("at::globalContext() returned null");
      }
      return new NativeSwitches(
          context, torch.getFunction(SET_MKLDNN), torch.getFunction(SET_NNPACK));
    } catch (UnsatisfiedLinkError e) {
      throw new UnavailableException(library + " lacks a backend switch: " + e.getMessage());
    }
  }

  /** Lets convolutions use oneDNN, or sends them to libtorch's own kernels. */
  void oneDnn(boolean enabled) {
    setMkldnn.invokeVoid(new Object[] {context, enabled});
  }

  /**
   * Lets convolutions use NNPACK. Kept off: on CPUs it does not support, every convolution that
   * tries it prints "Could not initialize NNPACK! Reason: Unsupported hardware." to the terminal.
   */
  void nnpack(boolean enabled) {
    setNnpack.invokeVoid(new Object[] {context, enabled});
  }

  /** The path of the libtorch this process mapped, read from {@code /proc/self/maps}. */
  private static Optional<Path> loadedLibrary() {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return Optional.empty();
    }
    try (Stream<String> lines = Files.lines(maps)) {
      return lines
          .map(line -> line.substring(line.lastIndexOf(' ') + 1))
          .filter(path -> path.startsWith("/") && path.endsWith("/" + LIBRARY))
          .findFirst()
          .map(Path::of);
    } catch (IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }
}
