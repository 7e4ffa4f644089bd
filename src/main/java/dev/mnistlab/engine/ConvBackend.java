package dev.mnistlab.engine;

import dev.mnistlab.text.UsageException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which kernels run the engine's convolutions, per direction: oneDNN (libtorch's fast path, its
 * default) or libtorch's own kernels (im2col and a matrix product), slower but independent of the
 * CPU-specific code oneDNN generates at run time.
 */
public enum ConvBackend {
  /** oneDNN forward and backward: the engine's default and its fastest. */
  ONEDNN("onednn", "oneDNN", true, true),
  /** oneDNN forward, libtorch's own kernels for the gradients. */
  ONEDNN_FORWARD("onednn-forward", "oneDNN forward, libtorch's own kernels backward", true, false),
  /** libtorch's own kernels in both directions. */
  NATIVE("native", "libtorch's own kernels (oneDNN off)", false, false);

  private final String id;
  private final String label;
  private final boolean forwardOnOneDnn;
  private final boolean backwardOnOneDnn;

  ConvBackend(String id, String label, boolean forwardOnOneDnn, boolean backwardOnOneDnn) {
    this.id = id;
    this.label = label;
    this.forwardOnOneDnn = forwardOnOneDnn;
    this.backwardOnOneDnn = backwardOnOneDnn;
  }

  /** The name a user gives it ({@code MNISTLAB_CONV_BACKEND}, {@code doctor}). */
  public String id() {
    return id;
  }

  /** What it means, in words, as runs record it. */
  public String label() {
    return label;
  }

  /** Whether forward passes run on oneDNN. */
  public boolean forwardOnOneDnn() {
    return forwardOnOneDnn;
  }

  /** Whether backward passes (input and weight gradients) run on oneDNN. */
  public boolean backwardOnOneDnn() {
    return backwardOnOneDnn;
  }

  /**
   * The backend named {@code id} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the value and the known ones
   */
  public static ConvBackend parse(String id) {
    String wanted = id.trim().toLowerCase(Locale.ROOT);
    for (ConvBackend backend : values()) {
      if (backend.id.equals(wanted)) {
        return backend;
      }
    }
    throw new UsageException(
        "unknown convolution backend '"
            + id
            + "' (known: "
            + Arrays.stream(values()).map(ConvBackend::id).collect(Collectors.joining(", "))
            + ")");
  }
}
