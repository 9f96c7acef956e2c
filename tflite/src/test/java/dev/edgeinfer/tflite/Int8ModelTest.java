package dev.edgeinfer.tflite;

import static dev.edgeinfer.tflite.BuiltinOperator.*;
import static dev.edgeinfer.tflite.TfliteWriter.bool;
import static dev.edgeinfer.tflite.TfliteWriter.f32;
import static dev.edgeinfer.tflite.TfliteWriter.i32;
import static dev.edgeinfer.tflite.TfliteWriter.i8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A fully int8 MobileNet-style network (int8 input and output, per-channel convolution weights,
 * int32 biases, residual add, mean, fully connected, softmax), as TFLite's full-integer
 * quantization writes it: ONNX Runtime must land within one quantization step of TFLite's integer
 * kernels.
 */
class Int8ModelTest {
  private static final TensorType I8 = TensorType.INT8;
  private final Random random = new Random(99);

  private int weights(TfliteWriter m, String name, float[] scales, int axis, int... shape) {
    int count = 1;
    for (int d : shape) {
      count *= d;
    }
    byte[] values = new byte[count];
    for (int i = 0; i < count; i++) {
      values[i] = (byte) (random.nextInt(255) - 127);
    }
    return m.int8(name, values, scales, new long[scales.length], axis, shape);
  }

  private int bias(TfliteWriter m, String name, float inputScale, float[] weightScales) {
    int n = weightScales.length;
    float[] scales = new float[n];
    int[] values = new int[n];
    for (int i = 0; i < n; i++) {
      scales[i] = inputScale * weightScales[i];
      values[i] = random.nextInt(4000) - 2000;
    }
    return m.bias32(name, values, scales, n);
  }

  private float[] channelScales(int n, float base) {
    float[] scales = new float[n];
    for (int i = 0; i < n; i++) {
      scales[i] = base * (0.5f + random.nextFloat());
    }
    return scales;
  }

  private byte[] network() {
    TfliteWriter m = new TfliteWriter();
    float sx = 1f / 128;
    int x = m.quantized("image", I8, sx, 0, 1, 8, 8, 3);

    float[] s1 = channelScales(8, 0.01f);
    int w1 = weights(m, "w1", s1, 0, 8, 3, 3, 3);
    int b1 = bias(m, "b1", sx, s1);
    float sa = 6f / 255;
    int a = m.quantized("a", I8, sa, -128, 1, 4, 4, 8);
    m.op(CONV_2D, 1, List.of(i8(0, 0), i32(1, 2), i32(2, 2), i8(3, 3)), new int[] {x, w1, b1}, a);

    float[] s2 = channelScales(8, 0.02f);
    int w2 = weights(m, "w2", s2, 3, 1, 3, 3, 8);
    int b2 = bias(m, "b2", sa, s2);
    int d = m.quantized("d", I8, sa, -128, 1, 4, 4, 8);
    m.op(
        DEPTHWISE_CONV_2D,
        2,
        List.of(i8(0, 0), i32(1, 1), i32(2, 1), i32(3, 1), i8(4, 3)),
        new int[] {a, w2, b2},
        d);

    float[] s3 = channelScales(8, 0.01f);
    int w3 = weights(m, "w3", s3, 0, 8, 1, 1, 8);
    int b3 = bias(m, "b3", sa, s3);
    float sp = 0.05f;
    int p = m.quantized("p", I8, sp, 3, 1, 4, 4, 8);
    m.op(CONV_2D, 1, List.of(i8(0, 1), i32(1, 1), i32(2, 1), i8(3, 0)), new int[] {d, w3, b3}, p);

    float sr = 0.06f;
    int r = m.quantized("r", I8, sr, -10, 1, 4, 4, 8);
    m.op(ADD, 11, List.of(i8(0, 0)), new int[] {p, a}, r);

    int axes = m.ints("axes", new int[] {1, 2}, 2);
    int mean = m.quantized("mean", I8, sr, -10, 1, 8);
    m.op(MEAN, 27, List.of(bool(0, false)), new int[] {r, axes}, mean);

    float[] s4 = {0.01f};
    int w4 = weights(m, "w4", s4, 0, 5, 8);
    int b4 = bias(m, "b4", sr, new float[] {0.01f, 0.01f, 0.01f, 0.01f, 0.01f});
    int logits = m.quantized("logits", I8, 0.1f, 0, 1, 5);
    m.op(FULLY_CONNECTED, 8, List.of(i8(0, 0)), new int[] {mean, w4, b4}, logits);

    int probs = m.quantized("probs", I8, 1f / 256, -128, 1, 5);
    m.op(SOFTMAX, 9, List.of(f32(0, 1f)), new int[] {logits}, probs);

    return m.build(new int[] {x}, new int[] {probs, logits, p, a});
  }

