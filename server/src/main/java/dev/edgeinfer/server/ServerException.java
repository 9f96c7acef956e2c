package dev.edgeinfer.server;

/**
 * The one unchecked exception of the server: a one-line message for the client, and a code that
 * maps to the HTTP status and the gRPC status code the protocol expects.
 */
public final class ServerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as the client sees it. */
  public enum Code {
    BAD_REQUEST(400, "INVALID_ARGUMENT"),
    UNAUTHORIZED(401, "UNAUTHENTICATED"),
    NOT_FOUND(404, "NOT_FOUND"),
    TOO_LARGE(413, "RESOURCE_EXHAUSTED"),
    QUEUE_FULL(429, "RESOURCE_EXHAUSTED"),
    UNAVAILABLE(503, "UNAVAILABLE"),
    TIMEOUT(503, "DEADLINE_EXCEEDED"),
    INTERNAL(500, "INTERNAL");

    private final int httpStatus;
    private final String grpcStatus;

    Code(int httpStatus, String grpcStatus) {
      this.httpStatus = httpStatus;
      this.grpcStatus = grpcStatus;
    }

    public int httpStatus() {
      return httpStatus;
    }

    /** The name of the {@code io.grpc.Status.Code} to answer with. */
    public String grpcStatus() {
      return grpcStatus;
    }
  }

  private final Code code;

  public ServerException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public ServerException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }

  /**
   * The server's view of any failure: itself, a runtime {@code InferenceException} mapped by its
   * code (bad input 400, closed 503, runtime failure 500), or an unexpected one as a 500.
   */
  static ServerException from(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof java.util.concurrent.CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return switch (cause) {
      case ServerException e -> e;
      case dev.edgeinfer.runtime.InferenceException e ->
          new ServerException(
              switch (e.code()) {
                case MODEL_NOT_FOUND -> Code.NOT_FOUND;
                case CLOSED -> Code.UNAVAILABLE;
                case RUNTIME_FAILURE -> Code.INTERNAL;
                default -> Code.BAD_REQUEST;
              },
              e.getMessage(),
              e);
      default -> new ServerException(Code.INTERNAL, "internal error: " + cause, cause);
    };
  }
}
