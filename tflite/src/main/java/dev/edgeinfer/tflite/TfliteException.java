package dev.edgeinfer.tflite;

/**
 * The one unchecked exception of the TFLite importer. Its message is a single line that says what
 * was wrong, with the offending value, and what to do; {@link #code()} maps it to an exit code.
 */
public final class TfliteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Code {
    /** There is no file at the path given. */
    FILE_NOT_FOUND(2),
    /** The bytes are not a TFLite flatbuffer. */
    NOT_TFLITE(2),
    /** The flatbuffer ends before a table, vector or buffer it points to. */
    TRUNCATED(2),
    /** The model uses an operator, custom op, tensor type or option the converter does not map. */
    UNSUPPORTED(2),
    /** The model is a flatbuffer but contradicts itself (bad tensor index, shape, buffer). */
    INVALID_MODEL(2),
    /** Reading or writing a file failed. */
    IO(1);

    private final int exitCode;

    Code(int exitCode) {
      this.exitCode = exitCode;
    }

    /** Process exit code: 2 for input the user can fix, 1 for failures of the machine. */
    public int exitCode() {
      return exitCode;
    }
  }

  private final Code code;

  TfliteException(Code code, String message) {
    super(message);
    this.code = code;
  }

  TfliteException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
