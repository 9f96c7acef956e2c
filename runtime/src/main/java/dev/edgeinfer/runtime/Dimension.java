package dev.edgeinfer.runtime;

/** One axis of a tensor's declared shape: a fixed size, or a symbol such as {@code batch}. */
public sealed interface Dimension {

  /** A dimension whose size is fixed by the model. */
  record Fixed(long size) implements Dimension {
    public Fixed {
      if (size < 0) {
        throw new IllegalArgumentException("dimension size must be >= 0, got " + size);
      }
    }

    @Override
    public String toString() {
      return Long.toString(size);
    }
  }

  /** A dimension the caller chooses, named by the model ({@code "?"} when it has no name). */
  record Symbolic(String name) implements Dimension {
    public Symbolic {
      if (name.isBlank()) {
        throw new IllegalArgumentException(
            "symbolic dimension needs a name; use \"?\" for an unnamed one");
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Dimension of(long size, String name) {
    if (size >= 0) {
      return new Fixed(size);
    }
    return new Symbolic(name == null || name.isBlank() ? "?" : name);
  }
}
