package dev.edgeinfer.peers;

/**
 * The one unchecked exception of the peers module. Its message says what was wrong, with the value,
 * and what to do; {@link #code()} maps it to an exit code.
 */
public final class PeerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in terms a caller can act on. */
  public enum Code {
    /** A command-line setting is malformed or out of range. Exit code 2. */
    USAGE(2),
    /**
     * The model does not fit the comparison (several inputs, not float32, no batch axis). Exit code
     * 2.
     */
    UNSUPPORTED_MODEL(2),
    /** An engine could not load or run the model. Exit code 1. */
    ENGINE_FAILURE(1),
    /** The report could not be written. Exit code 1. */
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

  public PeerException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public PeerException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
