package dev.edgeinfer.server;

/**
 * A call of an {@link InferenceClient} failed: the server answered with an error, or could not be
 * reached. The message is the server's one-line message (or what went wrong on the way); {@link
 * #status()} is the transport status as received and {@link #code()} what it means.
 */
public final class InferenceClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ServerException.Code code;
  private final String status;

  InferenceClientException(ServerException.Code code, String status, String message) {
    super(message);
    this.code = code;
    this.status = status;
  }

  InferenceClientException(
      ServerException.Code code, String status, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.status = status;
  }

  /** What went wrong, on the server's scale: {@code NOT_FOUND}, {@code BAD_REQUEST}... */
  public ServerException.Code code() {
    return code;
  }

  /** The status as the transport gave it: {@code HTTP 404}, {@code gRPC NOT_FOUND}... */
  public String status() {
    return status;
  }

  /** The code an HTTP status stands for. */
  static ServerException.Code fromHttp(int status) {
    return switch (status) {
      case 400 -> ServerException.Code.BAD_REQUEST;
      case 401, 403 -> ServerException.Code.UNAUTHORIZED;
      case 404 -> ServerException.Code.NOT_FOUND;
      case 413 -> ServerException.Code.TOO_LARGE;
      case 429 -> ServerException.Code.QUEUE_FULL;
      case 503 -> ServerException.Code.UNAVAILABLE;
      case 504 -> ServerException.Code.TIMEOUT;
      default -> ServerException.Code.INTERNAL;
    };
  }

  /** The code a gRPC status code (by name) stands for. */
  static ServerException.Code fromGrpc(String status) {
    return switch (status) {
      case "INVALID_ARGUMENT", "OUT_OF_RANGE", "FAILED_PRECONDITION" ->
          ServerException.Code.BAD_REQUEST;
      case "UNAUTHENTICATED", "PERMISSION_DENIED" -> ServerException.Code.UNAUTHORIZED;
      case "NOT_FOUND" -> ServerException.Code.NOT_FOUND;
      case "RESOURCE_EXHAUSTED" -> ServerException.Code.QUEUE_FULL;
      case "UNAVAILABLE", "CANCELLED" -> ServerException.Code.UNAVAILABLE;
      case "DEADLINE_EXCEEDED" -> ServerException.Code.TIMEOUT;
      default -> ServerException.Code.INTERNAL;
    };
  }
}
