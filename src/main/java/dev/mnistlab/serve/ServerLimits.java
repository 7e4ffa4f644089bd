package dev.mnistlab.serve;

import dev.mnistlab.DigitClassifier;
import dev.mnistlab.data.ImageFiles;
import dev.mnistlab.text.UsageException;
import java.time.Duration;

/**
 * Everything that bounds what one {@link DigitServer} accepts and how much of the machine it uses.
 *
 * @param host the address to bind ({@code 127.0.0.1} unless the user asks for more)
 * @param port the port, 0 for any free one
 * @param workers threads that decode, preprocess and classify (side by side in ONNX Runtime; one at
 *     a time where the training engine answers)
 * @param queue predictions that may wait for a worker; one more is answered 503
 * @param requestTimeout longest a prediction may wait and run; longer is answered 503
 * @param idleTimeout a connection that sends nothing for this long is closed (slow clients)
 * @param maxBodyBytes largest request body; larger is answered 413 before it is read
 * @param maxImagePixels most pixels a picture's header may claim; more is answered 413 before
 *     decoding
 * @param maxBatch most images one request may carry
 */
public record ServerLimits(
    String host,
    int port,
    int workers,
    int queue,
    Duration requestTimeout,
    Duration idleTimeout,
    long maxBodyBytes,
    long maxImagePixels,
    int maxBatch) {

  /** Most worker threads or queued predictions a server accepts. */
  public static final int MAX_WORKERS = 256;

  public ServerLimits {
    if (host == null || host.isBlank()) {
      throw new UsageException("--host must name an address, got '" + host + "'");
    }
    check("--port", port, 0, 65_535);
    check("--threads", workers, 1, MAX_WORKERS);
    check("--queue", queue, 0, 100 * MAX_WORKERS);
    checkDuration("--timeout", requestTimeout);
    checkDuration("idle timeout", idleTimeout);
    if (maxBodyBytes < 1024 || maxBodyBytes > 1L << 30) {
      throw new UsageException(
          "the request body limit must be in 1 KiB..1 GiB, got " + maxBodyBytes + " bytes");
    }
    if (maxImagePixels < 1 || maxImagePixels > ImageFiles.MAX_PIXELS) {
      throw new UsageException(
          "the picture limit must be in 1.."
              + ImageFiles.MAX_PIXELS
              + " pixels, got "
              + maxImagePixels);
    }
    check("the batch limit", maxBatch, 1, DigitClassifier.MAX_BATCH);
  }

  /**
   * The defaults: loopback only, port 8080, one worker per core, 64 waiting, 10 s per prediction,
   * 30 s idle, 8 MiB bodies, 25-megapixel pictures (a phone photo), 256 images per request.
   */
  public static ServerLimits defaults() {
    return new ServerLimits(
        "127.0.0.1",
        8080,
        Runtime.getRuntime().availableProcessors(),
        64,
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        8L << 20,
        25_000_000,
        256);
  }

  /** These limits bound to another address and port. */
  public ServerLimits at(String host, int port) {
    return new ServerLimits(
        host,
        port,
        workers,
        queue,
        requestTimeout,
        idleTimeout,
        maxBodyBytes,
        maxImagePixels,
        maxBatch);
  }

  /** These limits with another worker pool and queue. */
  public ServerLimits withWorkers(int workers, int queue) {
    return new ServerLimits(
        host,
        port,
        workers,
        queue,
        requestTimeout,
        idleTimeout,
        maxBodyBytes,
        maxImagePixels,
        maxBatch);
  }

  /** These limits with other timeouts. */
  public ServerLimits withTimeouts(Duration requestTimeout, Duration idleTimeout) {
    return new ServerLimits(
        host,
        port,
        workers,
        queue,
        requestTimeout,
        idleTimeout,
        maxBodyBytes,
        maxImagePixels,
        maxBatch);
  }

  /** These limits with other sizes. */
  public ServerLimits withSizes(long maxBodyBytes, long maxImagePixels, int maxBatch) {
    return new ServerLimits(
        host,
        port,
        workers,
        queue,
        requestTimeout,
        idleTimeout,
        maxBodyBytes,
        maxImagePixels,
        maxBatch);
  }

  private static void check(String what, int value, int min, int max) {
    if (value < min || value > max) {
      throw new UsageException(what + " must be in " + min + ".." + max + ", got " + value);
    }
  }

  private static void checkDuration(String what, Duration value) {
    if (value == null || value.isNegative() || value.isZero() || value.toHours() > 1) {
      throw new UsageException(what + " must be more than 0 and at most an hour, got " + value);
    }
  }
}
