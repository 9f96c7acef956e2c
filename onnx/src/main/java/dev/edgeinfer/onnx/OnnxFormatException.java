package dev.edgeinfer.onnx;

import java.util.Objects;

/**
 * The one unchecked exception of the ONNX module. Its message is a single line that says what was
 * wrong, with the offending value (a path, a size, a name), and what to do about it; {@link
 * #code()} maps it to an exit code and an HTTP status.
 *
 * <p>A file that protobuf cannot parse is classified by its top-level fields: when they are fields
 * of an ONNX {@code ModelProto} but the data ends early or breaks inside one of them, the code is
 * {@link Code#TRUNCATED}; otherwise it is {@link Code#NOT_ONNX}. Bytes that happen to parse but
 * carry no {@code ir_version}, no graph or no {@code opset_import} are also {@link Code#NOT_ONNX}.
 */
public final class OnnxFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in terms a caller can act on. */
  public enum Code {
    /** The model file, or a file holding its external data, does not exist. */
    FILE_NOT_FOUND(2, 404),
    /** The bytes are not an ONNX model at all (a text file, an image, another format). */
    NOT_ONNX(2, 400),
    /** The bytes start like an ONNX model but end early or are damaged inside. */
    TRUNCATED(2, 400),
    /** The model is valid ONNX but uses something this module cannot handle (size, layout). */
    UNSUPPORTED(2, 400),
    /** The model breaks a rule of the ONNX specification (missing graph, escaping paths). */
    INVALID_GRAPH(2, 400),
    /** Reading or writing failed for a reason outside the model (permissions, full disk). */
    IO(1, 500);

    private final int exitCode;
    private final int httpStatus;

    Code(int exitCode, int httpStatus) {
      this.exitCode = exitCode;
      this.httpStatus = httpStatus;
    }

    /** Process exit code: 2 for problems the user can fix in their input, 1 for failures. */
    public int exitCode() {
      return exitCode;
    }

    /** HTTP status a server answers with. */
    public int httpStatus() {
      return httpStatus;
    }
  }

  private final Code code;

  /** Creates an exception with a one-line message that says what is wrong and what to do. */
  OnnxFormatException(Code code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** Creates an exception caused by a lower-level failure. */
  OnnxFormatException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** What went wrong. */
  public Code code() {
    return code;
  }
}
