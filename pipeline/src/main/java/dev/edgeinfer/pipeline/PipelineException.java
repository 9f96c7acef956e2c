package dev.edgeinfer.pipeline;

/**
 * The one unchecked exception of the pipeline module: a one-line message that names the bad value
 * and says what to do, and a {@link Code} that maps to an exit code.
 */
public final class PipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Code {
    /** A source or sink spec is malformed. */
    INVALID_SPEC(2),
    /** A file or folder a spec names does not exist or cannot be read. */
    NOT_FOUND(2),
    /** The data does not fit the model (shape, element count, type). */
    SHAPE_MISMATCH(2),
    /** One sample cannot be decoded (a corrupt image, a bad row); the run skips it. */
    UNDECODABLE_SAMPLE(1),
    /** Writing results failed (disk full, permission). */
    SINK_FAILED(1),
    /** Reading input failed mid-run. */
    IO(1);

    private final int exitCode;

    Code(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private final Code code;

  public PipelineException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public PipelineException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
