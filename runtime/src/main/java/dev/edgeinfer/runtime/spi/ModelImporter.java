package dev.edgeinfer.runtime.spi;

import java.nio.file.Path;
import java.util.Set;

/**
 * Converts model files of another format (such as TFLite) to ONNX, so that everything that opens a
 * model file through {@link dev.edgeinfer.runtime.ModelFormats} accepts that format too.
 * Implementations are found with {@link java.util.ServiceLoader}: a module registers one in {@code
 * META-INF/services/dev.edgeinfer.runtime.spi.ModelImporter}, and the runtime does not depend on
 * it.
 *
 * <p>Implementations must be thread-safe and stateless; conversions are cached by the runtime.
 */
public interface ModelImporter {

  /**
   * The file name extensions this importer reads, lower case and without the dot: {@code tflite}.
   */
  Set<String> extensions();

  /**
   * Converts the file to a serialized ONNX model.
   *
   * @throws dev.edgeinfer.runtime.InferenceException with a one-line message naming the file and
   *     what is wrong ({@code INVALID_MODEL}, {@code UNSUPPORTED}, {@code MODEL_NOT_FOUND})
   */
  byte[] toOnnx(Path file);
}
