package dev.edgeinfer.bench;

import dev.edgeinfer.pipeline.NpyArray;
import dev.edgeinfer.runtime.Tensor;
import dev.edgeinfer.runtime.TensorSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Accuracy mode: runs every sample of a .npy file through the model and counts how often the best
 * class of the first output equals the label. Batches when the model has a batch axis.
 */
final class AccuracyCheck {
  private static final int MAX_BATCH = 64;

  private AccuracyCheck() {}

  static double run(SystemUnderTest system, NpyArray data, NpyArray labels) {
    if (system.signature().inputs().size() != 1) {
      throw new BenchException(
          "accuracy mode feeds single-input models; this one takes "
              + system.signature().inputs().stream().map(TensorSpec::name).toList());
    }
    TensorSpec input = system.signature().inputs().getFirst();
    long[] sampleShape = input.concreteShape(1, Map.of(), 1);
    long perSample = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
    if (perSample != data.sampleSize()) {
      throw new BenchException(
          "--data "
              + data.name()
              + " has samples of shape "
              + Arrays.toString(data.sampleShape())
              + " ("
              + data.sampleSize()
              + " values) but input "
              + input
              + " takes "
              + perSample
              + " per sample");
    }
    if (labels.samples() != data.samples() || labels.sampleSize() != 1) {
      throw new BenchException(
          "--labels "
              + labels.name()
              + " has shape "
              + Arrays.toString(labels.shape())
              + " but --data has "
              + data.samples()
              + " samples; give one class index per sample");
    }
    int batch = input.hasBatchAxis() ? MAX_BATCH : 1;
    long correct = 0;
    for (long first = 0; first < data.samples(); first += batch) {
      int rows = (int) Math.min(batch, data.samples() - first);
      float[] values = new float[Math.toIntExact(rows * perSample)];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(
            data.sample(first + r), 0, values, Math.toIntExact(r * perSample), (int) perSample);
      }
      long[] shape = sampleShape.clone();
      shape[0] = input.hasBatchAxis() ? rows : shape[0];
      float[] scores;
      try (Tensor tensor = Tensor.ofFloats(input.type(), values, shape)) {
        List<Tensor> outputs = system.predict(Map.of(input.name(), tensor));
        scores = outputs.getFirst().toFloatArray();
        outputs.forEach(Tensor::close);
      }
      int classes = scores.length / rows;
      for (int r = 0; r < rows; r++) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
          if (scores[r * classes + c] > scores[r * classes + best]) {
            best = c;
          }
        }
        if (best == (long) labels.element(first + r)) {
          correct++;
        }
      }
    }
    return (double) correct / data.samples();
  }
}
