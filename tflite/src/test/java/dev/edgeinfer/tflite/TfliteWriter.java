package dev.edgeinfer.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small .tflite files for tests, following schema.fbs: the models a test needs are stated in
 * code (one or a few operators) instead of committed as binaries.
 */
final class TfliteWriter {

  /** One scalar field of an options table. */
  record Field(int index, char kind, Number value) {}

  static Field i32(int index, int value) {
    return new Field(index, 'i', value);
  }

  static Field i8(int index, int value) {
    return new Field(index, 'b', value);
  }

  static Field f32(int index, float value) {
    return new Field(index, 'f', value);
  }

  static Field bool(int index, boolean value) {
    return new Field(index, 'b', value ? 1 : 0);
  }

  private record TensorDef(
      String name,
      TensorType type,
      int[] shape,
      int buffer,
      float[] scales,
      long[] zeroPoints,
      int axis,
      boolean variable) {

    TensorDef(
        String name,
        TensorType type,
        int[] shape,
        int buffer,
        float[] scales,
        long[] zps,
        int axis) {
      this(name, type, shape, buffer, scales, zps, axis, false);
    }
  }

  /** A variable tensor (LSTM state): mutable between invocations, zero at the start. */
  int variable(String name, int... shape) {
    tensors.add(new TensorDef(name, TensorType.FLOAT32, shape, 0, null, null, 0, true));
    return tensors.size() - 1;
  }

  private record OpDef(
      int code,
      String custom,
      int optionsType,
      List<Field> options,
      int[] inputs,
      int[] outputs,
      byte[] customOptions) {}

  private final List<TensorDef> tensors = new ArrayList<>();
  private final List<OpDef> ops = new ArrayList<>();
  private final List<byte[]> buffers = new ArrayList<>(List.of(new byte[0]));
  private final Map<String, Integer> codes = new LinkedHashMap<>();

  /** An activation tensor (graph input, output or intermediate). */
  int tensor(String name, TensorType type, int... shape) {
    tensors.add(new TensorDef(name, type, shape, 0, null, null, 0));
    return tensors.size() - 1;
  }

  /** An int8/uint8 activation with one scale and zero point. */
  int quantized(String name, TensorType type, float scale, long zeroPoint, int... shape) {
    tensors.add(
        new TensorDef(name, type, shape, 0, new float[] {scale}, new long[] {zeroPoint}, 0));
    return tensors.size() - 1;
  }

  int floats(String name, float[] values, int... shape) {
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return constant(name, TensorType.FLOAT32, raw.array(), null, null, 0, shape);
  }

