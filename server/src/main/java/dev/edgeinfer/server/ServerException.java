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
}
