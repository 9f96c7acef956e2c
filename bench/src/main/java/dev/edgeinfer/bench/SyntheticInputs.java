package dev.edgeinfer.bench;

import dev.edgeinfer.runtime.Dimension;
import dev.edgeinfer.runtime.ElementType;
import dev.edgeinfer.runtime.ModelSignature;
import dev.edgeinfer.runtime.Tensor;
import dev.edgeinfer.runtime.TensorSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random inputs of the right type and shape for a model: floats in [0, 1), integers in [0, 100)
 * (valid token ids for any vocabulary), random booleans. Symbolic dimensions take the batch size
 * (first axis) or the sizes given by {@code --shape}, else 1.
 */
final class SyntheticInputs {
  private SyntheticInputs() {}

  /** One tensor per model input; the caller closes them. */
  static Map<String, Tensor> create(
      ModelSignature signature, int batch, Map<String, long[]> shapes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (String name : shapes.keySet()) {
      if (signature.input(name).isEmpty()) {
        throw new BenchException(
            "--shape names input '"
                + name
                + "' but the model's inputs are "
                + signature.inputs().stream().map(TensorSpec::name).toList());
      }
    }
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (TensorSpec spec : signature.inputs()) {
      long[] shape =
          shapes.containsKey(spec.name())
              ? shapes.get(spec.name()).clone()
              : spec.concreteShape(batch, Map.of(), 1);
      if (shapes.containsKey(spec.name())) {
        check(spec, shape);
        if (spec.hasBatchAxis() && shape.length > 0) {
          shape[0] = batch;
        }
      }
      inputs.put(spec.name(), random(spec.type(), shape, random));
    }
    return inputs;
  }

  private static void check(TensorSpec spec, long[] shape) {
    if (shape.length != spec.rank()) {
      throw new BenchException(
          "--shape "
              + spec.name()
              + "="
              + Arrays.toString(shape)
              + " has rank "
              + shape.length
              + " but the input is "
              + spec);
    }
    for (int i = 0; i < shape.length; i++) {
      if (spec.shape().get(i) instanceof Dimension.Fixed f && f.size() != shape[i]) {
        throw new BenchException(
            "--shape "
                + spec.name()
                + " sets dimension "
                + i
                + " to "
                + shape[i]
                + " but the model fixes it at "
                + f.size()
                + " ("
                + spec
                + ")");
      }
    }
  }

  private static Tensor random(ElementType type, long[] shape, SplittableRandom random) {
    Tensor tensor = Tensor.zeros(type, shape);
    int n = Math.toIntExact(tensor.elementCount());
    switch (type) {
      case FLOAT32, FLOAT16, BFLOAT16, FLOAT64 -> {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
          values[i] = (float) random.nextDouble();
        }
        tensor.setFloats(0, values);
      }
      case STRING -> {
        tensor.close();
        String[] values = new String[n];
        Arrays.fill(values, "edge");
        return Tensor.ofStrings(values, shape);
      }
      default -> {
        var buffer = tensor.buffer();
        for (int i = 0; i < n; i++) {
          int value = type == ElementType.BOOL ? random.nextInt(2) : random.nextInt(100);
          switch (type.byteSize()) {
            case 1 -> buffer.put(i, (byte) value);
            case 2 -> buffer.putShort(i * 2, (short) value);
            case 4 -> buffer.putInt(i * 4, value);
            default -> buffer.putLong(i * 8, value);
          }
        }
      }
    }
    return tensor;
  }
}
