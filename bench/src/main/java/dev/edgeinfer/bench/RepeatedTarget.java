package dev.edgeinfer.bench;

/**
 * A query of several samples for a model without a batch axis: the samples run one after another.
 */
final class RepeatedTarget implements InferenceTarget {
  private final InferenceTarget single;
  private final int times;

  RepeatedTarget(InferenceTarget single, int times) {
    this.single = single;
    this.times = times;
  }

  @Override
  public void infer() {
    for (int i = 0; i < times; i++) {
      single.infer();
    }
  }

  @Override
  public int batch() {
    return single.batch() * times;
  }

  @Override
  public void close() {
    single.close();
  }
}
