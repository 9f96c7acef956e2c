package dev.edgeinfer.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * One tensor of a TFLite subgraph: its static shape, element type, constant data (weights) when it
 * has any, and quantization.
 */
record Tensor(
    int index,
    String name,
    TensorType type,
    int[] shape,
    Optional<ByteBuffer> data,
    Optional<Quantization> quantization) {

  boolean isConstant() {
    return data.isPresent();
  }

  int rank() {
    return shape.length;
  }

  long elementCount() {
    long count = 1;
    for (int dim : shape) {
      count *= Math.max(dim, 0);
    }
    return count;
  }

  /** Quantized activations and weights: int8/uint8/int16 with a scale. */
  boolean isQuantized() {
    return type.isQuantizedInteger() && quantization.isPresent();
  }

  /** Integer values of a constant int32/int64 tensor (shapes, axes, paddings). */
  long[] longValues() {
    ByteBuffer bytes = data.orElseThrow().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int count = (int) elementCount();
    long[] values = new long[count];
    for (int i = 0; i < count; i++) {
      values[i] =
          switch (type) {
            case INT32 -> bytes.getInt(4 * i);
            case INT64 -> bytes.getLong(8 * i);
            case INT16 -> bytes.getShort(2 * i);
            case INT8 -> bytes.get(i);
            case UINT8 -> bytes.get(i) & 0xff;
            default ->
                throw new TfliteException(
                    TfliteException.Code.UNSUPPORTED,
                    "tensor '" + name + "' is " + type + " where integer values are expected");
          };
    }
    return values;
  }

  /** Values of a constant float32 tensor. */
  float[] floatValues() {
    ByteBuffer bytes = data.orElseThrow().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int count = (int) elementCount();
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] =
          switch (type) {
            case FLOAT32 -> bytes.getFloat(4 * i);
            case FLOAT16 -> Float.float16ToFloat(bytes.getShort(2 * i));
            default -> (float) longValues()[i];
          };
    }
    return values;
  }
}
