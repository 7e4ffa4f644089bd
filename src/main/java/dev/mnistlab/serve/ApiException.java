package dev.mnistlab.serve;

/** A request the server refuses: carries the HTTP status and the message the client sees. */
public final class ApiException extends RuntimeException {
  private final int status;

  ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status code to answer with. */
  public int status() {
    return status;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  static ApiException tooLarge(String message) {
    return new ApiException(413, message);
  }

  static ApiException unsupported(String message) {
    return new ApiException(415, message);
  }

  static ApiException unavailable(String message) {
    return new ApiException(503, message);
  }
}
