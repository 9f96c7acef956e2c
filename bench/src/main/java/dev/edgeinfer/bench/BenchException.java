package dev.edgeinfer.bench;

/**
 * The unchecked exception of the bench module: a bad benchmark setting, named with its value. Exit
 * code 2.
 */
public final class BenchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BenchException(String message) {
    super(message);
  }

  /** Bad settings are usage errors. */
  public int exitCode() {
    return 2;
  }
}
