package dev.edgeinfer.peers;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The float32 values every engine is fed, so all three compute the same thing: a batch of {@code
 * shape[0]} samples, values in [0, 1) from a fixed seed.
 *
 * @param shape the full input shape, batch first
 * @param values the elements in row-major order
 */
record InputBatch(long[] shape, float[] values) {
  private static final long SEED = 42;

  InputBatch {
    shape = shape.clone();
    long count = 1;
    for (long d : shape) {
      count = Math.multiplyExact(count, d);
    }
    if (shape.length == 0 || count != values.length) {
      throw new IllegalArgumentException(
          values.length + " values do not fill shape " + Arrays.toString(shape));
    }
  }

  /** A batch of {@code batch} random samples, each of {@code sampleShape}. */
  static InputBatch random(int batch, long[] sampleShape) {
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = batch;
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    long count = 1;
    for (long d : shape) {
      count = Math.multiplyExact(count, d);
    }
    SplittableRandom random = new SplittableRandom(SEED);
    float[] values = new float[Math.toIntExact(count)];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextDouble();
    }
    return new InputBatch(shape, values);
  }

  int batch() {
    return Math.toIntExact(shape[0]);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }
}
