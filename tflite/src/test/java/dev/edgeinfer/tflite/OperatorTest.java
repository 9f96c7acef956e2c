package dev.edgeinfer.tflite;

import static dev.edgeinfer.tflite.BuiltinOperator.*;
import static dev.edgeinfer.tflite.TfliteWriter.bool;
import static dev.edgeinfer.tflite.TfliteWriter.f32;
import static dev.edgeinfer.tflite.TfliteWriter.i32;
import static dev.edgeinfer.tflite.TfliteWriter.i8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One or a few operators per model, written with {@link TfliteWriter}, converted, run in ONNX
 * Runtime and compared with TensorFlow Lite's interpreter on the same random input.
 */
class OperatorTest {
  private static final TensorType F = TensorType.FLOAT32;
  private static final int SAME = 0;
  private static final int VALID = 1;

  static float[] random(int count, long seed) {
    Random random = new Random(seed);
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = random.nextFloat() * 2 - 1;
    }
    return values;
  }

  static void assertFloatParity(byte[] model) throws Exception {
    Parity.Result result = Parity.check(model, 7);
    assertTrue(
        result.maxRelative() <= 1e-4, () -> "outputs differ from the interpreter: " + result);
  }

  static void assertWithinOneStep(byte[] model) throws Exception {
    Parity.Result result = Parity.check(model, 7);
    assertTrue(
        result.maxSteps() <= 1.0 + 1e-4,
        () -> "int8 outputs differ by more than a step: " + result);
  }

  /** x[1,h,w,c] -> CONV_2D 3x3 to {@code out} channels, the usual head of a test graph. */
  private static int conv(TfliteWriter m, int x, int c, int out, int h, int w, String name) {
    int k = m.floats(name + "_w", random(out * 9 * c, 11), out, 3, 3, c);
    int b = m.floats(name + "_b", random(out, 12), out);
    int y = m.tensor(name, F, 1, h, w, out);
    m.op(CONV_2D, 1, List.of(i8(0, SAME), i32(1, 1), i32(2, 1), i8(3, 0)), new int[] {x, k, b}, y);
    return y;
  }

  @Test
  void conv2dSameStride2WithFusedRelu6MatchesInterpreterAndPlainJava() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 9, 9, 3);
    float[] weights = random(4 * 3 * 3 * 3, 1);
    float[] bias = random(4, 2);
    int k = m.floats("w", weights, 4, 3, 3, 3);
    int b = m.floats("b", bias, 4);
    int y = m.tensor("y", F, 1, 5, 5, 4);
    m.op(CONV_2D, 1, List.of(i8(0, SAME), i32(1, 2), i32(2, 2), i8(3, 3)), new int[] {x, k, b}, y);
    byte[] model = m.build(new int[] {x}, new int[] {y});
    assertFloatParity(model);

    TfliteModel parsed = TfliteModel.parse(model, "conv");
    float[] input = Parity.floats(parsed.tensors().get(x), Parity.randomInputs(parsed, 3).get(0));
    float[] expected = PlainConv.conv2d(input, 9, 9, 3, weights, bias, 4, 3, 3, 2, 1, 5, 5);
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Math.min(Math.max(expected[i], 0), 6);
    }
    float[] actual =
        Parity.floats(
            parsed.tensors().get(y),
            Parity.runOnnx(parsed, parsed.toOnnx().toByteArray(), Parity.randomInputs(parsed, 3), 1)
                .get(0));
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Math.abs(expected[i] - actual[i]) < 1e-5, "element " + i);
    }
  }

  @Test
  void depthwiseConvWithMultiplierAndDilationMatches() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 10, 10, 4);
    int k = m.floats("w", random(3 * 3 * 8, 3), 1, 3, 3, 8);
    int b = m.floats("b", random(8, 4), 8);
    int y = m.tensor("y", F, 1, 6, 6, 8);
    m.op(
        DEPTHWISE_CONV_2D,
        2,
        List.of(i8(0, VALID), i32(1, 1), i32(2, 1), i32(3, 2), i8(4, 1), i32(5, 2), i32(6, 2)),
        new int[] {x, k, b},
        y);
    assertFloatParity(m.build(new int[] {x}, new int[] {y}));
  }

  @Test
  void fullyConnectedFlattensItsInput() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 2, 2, 3);
    int c = conv(m, x, 3, 3, 2, 2, "c");
    int w = m.floats("w", random(5 * 12, 5), 5, 12);
    int b = m.floats("b", random(5, 6), 5);
    int y = m.tensor("y", F, 1, 5);
    m.op(FULLY_CONNECTED, 8, List.of(i8(0, 1), i8(1, 0), bool(2, false)), new int[] {c, w, b}, y);
    assertFloatParity(m.build(new int[] {x}, new int[] {y}));
  }

  @Test
  void elementwiseOpsWithBroadcastConstantsStayChannelsFirst() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 6, 6, 3);
    int c = conv(m, x, 3, 4, 6, 6, "c");
    int bias = m.floats("bias", random(4, 8), 4);
    int a = m.tensor("a", F, 1, 6, 6, 4);
    m.op(ADD, 11, List.of(i8(0, 1)), new int[] {c, bias}, a);
    int scale = m.floats("scale", random(4, 9), 1, 1, 1, 4);
    int p = m.tensor("p", F, 1, 6, 6, 4);
    m.op(MUL, 21, List.of(i8(0, 0)), new int[] {a, scale}, p);
    int s = m.tensor("s", F, 1, 6, 6, 4);
    m.op(SUB, 28, List.of(i8(0, 0)), new int[] {p, c}, s);
    int two = m.floats("two", new float[] {2f}, 1);
    int d = m.tensor("d", F, 1, 6, 6, 4);
    m.op(DIV, 29, List.of(i8(0, 0)), new int[] {s, two}, d);
    byte[] model = m.build(new int[] {x}, new int[] {d});
    assertFloatParity(model);
    long transposes =
        TfliteModel.parse(model, "chain").toOnnx().proto().getGraph().getNodeList().stream()
            .filter(n -> n.getOpType().equals("Transpose"))
            .count();
    assertTrue(transposes == 2, "one transpose in and one out, got " + transposes);
  }

  @Test
  void poolsMatch() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 7, 7, 3);
    int avg = m.tensor("avg", F, 1, 4, 4, 3);
    m.op(
        AVERAGE_POOL_2D,
        5,
        List.of(i8(0, SAME), i32(1, 2), i32(2, 2), i32(3, 3), i32(4, 3), i8(5, 0)),
        new int[] {x},
        avg);
    int max = m.tensor("max", F, 1, 2, 2, 3);
    m.op(
        MAX_POOL_2D,
        5,
        List.of(i8(0, VALID), i32(1, 2), i32(2, 2), i32(3, 2), i32(4, 2), i8(5, 1)),
        new int[] {avg},
        max);
    assertFloatParity(m.build(new int[] {x}, new int[] {avg, max}));
  }

  @Test
  void reshapeSoftmaxAndConcatenationMatch() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 4, 4, 2);
    int c1 = conv(m, x, 2, 3, 4, 4, "c1");
    int c2 = conv(m, x, 2, 2, 4, 4, "c2");
    int cat = m.tensor("cat", F, 1, 4, 4, 5);
    m.op(CONCATENATION, 10, List.of(i32(0, 3), i8(1, 0)), new int[] {c1, c2}, cat);
    int shape = m.ints("shape", new int[] {1, 16, 5}, 3);
    int r = m.tensor("r", F, 1, 16, 5);
    m.op(RESHAPE, 0, List.of(), new int[] {cat, shape}, r);
    int sm = m.tensor("sm", F, 1, 16, 5);
    m.op(SOFTMAX, 9, List.of(f32(0, 0.5f)), new int[] {r}, sm);
    assertFloatParity(m.build(new int[] {x}, new int[] {sm, cat}));
  }

  @Test
  void padAndMeanMatch() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 5, 5, 2);
    int c = conv(m, x, 2, 3, 5, 5, "c");
    int pads = m.ints("pads", new int[] {0, 0, 1, 2, 2, 1, 0, 3}, 4, 2);
    int p = m.tensor("p", F, 1, 8, 8, 6);
    m.op(PAD, 22, List.of(), new int[] {c, pads}, p);
    int axes = m.ints("axes", new int[] {1, 2}, 2);
    int mean = m.tensor("mean", F, 1, 6);
    m.op(MEAN, 27, List.of(bool(0, false)), new int[] {p, axes}, mean);
    int axis3 = m.ints("axis3", new int[] {3}, 1);
    int mean2 = m.tensor("mean2", F, 1, 8, 8, 1);
    m.op(MEAN, 27, List.of(bool(0, true)), new int[] {p, axis3}, mean2);
    assertFloatParity(m.build(new int[] {x}, new int[] {mean, mean2}));
  }

  @Test
  void resizesMatchForEachCoordinateMode() throws Exception {
    for (boolean bilinear : new boolean[] {true, false}) {
      for (int mode = 0; mode < 3; mode++) {
        TfliteWriter m = new TfliteWriter();
        int x = m.tensor("x", F, 1, 5, 4, 3);
        int size = m.ints("size", new int[] {9, 7}, 2);
        int y = m.tensor("y", F, 1, 9, 7, 3);
        boolean align = mode == 1;
        boolean half = mode == 2;
        if (bilinear) {
          m.op(RESIZE_BILINEAR, 15, List.of(bool(2, align), bool(3, half)), new int[] {x, size}, y);
        } else {
          m.op(
              RESIZE_NEAREST_NEIGHBOR,
              74,
              List.of(bool(0, align), bool(1, half)),
              new int[] {x, size},
              y);
        }
        byte[] model = m.build(new int[] {x}, new int[] {y});
        Parity.Result result = Parity.check(model, 7);
        assertTrue(
            result.maxRelative() <= 1e-4,
            (bilinear ? "bilinear" : "nearest") + " mode " + mode + ": " + result);
      }
    }
  }

  @Test
  void activationsMatch() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 4, 4, 3);
    int c = conv(m, x, 3, 3, 4, 4, "c");
    int[] codes = {LOGISTIC, TANH, RELU, RELU6, HARD_SWISH, LEAKY_RELU, PRELU};
    int previous = c;
    int[] outputs = new int[codes.length];
    for (int i = 0; i < codes.length; i++) {
      int y = m.tensor("act" + i, F, 1, 4, 4, 3);
      if (codes[i] == LEAKY_RELU) {
        m.op(LEAKY_RELU, 75, List.of(f32(0, 0.1f)), new int[] {previous}, y);
      } else if (codes[i] == PRELU) {
        int alpha = m.floats("alpha", new float[] {0.1f, 0.2f, 0.3f}, 1, 1, 3);
        m.op(PRELU, 0, List.of(), new int[] {previous, alpha}, y);
      } else {
        m.op(codes[i], 0, List.of(), new int[] {previous}, y);
      }
      outputs[i] = y;
      previous = codes[i] == RELU ? y : c;
    }
    assertFloatParity(m.build(new int[] {x}, outputs));
  }

  @Test
  void transposeStridedSliceSplitAndGatherMatch() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 6, 5, 4);
    int perm = m.ints("perm", new int[] {0, 2, 1, 3}, 4);
    int t = m.tensor("t", F, 1, 5, 6, 4);
    m.op(TRANSPOSE, 26, List.of(), new int[] {x, perm}, t);
    int begin = m.ints("begin", new int[] {0, 1, 0, 3}, 4);
    int end = m.ints("end", new int[] {1, 5, 6, 4}, 4);
    int strides = m.ints("strides", new int[] {1, 2, 1, 1}, 4);
    int s = m.tensor("s", F, 1, 2, 6);
    m.op(
        STRIDED_SLICE,
        32,
        List.of(i32(0, 4), i32(1, 0), i32(2, 0), i32(3, 0), i32(4, 8)),
        new int[] {t, begin, end, strides},
        s);
    int axis = m.ints("axis", new int[] {3}, 1);
    int a = m.tensor("a", F, 1, 6, 5, 2);
    int b = m.tensor("b", F, 1, 6, 5, 2);
    m.op(SPLIT, 35, List.of(i32(0, 2)), new int[] {axis, x}, a, b);
    int indices = m.ints("indices", new int[] {4, 0, 2}, 3);
    int g = m.tensor("g", F, 1, 3, 5, 4);
    m.op(GATHER, 23, List.of(i32(0, 1)), new int[] {x, indices}, g);
    assertFloatParity(m.build(new int[] {x}, new int[] {s, a, b, g}));
  }

  @Test
  void transposeConvAndBatchMatMulMatch() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 4, 4, 3);
    int shape = m.ints("out_shape", new int[] {1, 8, 8, 2}, 4);
    int w = m.floats("w", random(2 * 3 * 3 * 3, 13), 2, 3, 3, 3);
    int y = m.tensor("y", F, 1, 8, 8, 2);
    m.op(
        TRANSPOSE_CONV, 49, List.of(i8(0, SAME), i32(1, 2), i32(2, 2)), new int[] {shape, w, x}, y);
    int a = m.tensor("a", F, 1, 3, 4);
    int bm = m.floats("bm", random(20, 14), 1, 5, 4);
    int p = m.tensor("p", F, 1, 3, 5);
    m.op(BATCH_MATMUL, 101, List.of(bool(0, false), bool(1, true)), new int[] {a, bm}, p);
    assertFloatParity(m.build(new int[] {x, a}, new int[] {y, p}));
  }

  @Test
  void float16WeightsAreWidenedAndMatch() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 5, 5, 2);
    int half = m.halfs("w16", random(3 * 9 * 2, 15), 3, 3, 3, 2);
    int w = m.tensor("w", F, 3, 3, 3, 2);
    m.op(DEQUANTIZE, 0, List.of(), new int[] {half}, w);
    int b = m.floats("b", random(3, 16), 3);
    int y = m.tensor("y", F, 1, 5, 5, 3);
    m.op(CONV_2D, 1, List.of(i8(0, SAME), i32(1, 1), i32(2, 1), i8(3, 0)), new int[] {x, w, b}, y);
    byte[] model = m.build(new int[] {x}, new int[] {y});
    assertFloatParity(model);
  }

  @Test
  void int8ConvWithPerChannelWeightsIsWithinOneQuantizationStep() throws Exception {
    TfliteWriter m = new TfliteWriter();
    float inScale = 2f / 255;
    int x = m.quantized("x", TensorType.INT8, inScale, -1, 1, 6, 6, 3);
    int oc = 4;
    byte[] weights = new byte[oc * 9 * 3];
    Random random = new Random(17);
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (byte) (random.nextInt(255) - 127);
    }
    float[] wScales = {0.004f, 0.006f, 0.003f, 0.005f};
    int w = m.int8("w", weights, wScales, new long[oc], 0, oc, 3, 3, 3);
    float[] bScales = new float[oc];
    int[] biasValues = new int[oc];
    for (int i = 0; i < oc; i++) {
      bScales[i] = inScale * wScales[i];
      biasValues[i] = random.nextInt(2000) - 1000;
    }
    int b = m.bias32("b", biasValues, bScales, oc);
    int c = m.quantized("c", TensorType.INT8, 0.02f, -5, 1, 6, 6, oc);
    m.op(CONV_2D, 1, List.of(i8(0, SAME), i32(1, 1), i32(2, 1), i8(3, 1)), new int[] {x, w, b}, c);
    int pooled = m.quantized("pooled", TensorType.INT8, 0.02f, -5, 1, 3, 3, oc);
    m.op(
        AVERAGE_POOL_2D,
        5,
        List.of(i8(0, VALID), i32(1, 2), i32(2, 2), i32(3, 2), i32(4, 2), i8(5, 0)),
        new int[] {c},
        pooled);
    int sum = m.quantized("sum", TensorType.INT8, 0.03f, 2, 1, 3, 3, oc);
    int other = m.quantized("other", TensorType.INT8, 0.02f, -5, 1, 3, 3, oc);
    m.op(
        MAX_POOL_2D,
        5,
        List.of(i8(0, VALID), i32(1, 2), i32(2, 2), i32(3, 2), i32(4, 2), i8(5, 0)),
        new int[] {c},
        other);
    m.op(ADD, 11, List.of(i8(0, 0)), new int[] {pooled, other}, sum);
    int out = m.tensor("out", F, 1, 3, 3, oc);
    m.op(DEQUANTIZE, 0, List.of(), new int[] {sum}, out);
    byte[] model = m.build(new int[] {x}, new int[] {sum, out});
    assertWithinOneStep(model);
    var nodes = TfliteModel.parse(model, "int8").toOnnx().proto().getGraph().getNodeList();
    assertTrue(
        nodes.stream()
            .anyMatch(
                n ->
                    n.getOpType().equals("DequantizeLinear")
                        && n.getAttributeList().stream().anyMatch(a -> a.getName().equals("axis"))),
        "per-channel weights keep their per-axis scales");
  }

  @Test
  void quantizeOfAFloatInputIsWithinOneStep() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 8);
    int q = m.quantized("q", TensorType.UINT8, 1f / 128, 128, 1, 8);
    m.op(QUANTIZE, 0, List.of(), new int[] {x}, q);
    int s = m.quantized("s", TensorType.UINT8, 1f / 256, 0, 1, 8);
    m.op(LOGISTIC, 0, List.of(), new int[] {q}, s);
    assertWithinOneStep(m.build(new int[] {x}, new int[] {s}));
  }
}
