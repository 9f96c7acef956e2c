package dev.edgeinfer.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The declared name, element type and shape of a model input or output.
 *
 * @param name the tensor's name in the graph
 * @param type its element type
 * @param shape its dimensions, fixed or symbolic
 */
public record TensorSpec(String name, ElementType type, List<Dimension> shape) {
  public TensorSpec {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("tensor name must not be empty");
    }
    shape = List.copyOf(shape);
  }

  public int rank() {
    return shape.size();
  }

  /** True when the first axis is symbolic, so samples can be stacked along it. */
  public boolean hasBatchAxis() {
    return !shape.isEmpty() && shape.getFirst() instanceof Dimension.Symbolic;
  }

  /**
   * A concrete shape: symbolic axes take their value from {@code symbols} (by name) and otherwise
   * {@code fallback}; the first symbolic axis takes {@code batch}.
   */
  public long[] concreteShape(long batch, Map<String, Long> symbols, long fallback) {
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] =
          switch (shape.get(i)) {
            case Dimension.Fixed f -> f.size();
            case Dimension.Symbolic s -> symbols.getOrDefault(s.name(), i == 0 ? batch : fallback);
          };
    }
    return dims;
  }

  /**
   * Explains why {@code actual} does not fit this spec, or returns an empty string when it does.
   */
  String mismatch(ElementType actualType, long[] actual) {
    if (actualType != type) {
      return "element type is " + actualType + ", the model needs " + type;
    }
    if (actual.length != shape.size()) {
      return "rank is "
          + actual.length
          + " "
          + Arrays.toString(actual)
          + ", the model needs rank "
          + shape.size();
    }
    for (int i = 0; i < actual.length; i++) {
      if (shape.get(i) instanceof Dimension.Fixed f && f.size() != actual[i]) {
        return "dimension " + i + " is " + actual[i] + ", the model needs " + f.size();
      }
    }
    return "";
  }

  /** Renders as {@code float32[batch,1,8,8]}. */
  @Override
  public String toString() {
    return name
        + ": "
        + type
        + shape.stream().map(Object::toString).collect(Collectors.joining(",", "[", "]"));
  }
}
