package dev.edgeinfer.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A dense tensor: an element type, a shape and its elements. Numeric data lives in a direct,
 * native-order buffer that ONNX Runtime reads in place (no copy), so a tensor can be filled once
 * per sample and run many times. Closing releases the native view; the tensor cannot be run
 * afterwards. Not thread-safe: give each thread its own input tensors.
 */
public final class Tensor implements AutoCloseable {
  private final ElementType type;
  private final long[] shape;
  private final ByteBuffer data;
  private final String[] strings;
  private OnnxTensor native_;
  private boolean closed;

  private Tensor(ElementType type, long[] shape, ByteBuffer data, String[] strings) {
    this.type = type;
    this.shape = shape;
    this.data = data;
    this.strings = strings;
  }

  /** A zero-filled tensor of the given type and shape. */
  public static Tensor zeros(ElementType type, long... shape) {
    long count = elementCount(shape);
    if (type == ElementType.STRING) {
      String[] values = new String[Math.toIntExact(count)];
      Arrays.fill(values, "");
      return new Tensor(type, shape.clone(), null, values);
    }
    return new Tensor(
        type, shape.clone(), allocate(Math.multiplyExact(count, type.byteSize())), null);
  }

  /**
   * A float tensor of {@code type} float32, float16, bfloat16 or float64, converted from {@code
   * values}.
   */
  public static Tensor ofFloats(ElementType type, float[] values, long... shape) {
    Tensor t = zeros(type, checkCount(values.length, shape));
    t.setFloats(0, values);
    return t;
  }

  /** A float32 tensor. */
  public static Tensor ofFloats(float[] values, long... shape) {
    return ofFloats(ElementType.FLOAT32, values, shape);
  }

  /** An int64 tensor. */
  public static Tensor ofLongs(long[] values, long... shape) {
    Tensor t = zeros(ElementType.INT64, checkCount(values.length, shape));
    t.data.asLongBuffer().put(values);
    return t;
  }

  /** An int32 tensor. */
  public static Tensor ofInts(int[] values, long... shape) {
    Tensor t = zeros(ElementType.INT32, checkCount(values.length, shape));
    t.data.asIntBuffer().put(values);
    return t;
  }

  /** An int8, uint8 or bool tensor from raw bytes (bool: 0 is false, anything else true). */
  public static Tensor ofBytes(ElementType type, byte[] values, long... shape) {
    if (type.byteSize() != 1) {
      throw new InferenceException(
          InferenceException.Code.INVALID_ARGUMENT,
          "ofBytes takes int8, uint8 or bool, not " + type);
    }
    Tensor t = zeros(type, checkCount(values.length, shape));
    t.data.put(0, values);
    return t;
  }

