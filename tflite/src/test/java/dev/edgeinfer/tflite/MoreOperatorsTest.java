package dev.edgeinfer.tflite;

import static dev.edgeinfer.tflite.BuiltinOperator.*;
import static dev.edgeinfer.tflite.OperatorTest.assertFloatParity;
import static dev.edgeinfer.tflite.OperatorTest.random;
import static dev.edgeinfer.tflite.TfliteWriter.bool;
import static dev.edgeinfer.tflite.TfliteWriter.f32;
import static dev.edgeinfer.tflite.TfliteWriter.i32;
import static dev.edgeinfer.tflite.TfliteWriter.i8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Operators beyond the core list, as older converters and audio or sensor models emit them. */
class MoreOperatorsTest {
  private static final TensorType F = TensorType.FLOAT32;

  @Test
  void dilatedConvolutionAsSpaceToBatchConvBatchToSpaceMatches() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 8, 8, 2);
    int block = m.ints("block", new int[] {2, 2}, 2);
    int pads = m.ints("pads", new int[] {2, 2, 2, 2}, 2, 2);
    int s2b = m.tensor("s2b", F, 4, 6, 6, 2);
    m.op(SPACE_TO_BATCH_ND, 25, List.of(), new int[] {x, block, pads}, s2b);
    int w = m.floats("w", random(3 * 9 * 2, 21), 3, 3, 3, 2);
    int b = m.floats("b", random(3, 22), 3);
    int conv = m.tensor("conv", F, 4, 4, 4, 3);
    m.op(
        CONV_2D, 1, List.of(i8(0, 1), i32(1, 1), i32(2, 1), i8(3, 0)), new int[] {s2b, w, b}, conv);
    int crops = m.ints("crops", new int[] {0, 0, 0, 0}, 2, 2);
    int y = m.tensor("y", F, 1, 8, 8, 3);
    m.op(BATCH_TO_SPACE_ND, 24, List.of(), new int[] {conv, block, crops}, y);
    assertFloatParity(m.build(new int[] {x}, new int[] {y}));
  }

  @Test
  void lrnMirrorPadAndReverseMatch() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", F, 1, 5, 5, 6);
    int lrn = m.tensor("lrn", F, 1, 5, 5, 6);
    m.op(
        LOCAL_RESPONSE_NORMALIZATION,
        13,
        List.of(i32(0, 2), f32(1, 1.5f), f32(2, 0.3f), f32(3, 0.75f)),
        new int[] {x},
        lrn);
    int pads = m.ints("pads", new int[] {0, 0, 2, 1, 1, 2, 0, 0}, 4, 2);
    int mp = m.tensor("mp", F, 1, 8, 8, 6);
    m.op(MIRROR_PAD, 77, List.of(i8(0, 0)), new int[] {lrn, pads}, mp);
    int axis = m.ints("axis", new int[] {2}, 1);
    int rev = m.tensor("rev", F, 1, 8, 8, 6);
    m.op(REVERSE_V2, 0, List.of(), new int[] {mp, axis}, rev);
    assertFloatParity(m.build(new int[] {x}, new int[] {lrn, rev}));
  }

  @Test
  void comparisonsSelectAndArithmeticMatch() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int a = m.tensor("a", F, 2, 6);
    int b = m.tensor("b", F, 2, 6);
    int less = m.tensor("less", TensorType.BOOL, 2, 6);
    m.op(LESS, 0, List.of(), new int[] {a, b}, less);
    int sel = m.tensor("sel", F, 2, 6);
    m.op(SELECT_V2, 0, List.of(), new int[] {less, a, b}, sel);
    int sum = m.tensor("sum", F, 2, 6);
    m.op(ADD_N, 0, List.of(), new int[] {a, b, sel}, sum);
    int fd = m.tensor("fd", F, 2, 6);
    m.op(FLOOR_DIV, 0, List.of(), new int[] {sum, b}, fd);
    int sin = m.tensor("sin", F, 2, 6);
    m.op(SIN, 0, List.of(), new int[] {sum}, sin);
    int cs = m.tensor("cs", F, 2, 6);
    int one = m.ints("one", new int[] {1});
    m.op(CUMSUM, 102, List.of(bool(0, false), bool(1, true)), new int[] {sin, one}, cs);
    int k = m.ints("k", new int[] {3});
    int top = m.tensor("top", F, 2, 3);
    int idx = m.tensor("idx", TensorType.INT32, 2, 3);
    m.op(TOPK_V2, 34, List.of(), new int[] {cs, k}, top, idx);
    int shape = m.tensor("shape", TensorType.INT32, 2);
    m.op(SHAPE, 55, List.of(i8(0, TensorType.INT32.code)), new int[] {a}, shape);
    byte[] model = m.build(new int[] {a, b}, new int[] {sel, fd, cs, top, idx, shape});
    assertFloatParity(model);
  }

  @Test
  void mediapipeTransposeConvolutionWithBiasMatchesTheBuiltinItStandsFor() throws Exception {
    float[] weights = random(2 * 9 * 3, 31);
    float[] bias = {0.25f, -0.5f};
    TfliteWriter custom = new TfliteWriter();
    int x = custom.tensor("x", F, 1, 4, 4, 3);
    int w = custom.floats("w", weights, 2, 3, 3, 3);
    int b = custom.floats("b", bias, 2);
    int y = custom.tensor("y", F, 1, 8, 8, 2);
    ByteBuffer params = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    params.putInt(1).putInt(2).putInt(2);
    custom.custom("Convolution2DTransposeBias", params.array(), new int[] {x, w, b}, y);
    byte[] mediapipe = custom.build(new int[] {x}, new int[] {y});

    TfliteWriter builtin = new TfliteWriter();
    int x2 = builtin.tensor("x", F, 1, 4, 4, 3);
    int shape = builtin.ints("out_shape", new int[] {1, 8, 8, 2}, 4);
    int w2 = builtin.floats("w", weights, 2, 3, 3, 3);
    int deconv = builtin.tensor("deconv", F, 1, 8, 8, 2);
    builtin.op(
        TRANSPOSE_CONV,
        49,
        List.of(i8(0, 0), i32(1, 2), i32(2, 2)),
        new int[] {shape, w2, x2},
        deconv);
    int b2 = builtin.floats("b", bias, 2);
    int y2 = builtin.tensor("y", F, 1, 8, 8, 2);
    builtin.op(ADD, 11, List.of(i8(0, 0)), new int[] {deconv, b2}, y2);
    byte[] reference = builtin.build(new int[] {x2}, new int[] {y2});

    TfliteModel model = TfliteModel.parse(mediapipe, "mediapipe");
    var inputs = Parity.randomInputs(model, 3);
    float[] actual =
        Parity.floats(
            model.tensors().get(y),
            Parity.runOnnx(model, model.toOnnx().toByteArray(), inputs, 1).get(0));
    float[] expected;
    try (ReferenceInterpreter interpreter = new ReferenceInterpreter(reference, 1)) {
      expected = Parity.floats(model.tensors().get(y), interpreter.run(inputs).get(0));
    }
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Math.abs(expected[i] - actual[i]) < 1e-5, "element " + i);
    }
  }

  @Test
  void aBatchMajorSequenceLstmWithPeepholesMatches() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int batch = 2;
    int time = 5;
    int input = 3;
    int hidden = 4;
    int x = m.tensor("x", F, batch, time, input);
    int[] in = new int[20];
    for (int g = 0; g < 4; g++) {
      in[1 + g] = m.floats("w" + g, random(hidden * input, 40 + g), hidden, input);
      in[5 + g] = m.floats("r" + g, random(hidden * hidden, 50 + g), hidden, hidden);
      in[12 + g] = m.floats("b" + g, random(hidden, 60 + g), hidden);
    }
    for (int k = 0; k < 3; k++) {
      in[9 + k] = m.floats("p" + k, random(hidden, 70 + k), hidden);
    }
    in[0] = x;
    in[16] = -1;
    in[17] = -1;
    in[18] = m.variable("h", batch, hidden);
    in[19] = m.variable("c", batch, hidden);
    int y = m.tensor("y", F, batch, time, hidden);
    m.op(
        UNIDIRECTIONAL_SEQUENCE_LSTM,
        71,
        List.of(i8(0, 4), f32(1, 0f), f32(2, 0f), bool(3, false)),
        in,
        y);
    assertFloatParity(m.build(new int[] {x}, new int[] {y}));
  }
}
