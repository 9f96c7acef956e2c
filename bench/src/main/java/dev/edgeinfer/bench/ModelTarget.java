package dev.edgeinfer.bench;

import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.Outputs;
import dev.edgeinfer.runtime.Tensor;
import java.util.Map;

/** Queries through {@link Model#run}: the path every EdgeInfer command takes. */
final class ModelTarget implements InferenceTarget {
  private final Model model;
  private final Map<String, Tensor> inputs;
  private final int batch;

  ModelTarget(Model model, int batch, Map<String, long[]> shapes, long seed) {
    this.model = model;
    this.batch = batch;
    this.inputs = SyntheticInputs.create(model.signature(), batch, shapes, seed);
  }

  @Override
  public void infer() {
    try (Outputs outputs = model.run(inputs)) {
      if (outputs.size() == 0) {
        throw new IllegalStateException("the model returned no outputs");
      }
    }
  }

  /** The synthetic inputs each query runs on. */
  Map<String, Tensor> inputs() {
    return inputs;
  }

  @Override
  public int batch() {
    return batch;
  }

  /** Frees the inputs; the model belongs to the caller. */
  @Override
  public void close() {
    inputs.values().forEach(Tensor::close);
  }
}
