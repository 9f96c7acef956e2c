package dev.edgeinfer.onnx;

import dev.edgeinfer.onnx.proto.TensorShapeProto;
import java.util.OptionalLong;

/**
 * One axis of an inferred shape: a known size, a size named by the model (such as {@code batch}),
 * or nothing known. Inside shape values (the integer tensors that Reshape, Expand and friends read)
 * a known entry may also be negative, like the {@code -1} of a Reshape target.
 */
sealed interface Dim {

  Dim UNKNOWN = new Unknown();

  /** A size or value known when the model is inspected. */
  record Known(long value) implements Dim {
    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  /** A size the model leaves to the caller, named by a {@code dim_param}. */
  record Symbolic(String name) implements Dim {
    public Symbolic {
      if (name.isEmpty()) {
        throw new IllegalArgumentException("a symbolic dimension needs a name; use Dim.UNKNOWN");
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A size nothing in the model pins down. */
  record Unknown() implements Dim {
    @Override
    public String toString() {
      return "?";
    }
  }

  static Dim of(long value) {
    return new Known(value);
  }

  static Dim of(TensorShapeProto.Dimension dimension) {
    if (dimension.hasDimValue() && dimension.getDimValue() >= 0) {
      return new Known(dimension.getDimValue());
    }
    if (dimension.hasDimParam() && !dimension.getDimParam().isEmpty()) {
      return new Symbolic(dimension.getDimParam());
    }
    return UNKNOWN;
  }

  default boolean isKnown() {
    return this instanceof Known;
  }

  /** True when this is the known value {@code value}. */
  default boolean is(long value) {
    return this instanceof Known(long v) && v == value;
  }

  /** The size for a batch-1 estimate: symbols count as 1, unknown sizes have none. */
  default OptionalLong sizeForBatchOne() {
    return switch (this) {
      case Known(long value) -> OptionalLong.of(value);
      case Symbolic symbolic -> OptionalLong.of(1);
      case Unknown unknown -> OptionalLong.empty();
    };
  }
}
