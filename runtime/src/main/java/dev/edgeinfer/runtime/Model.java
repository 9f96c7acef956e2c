package dev.edgeinfer.runtime;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A loaded model, ready to run. Open one with {@link #open(Path)}:
 *
 * <pre>{@code
 * try (Model model = Model.open(Path.of("digits.onnx"));
 *      Tensor image = Tensor.ofFloats(pixels, 1, 1, 8, 8);
 *      Outputs out = model.predict(image)) {
 *   float[] logits = out.get(0).toFloatArray();
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may run the same model at once. {@link #close()} waits for
 * runs in flight, then frees the native session; runs after that fail with {@code CLOSED}.
 */
public interface Model extends AutoCloseable {

  /** Loads an ONNX model file with default options (CPU, all cores, full graph optimization). */
  static Model open(Path file) {
    return open(file, ModelOptions.defaults());
  }

  /**
   * Loads an ONNX model file, or a file of another format an importer on the class path reads
   * ({@code .tflite}), converted once and cached (see {@link ModelFormats}). External data files
   * are resolved next to it.
   */
  static Model open(Path file, ModelOptions options) {
    return OrtModel.open(ModelFormats.onnxFile(file), options);
  }

  /** Loads an ONNX model from its serialized bytes. */
  static Model load(byte[] onnxBytes, ModelOptions options) {
    return OrtModel.load(onnxBytes, options);
  }

  /** The model's inputs, outputs and metadata. */
  ModelSignature signature();

  /** The provider the session actually runs on (after any fallback). */
  ExecutionProvider provider();

  /** Runs the model on named inputs and returns every output. */
  Outputs run(Map<String, Tensor> inputs);

  /** Runs the model on named inputs and returns only the outputs named in {@code outputNames}. */
  Outputs run(Map<String, Tensor> inputs, Set<String> outputNames);

  /** Runs a single-input model. */
  default Outputs predict(Tensor input) {
    var inputs = signature().inputs();
    if (inputs.size() != 1) {
      throw new InferenceException(
          InferenceException.Code.INVALID_INPUT,
          "predict(tensor) needs a single-input model, this one has "
              + inputs.size()
              + " inputs "
              + inputs.stream().map(TensorSpec::name).toList()
              + "; call run(Map) with each input by name");
    }
    return run(Map.of(inputs.getFirst().name(), input));
  }

  /** Idempotent: waits for runs in flight, then frees the native session. */
  @Override
  void close();
}
