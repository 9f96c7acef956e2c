package dev.edgeinfer.tflite;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs a .tflite model in TFLite's interpreter and its ONNX conversion in ONNX Runtime on the same
 * seeded random inputs, and measures how far apart the outputs are.
 */
final class Parity {
  /** Worst differences over all outputs. */
  record Result(
      double maxAbs,
      double maxRelative,
      double maxSteps,
      List<String> outputs,
      List<Double> steps) {}

  private Parity() {}

  static Result check(byte[] tflite, long seed) throws OrtException {
    TfliteModel model = TfliteModel.parse(tflite, "model under test");
    byte[] onnx = model.toOnnx().toByteArray();
    List<ByteBuffer> inputs = randomInputs(model, seed);
    List<ByteBuffer> expected;
    try (ReferenceInterpreter reference = new ReferenceInterpreter(tflite, 1)) {
      expected = reference.run(inputs);
    }
    List<ByteBuffer> actual = runOnnx(model, onnx, inputs, 1);
    double maxAbs = 0;
    double maxRel = 0;
    double maxSteps = 0;
    List<String> names = new ArrayList<>();
    List<Double> steps = new ArrayList<>();
    for (int o = 0; o < model.outputs().length; o++) {
      Tensor t = model.tensors().get(model.outputs()[o]);
      names.add(t.name());
      float[] want = floats(t, expected.get(o));
      float[] got = floats(t, actual.get(o));
      double scale = 0;
      for (float w : want) {
        scale = Math.max(scale, Math.abs(w));
      }
      double step = t.isQuantized() ? t.quantization().orElseThrow().scales()[0] : 0;
      double outputSteps = 0;
      for (int i = 0; i < want.length; i++) {
        double diff = Math.abs(want[i] - got[i]);
        if (Double.isNaN(diff)) {
          diff = Double.POSITIVE_INFINITY;
        }
        maxAbs = Math.max(maxAbs, diff);
        maxRel = Math.max(maxRel, diff / Math.max(scale, 1e-12));
        if (step > 0) {
          maxSteps = Math.max(maxSteps, diff / step);
          outputSteps = Math.max(outputSteps, diff / step);
        }
      }
      steps.add(outputSteps);
    }
    return new Result(maxAbs, maxRel, maxSteps, names, steps);
  }

  static List<ByteBuffer> randomInputs(TfliteModel model, long seed) {
    Random random = new Random(seed);
    List<ByteBuffer> inputs = new ArrayList<>();
    for (int index : model.inputs()) {
      Tensor t = model.tensors().get(index);
      int count = (int) t.elementCount();
      ByteBuffer buffer =
          ByteBuffer.allocate(count * t.type().bytes).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < count; i++) {
        switch (t.type()) {
          case FLOAT32 -> buffer.putFloat(random.nextFloat() * 2 - 1);
          case INT8, UINT8 -> buffer.put((byte) random.nextInt(256));
          case INT32 -> buffer.putInt(random.nextInt(4));
          case INT64 -> buffer.putLong(random.nextInt(4));
          default -> throw new IllegalArgumentException("no random input for " + t.type());
        }
      }
      inputs.add(buffer.flip());
    }
    return inputs;
  }

  static List<ByteBuffer> runOnnx(
      TfliteModel model, byte[] onnx, List<ByteBuffer> inputs, int threads) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      try (OrtSession session = env.createSession(onnx, options)) {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
          for (int i = 0; i < inputs.size(); i++) {
            Tensor t = model.tensors().get(model.inputs()[i]);
            ByteBuffer direct =
                ByteBuffer.allocateDirect(inputs.get(i).remaining()).order(ByteOrder.nativeOrder());
            direct.put(inputs.get(i).duplicate()).flip();
            feed.put(
                t.name(),
                OnnxTensor.createTensor(env, direct, longs(t.shape()), javaType(t.type())));
          }
          try (OrtSession.Result result = session.run(feed)) {
            List<ByteBuffer> outputs = new ArrayList<>();
            for (int i = 0; i < result.size(); i++) {
              ByteBuffer out =
                  ((OnnxTensor) result.get(i)).getByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
              ByteBuffer copy = ByteBuffer.allocate(out.remaining()).order(ByteOrder.LITTLE_ENDIAN);
              copy.put(out).flip();
              outputs.add(copy);
            }
            return outputs;
          }
        } finally {
          feed.values().forEach(OnnxTensor::close);
        }
      }
    }
  }

  static float[] floats(Tensor t, ByteBuffer raw) {
    ByteBuffer le = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int count = (int) t.elementCount();
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] =
          switch (t.type()) {
            case FLOAT32 -> le.getFloat(4 * i);
            case INT8 -> le.get(i);
            case UINT8 -> le.get(i) & 0xff;
            case INT32 -> le.getInt(4 * i);
            case INT64 -> le.getLong(8 * i);
            default -> throw new IllegalArgumentException("cannot compare " + t.type());
          };
      if (t.isQuantized()) {
        Quantization q = t.quantization().orElseThrow();
        values[i] = q.scales()[0] * (values[i] - q.zeroPoints()[0]);
      }
    }
    return values;
  }

  static OnnxJavaType javaType(TensorType type) {
    return switch (type) {
      case FLOAT32 -> OnnxJavaType.FLOAT;
      case INT8 -> OnnxJavaType.INT8;
      case UINT8 -> OnnxJavaType.UINT8;
      case INT32 -> OnnxJavaType.INT32;
      case INT64 -> OnnxJavaType.INT64;
      default -> throw new IllegalArgumentException("no ORT type for " + type);
    };
  }

  static long[] longs(int[] shape) {
    long[] dims = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      dims[i] = shape[i];
    }
    return dims;
  }
}
