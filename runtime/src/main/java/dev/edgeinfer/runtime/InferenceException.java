package dev.edgeinfer.runtime;

/**
 * The one unchecked exception of the runtime. Its message is a single line that says what was
 * wrong, with the offending value, and what to do about it; {@link #code()} maps it to an exit code
 * and an HTTP status.
 */
public final class InferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in terms a caller can act on. */
  public enum Code {
    /** The model file does not exist or cannot be read. */
    MODEL_NOT_FOUND(2, 404),
    /** The bytes are not a model ONNX Runtime can load (not ONNX, truncated, unsupported opset). */
    INVALID_MODEL(2, 400),
    /** An input's name, type or shape does not match the model. */
    INVALID_INPUT(2, 400),
    /** A setting or argument is malformed or out of range. */
    INVALID_ARGUMENT(2, 400),
    /** The execution provider name is not one ONNX Runtime knows. */
    UNKNOWN_PROVIDER(2, 400),
    /** Something the model or the input needs is not supported yet. */
    UNSUPPORTED(2, 400),
    /** The model or tensor was used after close. */
    CLOSED(1, 503),
    /** ONNX Runtime failed while running a valid request. */
    RUNTIME_FAILURE(1, 500);

    private final int exitCode;
    private final int httpStatus;

    Code(int exitCode, int httpStatus) {
      this.exitCode = exitCode;
      this.httpStatus = httpStatus;
    }

    /**
     * Process exit code: 2 for usage and input errors the user can fix, 1 for failures at run time.
     */
    public int exitCode() {
      return exitCode;
    }

    /** HTTP status a server answers with. */
    public int httpStatus() {
      return httpStatus;
    }
  }

  private final Code code;

  public InferenceException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public InferenceException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
