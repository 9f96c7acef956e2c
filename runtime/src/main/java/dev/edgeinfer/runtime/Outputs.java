package dev.edgeinfer.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The outputs of one run, in the model's output order. Holds native memory until closed; a {@link
 * Tensor} taken from it is a copy that stays valid after close. Not thread-safe.
 */
public final class Outputs implements AutoCloseable {
  private final OrtSession.Result result;
  private final List<String> names;
  private boolean closed;

  Outputs(OrtSession.Result result) {
    this.result = result;
    List<String> collected = new ArrayList<>(result.size());
    for (Map.Entry<String, OnnxValue> entry : result) {
      collected.add(entry.getKey());
    }
    this.names = List.copyOf(collected);
  }

  /** Output names in the order the model declares them (filtered to the requested ones). */
  public List<String> names() {
    return names;
  }

  public int size() {
    return names.size();
  }

  /** The output at {@code index}, copied into a tensor that outlives this object. */
  public Tensor get(int index) {
    checkOpen();
    if (index < 0 || index >= names.size()) {
      throw new InferenceException(
          InferenceException.Code.INVALID_ARGUMENT,
          "output index "
              + index
              + " is out of range; the model has "
              + names.size()
              + " outputs "
              + names);
    }
    return copy(result.get(index), names.get(index));
  }

  /** The output named {@code name}, copied into a tensor that outlives this object. */
  public Tensor get(String name) {
    checkOpen();
    OnnxValue value =
        result
            .get(name)
            .orElseThrow(
                () ->
                    new InferenceException(
                        InferenceException.Code.INVALID_ARGUMENT,
                        "no output named '" + name + "'; the outputs are " + names));
    return copy(value, name);
  }

  private static Tensor copy(OnnxValue value, String name) {
    if (!(value instanceof OnnxTensor tensor)) {
      throw new InferenceException(
          InferenceException.Code.UNSUPPORTED,
          "output '"
              + name
              + "' is a "
              + value.getType()
              + ", not a tensor; only tensor outputs are supported");
    }
    try {
      return Tensor.copyOf(tensor);
    } catch (OrtException e) {
      throw new InferenceException(
          InferenceException.Code.RUNTIME_FAILURE,
          "could not read output '" + name + "': " + e.getMessage(),
          e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new InferenceException(
          InferenceException.Code.CLOSED, "outputs were read after close()");
    }
  }

  /** Idempotent: frees the native output values. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      result.close();
    }
  }
}