  /** A bool tensor. */
  public static Tensor ofBooleans(boolean[] values, long... shape) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) (values[i] ? 1 : 0);
    }
    return ofBytes(ElementType.BOOL, bytes, shape);
  }

  /** A string tensor. */
  public static Tensor ofStrings(String[] values, long... shape) {
    checkCount(values.length, shape);
    for (int i = 0; i < values.length; i++) {
      Objects.requireNonNull(values[i], () -> "string element is null");
    }
    return new Tensor(ElementType.STRING, shape.clone(), null, values.clone());
  }

  /**
   * Wraps a direct buffer without copying: ONNX Runtime reads and the caller may keep writing it.
   * The buffer must be direct, native-order and hold exactly the tensor's bytes.
   */
  public static Tensor wrap(ElementType type, ByteBuffer direct, long... shape) {
    if (type == ElementType.STRING) {
      throw new InferenceException(
          InferenceException.Code.INVALID_ARGUMENT,
          "string tensors cannot wrap a buffer; use ofStrings");
    }
    if (!direct.isDirect() || direct.order() != ByteOrder.nativeOrder()) {
      throw new InferenceException(
          InferenceException.Code.INVALID_ARGUMENT,
          "wrap needs a direct buffer in native byte order; allocate it with ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder())");
    }
    long bytes = elementCount(shape) * type.byteSize();
    if (direct.remaining() != bytes) {
      throw new InferenceException(
          InferenceException.Code.INVALID_ARGUMENT,
          "buffer holds "
              + direct.remaining()
              + " bytes but "
              + type
              + Arrays.toString(shape)
              + " needs "
              + bytes);
    }
    return new Tensor(type, shape.clone(), direct.slice().order(ByteOrder.nativeOrder()), null);
  }

  /**
   * Stacks tensors of equal type and trailing shape along the first axis: shapes [a,...] and
   * [b,...] give [a+b,...]. This is how samples become a batch.
   */
  public static Tensor concat(List<Tensor> parts) {
    if (parts.isEmpty()) {
      throw new InferenceException(
          InferenceException.Code.INVALID_ARGUMENT, "cannot concatenate an empty list of tensors");
    }
    Tensor first = parts.getFirst();
    long rows = 0;
    for (Tensor part : parts) {
      part.checkOpen();
      if (part.type != first.type
          || part.shape.length == 0
          || part.shape.length != first.shape.length
          || !Arrays.equals(part.shape, 1, part.shape.length, first.shape, 1, first.shape.length)) {
        throw new InferenceException(
            InferenceException.Code.INVALID_INPUT,
            "cannot batch "
                + part.describe()
                + " with "
                + first.describe()
                + ": all samples need the same type and trailing shape");
      }
      rows += part.shape[0];
    }
    long[] shape = first.shape.clone();
    shape[0] = rows;
    if (first.type == ElementType.STRING) {
      String[] all = parts.stream().flatMap(p -> Arrays.stream(p.strings)).toArray(String[]::new);
      return new Tensor(ElementType.STRING, shape, null, all);
    }
    Tensor out = zeros(first.type, shape);
    int offset = 0;
    for (Tensor part : parts) {
      out.data.put(offset, part.data, 0, part.data.capacity());
      offset += part.data.capacity();
    }
    return out;
  }

  /** Rows {@code [from, to)} of the first axis, as a new tensor (a copy). */
  public Tensor rows(long from, long to) {
    checkOpen();
    if (shape.length == 0 || from < 0 || to > shape[0] || from >= to) {
      throw new InferenceException(
          InferenceException.Code.INVALID_ARGUMENT,
          "rows [" + from + ", " + to + ") are outside " + describe());
    }
    long[] sub = shape.clone();
    sub[0] = to - from;
    long rowElements = shape[0] == 0 ? 0 : elementCount() / shape[0];
    if (type == ElementType.STRING) {
      return new Tensor(
          type,
          sub,
          null,
          Arrays.copyOfRange(
              strings, Math.toIntExact(from * rowElements), Math.toIntExact(to * rowElements)));
    }
    Tensor out = zeros(type, sub);
    int rowBytes = Math.toIntExact(rowElements * type.byteSize());
    out.data.put(
        0, data, Math.toIntExact(from * rowBytes), Math.toIntExact((to - from) * rowBytes));
    return out;
  }

  public ElementType type() {
    return type;
  }

  /** The shape (a copy). */
  public long[] shape() {
    return shape.clone();
  }

  public long elementCount() {
    return elementCount(shape);
  }

  /**
   * The tensor's bytes, read-write, shared with ONNX Runtime: writes are seen by the next run. Not
   * available for string tensors.
   */
  public ByteBuffer buffer() {
    checkOpen();
    if (data == null) {
      throw new InferenceException(
          InferenceException.Code.INVALID_ARGUMENT,
          "string tensors have no byte buffer; use toStrings()");
    }
    return data.duplicate().order(ByteOrder.nativeOrder());
  }

  /**
   * Writes {@code values} into a float-typed tensor starting at element {@code offset}, converting
   * as needed.
   */
  public void setFloats(int offset, float[] values) {
    checkOpen();
    switch (type) {
      case FLOAT32 -> data.asFloatBuffer().put(offset, values);
      case FLOAT64 -> {
        for (int i = 0; i < values.length; i++) {
          data.putDouble((offset + i) * 8, values[i]);
        }
      }
      case FLOAT16 -> {
        for (int i = 0; i < values.length; i++) {
          data.putShort((offset + i) * 2, Float.floatToFloat16(values[i]));
        }
      }
      case BFLOAT16 -> {
        for (int i = 0; i < values.length; i++) {
          data.putShort((offset + i) * 2, toBfloat16(values[i]));
        }
      }
      default ->
          throw new InferenceException(
              InferenceException.Code.INVALID_ARGUMENT,
              "cannot write floats into a "
                  + type
                  + " tensor; quantize them first or use a float model input");
    }
  }

  /** The elements as floats (converted from any numeric type). */
  public float[] toFloatArray() {
    checkOpen();
    int n = Math.toIntExact(elementCount());
    float[] out = new float[n];
    switch (type) {
      case FLOAT32 -> data.asFloatBuffer().get(0, out);
      case FLOAT64 -> {
        for (int i = 0; i < n; i++) out[i] = (float) data.getDouble(i * 8);
      }
      case FLOAT16 -> {
        for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(data.getShort(i * 2));
      }
      case BFLOAT16 -> {
        for (int i = 0; i < n; i++)
          out[i] = Float.intBitsToFloat((data.getShort(i * 2) & 0xffff) << 16);
      }
      case INT8, BOOL -> {
        for (int i = 0; i < n; i++) out[i] = data.get(i);
      }
      case UINT8 -> {
        for (int i = 0; i < n; i++) out[i] = data.get(i) & 0xff;
      }
      case INT16 -> {
        for (int i = 0; i < n; i++) out[i] = data.getShort(i * 2);
      }
      case INT32 -> {
        for (int i = 0; i < n; i++) out[i] = data.getInt(i * 4);
      }
      case INT64 -> {
        for (int i = 0; i < n; i++) out[i] = data.getLong(i * 8);
      }
      default ->
          throw new InferenceException(
              InferenceException.Code.INVALID_ARGUMENT,
              "cannot read a " + type + " tensor as floats; use toStrings()");
    }
    return out;
  }

  /** The elements of an integer, bool or float tensor as longs (floats are truncated). */
  public long[] toLongArray() {
    checkOpen();
    if (type == ElementType.INT64) {
      long[] out = new long[Math.toIntExact(elementCount())];
      data.asLongBuffer().get(0, out);
      return out;
    }
    float[] floats = toFloatArray();
    long[] out = new long[floats.length];
    for (int i = 0; i < floats.length; i++) {
      out[i] = (long) floats[i];
    }
    return out;
  }

  /** The elements of a string tensor. */
  public String[] toStrings() {
    checkOpen();
    if (strings == null) {
      throw new InferenceException(
          InferenceException.Code.INVALID_ARGUMENT, "a " + type + " tensor holds no strings");
    }
    return strings.clone();
  }

  /** Renders as {@code float32[1,1,8,8]}. */
  public String describe() {
    return type + Arrays.toString(shape).replace(" ", "");
  }

  @Override
  public String toString() {
    return "Tensor " + describe();
  }

  /** Idempotent: releases the native view of this tensor. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (native_ != null) {
      native_.close();
      native_ = null;
    }
  }

  /**
   * The ONNX Runtime view of this tensor, created on first use and reused while the tensor is open.
   */
  OnnxTensor onnx(OrtEnvironment env) throws OrtException {
    checkOpen();
    if (native_ == null) {
      native_ =
          strings != null
              ? OnnxTensor.createTensor(env, strings, shape)
              : OnnxTensor.createTensor(env, data, shape, type.javaType);
    }
    return native_;
  }

  /** Copies an ONNX Runtime value into a new tensor that owns its data. */
  static Tensor copyOf(OnnxTensor value) throws OrtException {
    ElementType type = ElementType.of(value.getInfo().onnxType);
    long[] shape = value.getInfo().getShape();
    if (type == ElementType.STRING) {
      return new Tensor(
          type,
          shape,
          null,
          flattenStrings(value.getValue(), Math.toIntExact(elementCount(shape))));
    }
    ByteBuffer source = value.getByteBuffer().order(ByteOrder.nativeOrder());
    ByteBuffer copy = allocate(source.remaining());
    copy.put(0, source, source.position(), source.remaining());
    return new Tensor(type, shape, copy, null);
  }

  private static String[] flattenStrings(Object nested, int count) {
    String[] out = new String[count];
    int[] next = {0};
    flattenInto(nested, out, next);
    return out;
  }

  private static void flattenInto(Object value, String[] out, int[] next) {
    if (value instanceof String s) {
      out[next[0]++] = s;
    } else if (value instanceof Object[] array) {
      for (Object item : array) {
        flattenInto(item, out, next);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new InferenceException(
          InferenceException.Code.CLOSED, "tensor " + describe() + " was used after close()");
    }
  }

  private static ByteBuffer allocate(long bytes) {
    return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
  }

  static long elementCount(long[] shape) {
    long count = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new InferenceException(
            InferenceException.Code.INVALID_ARGUMENT,
            "shape "
                + Arrays.toString(shape)
                + " has a negative dimension; every dimension must be concrete");
      }
      count = Math.multiplyExact(count, d);
    }
    return count;
  }

  private static long[] checkCount(int length, long[] shape) {
    long expected = elementCount(shape);
    if (expected != length) {
      throw new InferenceException(
          InferenceException.Code.INVALID_ARGUMENT,
          length
              + " values do not fill shape "
              + Arrays.toString(shape)
              + " ("
              + expected
              + " elements)");
    }
    return shape;
  }

  private static short toBfloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) 0x7fc0;
    }
    int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
    return (short) (rounded >>> 16);
  }
}
