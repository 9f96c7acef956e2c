package dev.edgeinfer.tflite;

import dev.edgeinfer.runtime.InferenceException;
import dev.edgeinfer.runtime.spi.ModelImporter;
import java.nio.file.Path;
import java.util.Set;

/**
 * Lets every command and the server open {@code .tflite} files: registered with {@link
 * java.util.ServiceLoader}, it converts them to ONNX when the runtime asks. Stateless and
 * thread-safe.
 */
public final class TfliteImporter implements ModelImporter {

  /** For {@link java.util.ServiceLoader}. */
  public TfliteImporter() {}

  @Override
  public Set<String> extensions() {
    return Set.of("tflite");
  }

  @Override
  public byte[] toOnnx(Path file) {
    try {
      return TfliteModel.read(file).toOnnx().toByteArray();
    } catch (TfliteException e) {
      InferenceException.Code code =
          switch (e.code()) {
            case FILE_NOT_FOUND -> InferenceException.Code.MODEL_NOT_FOUND;
            case UNSUPPORTED -> InferenceException.Code.UNSUPPORTED;
            case IO -> InferenceException.Code.RUNTIME_FAILURE;
            case NOT_TFLITE, TRUNCATED, INVALID_MODEL -> InferenceException.Code.INVALID_MODEL;
          };
      throw new InferenceException(code, e.getMessage(), e);
    }
  }
}
