package dev.edgeinfer.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a loaded model takes and returns, plus the free-form metadata its author stored in it (for
 * example {@code labels}).
 */
public record ModelSignature(
    List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, String> metadata) {
  public ModelSignature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    metadata = Map.copyOf(metadata);
  }

  public Optional<TensorSpec> input(String name) {
    return inputs.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public Optional<TensorSpec> output(String name) {
    return outputs.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
