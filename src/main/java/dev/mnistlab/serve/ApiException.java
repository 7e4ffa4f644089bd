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

  /** 400: the request is malformed or names something unusable. */
  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  /** 404: what the request names is not there (any more). */
  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  /** 409: what the request names is there but not in a state that allows it. */
  public static ApiException conflict(String message) {
    return new ApiException(409, message);
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
