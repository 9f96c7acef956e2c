package dev.edgeinfer.peers;

import dev.edgeinfer.runtime.ElementType;
import dev.edgeinfer.runtime.InferenceException;
import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.ModelOptions;
import dev.edgeinfer.runtime.Outputs;
import dev.edgeinfer.runtime.Tensor;
import dev.edgeinfer.runtime.TensorSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * EdgeInfer: {@link Model#run} with a reused input {@link Tensor}, the path every EdgeInfer command
 * takes.
 */
final class EdgeInferPeer implements Peer {
  private final Model model;
  private final TensorSpec input;
  private Tensor tensor;
  private Map<String, Tensor> feed = Map.of();

  private EdgeInferPeer(Model model, TensorSpec input) {
    this.model = model;
    this.input = input;
  }

  static EdgeInferPeer open(Path file, int intraOpThreads) {
    Model model;
    try {
      model =
          Model.open(
              file,
              ModelOptions.builder()
                  .intraOpThreads(intraOpThreads)
                  .interOpThreads(1)
                  .optimization(ModelOptions.Optimization.ALL)
                  .build());
    } catch (InferenceException e) {
      throw new PeerException(
          PeerException.Code.ENGINE_FAILURE,
          "EdgeInfer could not load " + file + ": " + e.getMessage(),
          e);
    }
    var inputs = model.signature().inputs();
    if (inputs.size() != 1 || inputs.getFirst().type() != ElementType.FLOAT32) {
      model.close();
      throw new PeerException(
          PeerException.Code.UNSUPPORTED_MODEL,
          file
              + " takes inputs "
              + inputs
              + "; the peer comparison needs a model with exactly one float32 input");
    }
    return new EdgeInferPeer(model, inputs.getFirst());
  }

  /** The model's only input, as EdgeInfer reads it: name, type and declared shape. */
  TensorSpec input() {
    return input;
  }

  @Override
  public String name() {
    return "edgeinfer";
  }

  @Override
  public void prepare(InputBatch batch) {
    closeInput();
    tensor = Tensor.ofFloats(batch.values(), batch.shape());
    feed = Map.of(input.name(), tensor);
  }

  @Override
  public void infer() {
    try (Outputs outputs = model.run(feed)) {
      if (outputs.size() == 0) {
        throw new PeerException(PeerException.Code.ENGINE_FAILURE, "EdgeInfer returned no outputs");
      }
    }
  }

  @Override
  public float[] firstOutput() {
    try (Outputs outputs = model.run(feed);
        Tensor first = outputs.get(0)) {
      return first.toFloatArray();
    }
  }

  private void closeInput() {
    if (tensor != null) {
      tensor.close();
      tensor = null;
      feed = Map.of();
    }
  }

  @Override
  public void close() {
    closeInput();
    model.close();
  }
}
