package dev.edgeinfer.bench;

/** A query that does nothing: measures what the load generator itself can sustain. */
final class NoopTarget implements InferenceTarget {
  private final int batch;

  NoopTarget(int batch) {
    this.batch = batch;
  }

  @Override
  public void infer() {}

  @Override
  public int batch() {
    return batch;
  }

  @Override
  public void close() {}
}