  int halfs(String name, float[] values, int... shape) {
    ByteBuffer raw = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i++) {
      raw.putShort(2 * i, Float.floatToFloat16(values[i]));
    }
    return constant(name, TensorType.FLOAT16, raw.array(), null, null, 0, shape);
  }

  int ints(String name, int[] values, int... shape) {
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asIntBuffer().put(values);
    return constant(name, TensorType.INT32, raw.array(), null, null, 0, shape);
  }

  /** Quantized int8 weights, per-tensor (one scale) or per-axis. */
  int int8(String name, byte[] values, float[] scales, long[] zeroPoints, int axis, int... shape) {
    return constant(name, TensorType.INT8, values, scales, zeroPoints, axis, shape);
  }

  /** An int32 bias quantized with scale input_scale * weight_scale (per channel). */
  int bias32(String name, int[] values, float[] scales, int... shape) {
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asIntBuffer().put(values);
    return constant(name, TensorType.INT32, raw.array(), scales, new long[scales.length], 0, shape);
  }

  private int constant(
      String name, TensorType type, byte[] raw, float[] scales, long[] zps, int axis, int[] shape) {
    buffers.add(raw);
    tensors.add(new TensorDef(name, type, shape, buffers.size() - 1, scales, zps, axis));
    return tensors.size() - 1;
  }

  TfliteWriter op(int code, int optionsType, List<Field> options, int[] inputs, int... outputs) {
    ops.add(new OpDef(code, null, optionsType, options, inputs, outputs, null));
    return this;
  }

  TfliteWriter custom(String name, byte[] options, int[] inputs, int... outputs) {
    ops.add(new OpDef(BuiltinOperator.CUSTOM, name, 0, List.of(), inputs, outputs, options));
    return this;
  }

  byte[] build(int[] inputs, int[] outputs) {
    FlatBufferBuilder b = new FlatBufferBuilder(1024);
    b.forceDefaults(true);
    int[] bufferOffsets = new int[buffers.size()];
    for (int i = 0; i < buffers.size(); i++) {
      byte[] data = buffers.get(i);
      int dataOffset = 0;
      if (data.length > 0) {
        b.startVector(1, data.length, 16);
        for (int j = data.length - 1; j >= 0; j--) {
          b.addByte(data[j]);
        }
        dataOffset = b.endVector();
      }
      b.startTable(1);
      if (data.length > 0) {
        b.addOffset(0, dataOffset, 0);
      }
      bufferOffsets[i] = b.endTable();
    }
    int[] tensorOffsets = new int[tensors.size()];
    for (int i = 0; i < tensors.size(); i++) {
      TensorDef t = tensors.get(i);
      int name = b.createString(t.name());
      int shape = intVector(b, t.shape());
      int quantization = 0;
      if (t.scales() != null) {
        int scales = floatVector(b, t.scales());
        b.startVector(8, t.zeroPoints().length, 8);
        for (int j = t.zeroPoints().length - 1; j >= 0; j--) {
          b.addLong(t.zeroPoints()[j]);
        }
        int zps = b.endVector();
        b.startTable(7);
        b.addOffset(2, scales, 0);
        b.addOffset(3, zps, 0);
        b.addInt(6, t.axis(), 0);
        quantization = b.endTable();
      }
      b.startTable(8);
      b.addOffset(0, shape, 0);
      b.addByte(1, (byte) t.type().code, 0);
      b.addInt(2, t.buffer(), 0);
      b.addOffset(3, name, 0);
      if (quantization != 0) {
        b.addOffset(4, quantization, 0);
      }
      if (t.variable()) {
        b.addBoolean(5, true, false);
      }
      tensorOffsets[i] = b.endTable();
    }
    int[] opOffsets = new int[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      OpDef op = ops.get(i);
      String key = op.code() + "/" + op.custom();
      int codeIndex = codes.computeIfAbsent(key, k -> codes.size());
      int in = intVector(b, op.inputs());
      int out = intVector(b, op.outputs());
      int options = 0;
      if (op.optionsType() != 0) {
        int fields = op.options().stream().mapToInt(Field::index).max().orElse(-1) + 1;
        b.startTable(fields);
        for (Field f : op.options()) {
          switch (f.kind()) {
            case 'i' -> b.addInt(f.index(), f.value().intValue(), 0);
            case 'b' -> b.addByte(f.index(), f.value().byteValue(), 0);
            case 'f' -> b.addFloat(f.index(), f.value().floatValue(), 0);
            default -> throw new IllegalArgumentException("field kind " + f.kind());
          }
        }
        options = b.endTable();
      }
      int customOptions = op.customOptions() == null ? 0 : b.createByteVector(op.customOptions());
      b.startTable(6);
      b.addInt(0, codeIndex, 0);
      b.addOffset(1, in, 0);
      b.addOffset(2, out, 0);
      if (options != 0) {
        b.addByte(3, (byte) op.optionsType(), 0);
        b.addOffset(4, options, 0);
      }
      if (customOptions != 0) {
        b.addOffset(5, customOptions, 0);
      }
      opOffsets[i] = b.endTable();
    }
    int tensorVector = offsetVector(b, tensorOffsets);
    int inputVector = intVector(b, inputs);
    int outputVector = intVector(b, outputs);
    int opVector = offsetVector(b, opOffsets);
    b.startTable(4);
    b.addOffset(0, tensorVector, 0);
    b.addOffset(1, inputVector, 0);
    b.addOffset(2, outputVector, 0);
    b.addOffset(3, opVector, 0);
    int subgraph = b.endTable();
    int[] codeOffsets = new int[codes.size()];
    int c = 0;
    for (String key : codes.keySet()) {
      String[] parts = key.split("/", 2);
      int code = Integer.parseInt(parts[0]);
      int custom = parts[1].equals("null") ? 0 : b.createString(parts[1]);
      b.startTable(4);
      b.addByte(0, (byte) Math.min(code, 127), 0);
      if (custom != 0) {
        b.addOffset(1, custom, 0);
      }
      b.addInt(2, 1, 0);
      b.addInt(3, code, 0);
      codeOffsets[c++] = b.endTable();
    }
    int codeVector = offsetVector(b, codeOffsets);
    int subgraphs = offsetVector(b, new int[] {subgraph});
    int bufferVector = offsetVector(b, bufferOffsets);
    int description = b.createString("edgeinfer test model");
    b.startTable(5);
    b.addInt(0, 3, 0);
    b.addOffset(1, codeVector, 0);
    b.addOffset(2, subgraphs, 0);
    b.addOffset(3, description, 0);
    b.addOffset(4, bufferVector, 0);
    int model = b.endTable();
    b.finish(model, "TFL3");
    return b.sizedByteArray();
  }

  private static int intVector(FlatBufferBuilder b, int[] values) {
    b.startVector(4, values.length, 4);
    for (int i = values.length - 1; i >= 0; i--) {
      b.addInt(values[i]);
    }
    return b.endVector();
  }

  private static int floatVector(FlatBufferBuilder b, float[] values) {
    b.startVector(4, values.length, 4);
    for (int i = values.length - 1; i >= 0; i--) {
      b.addFloat(values[i]);
    }
    return b.endVector();
  }

  private static int offsetVector(FlatBufferBuilder b, int[] offsets) {
    b.startVector(4, offsets.length, 4);
    for (int i = offsets.length - 1; i >= 0; i--) {
      b.addOffset(offsets[i]);
    }
    return b.endVector();
  }
}
