package dev.edgeinfer.bench;

/**
 * One way of running one query: through EdgeInfer's {@code Model}, or a bare ONNX Runtime session.
 */
interface InferenceTarget extends AutoCloseable {

  /** Runs one query and frees its outputs. */
  void infer();

  /** Samples per query. */
  int batch();

  @Override
  void close();
}