  @Test
  void aFullyInt8NetworkStaysWithinOneStepUntilRoundingDifferencesCompound() throws Exception {
    byte[] model = network();
    Parity.Result result = Parity.check(model, 5);
    // outputs: probs, logits, p (conv -> depthwise -> conv), a (first conv)
    assertTrue(result.steps().get(3) <= 1.0 + 1e-4, () -> "first conv: " + result);
    assertTrue(result.steps().get(2) <= 1.0 + 1e-4, () -> "conv chain: " + result);
    // one-step differences in the residual add and the mean (TFLite's fixed-point rounding
    // against exact float rounding) reach the logits as at most a few steps
    assertTrue(result.steps().get(1) <= 3.0 + 1e-4, () -> "logits: " + result);
    var graph = TfliteModel.parse(model, "int8 net").toOnnx().proto().getGraph();
    assertEquals(3, graph.getInput(0).getType().getTensorType().getElemType(), "int8 input");
    assertEquals(3, graph.getOutput(0).getType().getTensorType().getElemType(), "int8 output");
  }

  /** x(int8) -> one op -> y(int8), with TFLite's own quantization rules for that op. */
  private byte[] singleOp(
      int code,
      int optionsType,
      List<TfliteWriter.Field> options,
      int[] inShape,
      int[] outShape,
      float outScale,
      long outZero,
      boolean withWeights) {
    TfliteWriter m = new TfliteWriter();
    float sx = 0.05f;
    int x = m.quantized("x", I8, sx, -3, inShape);
    int y = m.quantized("y", I8, outScale, outZero, outShape);
    if (code == MEAN) {
      int axes = m.ints("axes", new int[] {1, 2}, 2);
      m.op(code, optionsType, options, new int[] {x, axes}, y);
    } else if (withWeights) {
      int out = outShape[outShape.length - 1];
      float[] ws = {0.02f};
      int w = weights(m, "w", ws, 0, out, inShape[inShape.length - 1]);
      float[] bs = new float[out];
      java.util.Arrays.fill(bs, ws[0]);
      int b = bias(m, "b", sx, bs);
      m.op(code, optionsType, options, new int[] {x, w, b}, y);
    } else {
      m.op(code, optionsType, options, new int[] {x}, y);
    }
    return m.build(new int[] {x}, new int[] {y});
  }

  @Test
  void int8MeanFullyConnectedSoftmaxAndActivationsAreEachWithinOneStep() throws Exception {
    List<byte[]> models =
        List.of(
            singleOp(
                MEAN,
                27,
                List.of(bool(0, false)),
                new int[] {1, 6, 6, 8},
                new int[] {1, 8},
                0.05f,
                -3,
                false),
            singleOp(
                FULLY_CONNECTED,
                8,
                List.of(i8(0, 1)),
                new int[] {1, 16},
                new int[] {1, 6},
                0.08f,
                -20,
                true),
            singleOp(
                SOFTMAX,
                9,
                List.of(f32(0, 1f)),
                new int[] {1, 10},
                new int[] {1, 10},
                1f / 256,
                -128,
                false),
            singleOp(
                LOGISTIC,
                0,
                List.of(),
                new int[] {1, 32},
                new int[] {1, 32},
                1f / 256,
                -128,
                false),
            singleOp(TANH, 0, List.of(), new int[] {1, 32}, new int[] {1, 32}, 1f / 128, 0, false),
            singleOp(
                HARD_SWISH, 0, List.of(), new int[] {1, 32}, new int[] {1, 32}, 0.03f, -40, false));
    for (byte[] model : models) {
      TfliteModel parsed = TfliteModel.parse(model, "single op");
      Parity.Result result = Parity.check(model, 11);
      assertTrue(
          result.maxSteps() <= 1.0 + 1e-4,
          () -> parsed.operatorCounts() + " differs by more than a step: " + result);
    }
  }
}
