package dev.edgeinfer.bench;

import dev.edgeinfer.runtime.Tensor;
import java.util.Map;

/** Queries of one batch size on synthetic inputs, through a {@link SystemUnderTest}. */
final class QueryTarget implements InferenceTarget {
  private final Map<String, Tensor> inputs;
  private final SystemUnderTest.Query query;
  private final int batch;

  QueryTarget(SystemUnderTest system, int batch, Map<String, long[]> shapes, long seed) {
    this.batch = batch;
    this.inputs = SyntheticInputs.create(system.signature(), batch, shapes, seed);
    this.query = system.prepare(inputs);
  }

  @Override
  public void infer() {
    query.run();
  }

  /** The synthetic inputs each query runs on. */
  Map<String, Tensor> inputs() {
    return inputs;
  }

  @Override
  public int batch() {
    return batch;
  }

  /** Frees the inputs. */
  @Override
  public void close() {
    inputs.values().forEach(Tensor::close);
  }
}
