package dev.edgeinfer.onnx;

import static dev.edgeinfer.onnx.proto.TensorProto.DataType.FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgeinfer.onnx.proto.GraphProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShapeInferenceTest {

  /** The inferred shape of {@code value}, written like {@code [batch, 3, 8]} or {@code unknown}. */
  private static String shapeOf(ModelBuilder builder, String value) {
    GraphProto graph = builder.output("out", FLOAT).build().proto().getGraph();
    return ShapeInference.of(graph).shape(value).map(Shape::toString).orElse("unknown");
  }

  @Test
  void maxPoolRoundsUpInCeilModeAndDownOtherwise() {
    ModelBuilder floor =
        ModelBuilder.create()
            .input("x", FLOAT, 1, 1, 5, 5)
            .node(
                "MaxPool",
                List.of("x"),
                List.of("out"),
                Map.of("kernel_shape", new long[] {2, 2}, "strides", new long[] {2, 2}));
    ModelBuilder ceil =
        ModelBuilder.create()
            .input("x", FLOAT, 1, 1, 5, 5)
            .node(
                "MaxPool",
                List.of("x"),
                List.of("out"),
                Map.of(
                    "kernel_shape",
                    new long[] {2, 2},
                    "strides",
                    new long[] {2, 2},
                    "ceil_mode",
                    1));

    assertEquals("[1, 1, 2, 2]", shapeOf(floor, "out"));
    assertEquals("[1, 1, 3, 3]", shapeOf(ceil, "out"));
  }

  @Test
  void ceilModeDropsAWindowThatWouldStartInThePadding() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("x", FLOAT, 1, 1, 4, 4)
            .node(
                "AveragePool",
                List.of("x"),
                List.of("out"),
                Map.of(
                    "kernel_shape",
                    new long[] {2, 2},
                    "strides",
                    new long[] {3, 3},
                    "pads",
                    new long[] {0, 0, 2, 2},
                    "ceil_mode",
                    1));

    assertEquals("[1, 1, 2, 2]", shapeOf(model, "out"));
  }

  @Test
  void samePaddingKeepsTheInputSizeDividedByTheStride() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("x", FLOAT, "batch", 3, 7, 9)
            .initializer("w", new float[8 * 3 * 9], 8, 3, 3, 3)
            .node(
                "Conv",
                List.of("x", "w"),
                List.of("out"),
                Map.of("auto_pad", "SAME_UPPER", "strides", new long[] {2, 2}));

    assertEquals("[batch, 8, 4, 5]", shapeOf(model, "out"));
  }

  @Test
  void validPaddingUsesNoPadding() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("x", FLOAT, 1, 1, 7, 7)
            .node(
                "MaxPool",
                List.of("x"),
                List.of("out"),
                Map.of("kernel_shape", new long[] {3, 3}, "auto_pad", "VALID"));

    assertEquals("[1, 1, 5, 5]", shapeOf(model, "out"));
  }

  @Test
  void dilatedConvolutionsWidenTheKernel() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("x", FLOAT, 1, 2, 10)
            .initializer("w", new float[4 * 2 * 3], 4, 2, 3)
            .node("Conv", List.of("x", "w"), List.of("out"), Map.of("dilations", new long[] {2}));

    assertEquals("[1, 4, 6]", shapeOf(model, "out"));
  }

  @Test
  void transposedConvolutionsUpsample() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("x", FLOAT, 1, 8, 16, 16)
            .initializer("w", new float[8 * 2 * 16], 8, 2, 4, 4)
            .node(
                "ConvTranspose",
                List.of("x", "w"),
                List.of("out"),
                Map.of("strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1}, "group", 2));

    assertEquals("[1, 4, 32, 32]", shapeOf(model, "out"));
    assertEquals(16L * 16 * 8 * 2 * 16, ModelSummary.of(model.output("out", FLOAT).build()).macs());
  }

  @Test
  void matMulOfAVectorDropsTheVectorAxis() {
    ModelBuilder left =
        ModelBuilder.create()
            .input("a", FLOAT, 5)
            .input("b", FLOAT, 3, 5, 7)
            .node("MatMul", List.of("a", "b"), List.of("out"));
    ModelBuilder right =
        ModelBuilder.create()
            .input("a", FLOAT, 2, 3, 5)
            .input("b", FLOAT, 5)
            .node("MatMul", List.of("a", "b"), List.of("out"));

    assertEquals("[3, 7]", shapeOf(left, "out"));
    assertEquals("[2, 3]", shapeOf(right, "out"));
  }

  @Test
  void matMulBroadcastsBatchAxes() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("a", FLOAT, "batch", 1, 4, 5)
            .input("b", FLOAT, 8, 5, 6)
            .node("MatMul", List.of("a", "b"), List.of("out"));

    assertEquals("[batch, 8, 4, 6]", shapeOf(model, "out"));
  }

  @Test
  void gemmHonoursTransposeFlags() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("a", FLOAT, 6, 2)
            .input("b", FLOAT, 3, 6)
            .node("Gemm", List.of("a", "b"), List.of("out"), Map.of("transA", 1, "transB", 1));

    assertEquals("[2, 3]", shapeOf(model, "out"));
  }

  @Test
  void reshapeCopiesZerosAndInfersMinusOneAroundASymbol() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("x", FLOAT, "batch", 32, 4, 4)
            .initializer("target", new long[] {0, -1}, 2)
            .node("Reshape", List.of("x", "target"), List.of("out"));

    assertEquals("[batch, 512]", shapeOf(model, "out"));
  }

  @Test
  void broadcastingStretchesAxesOfSizeOne() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("a", FLOAT, "batch", 1, 5)
            .input("b", FLOAT, 4, 1)
            .input("c", FLOAT, 1)
            .node("Where", List.of("a", "b", "c"), List.of("out"));

    assertEquals("[batch, 4, 5]", shapeOf(model, "out"));
  }

  @Test
  void squeezeAndUnsqueezeReadAxesFromAnAttributeBeforeOpset13() {
    ModelBuilder model =
        ModelBuilder.create()
            .opset(11)
            .input("x", FLOAT, 1, 3, 1, 5)
            .node("Squeeze", List.of("x"), List.of("s"), Map.of("axes", new long[] {0, -2}))
            .node("Unsqueeze", List.of("s"), List.of("out"), Map.of("axes", new long[] {-1}));

    assertEquals("[3, 5]", shapeOf(model, "s"));
    assertEquals("[3, 5, 1]", shapeOf(model, "out"));
  }

  @Test
  void squeezeAndUnsqueezeReadAxesFromAnInputFromOpset13() {
    ModelBuilder model =
        ModelBuilder.create()
            .opset(13)
            .input("x", FLOAT, 1, 3, 1, 5)
            .initializer("axes", new long[] {2}, 1)
            .node("Squeeze", List.of("x", "axes"), List.of("s"))
            .node("Unsqueeze", List.of("s", "axes"), List.of("out"));

    assertEquals("[1, 3, 5]", shapeOf(model, "s"));
    assertEquals("[1, 3, 1, 5]", shapeOf(model, "out"));
  }

  @Test
  void sliceClampsItsBoundsAndHonoursNegativeSteps() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("x", FLOAT, 10, 20)
            .initializer("starts", new long[] {2, -1}, 2)
            .initializer("ends", new long[] {Long.MAX_VALUE, Long.MIN_VALUE}, 2)
            .initializer("axes", new long[] {0, 1}, 2)
            .initializer("steps", new long[] {3, -2}, 2)
            .node("Slice", List.of("x", "starts", "ends", "axes", "steps"), List.of("out"));

    assertEquals("[3, 10]", shapeOf(model, "out"));
  }

  @Test
  void resizeScalesTheSpatialAxes() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("x", FLOAT, 1, 3, 10, 15)
            .initializer("scales", new float[] {1, 1, 2, 0.5f}, 4)
            .node("Resize", List.of("x", "", "scales"), List.of("out"), Map.of("mode", "nearest"));

    assertEquals("[1, 3, 20, 7]", shapeOf(model, "out"));
  }

  @Test
  void reductionsDropOrKeepTheirAxes() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("x", FLOAT, 2, 3, 4)
            .node("ReduceMean", List.of("x"), List.of("kept"), Map.of("axes", new long[] {1}))
            .node(
                "ReduceMean",
                List.of("x"),
                List.of("out"),
                Map.of("axes", new long[] {-1}, "keepdims", 0));

    assertEquals("[2, 1, 4]", shapeOf(model, "kept"));
    assertEquals("[2, 3]", shapeOf(model, "out"));
  }

  @Test
  void transposeConcatPadAndGlobalPoolingCompose() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("x", FLOAT, 1, 4, 6, 6)
            .input("y", FLOAT, 1, 2, 6, 6)
            .initializer("pads", new long[] {0, 0, 1, 2, 0, 0, 1, 2}, 8)
            .node("Concat", List.of("x", "y"), List.of("c"), Map.of("axis", 1))
            .node("Pad", List.of("c", "pads"), List.of("p"))
            .node("Transpose", List.of("p"), List.of("t"), Map.of("perm", new long[] {0, 2, 3, 1}))
            .node("GlobalAveragePool", List.of("p"), List.of("out"));

    assertEquals("[1, 6, 8, 10]", shapeOf(model, "p"));
    assertEquals("[1, 8, 10, 6]", shapeOf(model, "t"));
    assertEquals("[1, 6, 1, 1]", shapeOf(model, "out"));
  }

  @Test
  void splitDividesAnAxisEvenlyWithoutSizes() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("x", FLOAT, 2, 12)
            .node("Split", List.of("x"), List.of("a", "b", "out"), Map.of("axis", 1));

    assertEquals("[2, 4]", shapeOf(model, "a"));
    assertEquals("[2, 4]", shapeOf(model, "out"));
  }

  @Test
  void anUnknownOpTakesTheShapeTheGraphDeclaresForItsOutput() {
    GraphProto graph =
        ModelBuilder.create()
            .input("x", FLOAT, 2, 3)
            .node("MysteryOp", List.of("x"), List.of("m"))
            .node("Relu", List.of("m"), List.of("out"))
            .output("out", FLOAT, 7, 7)
            .build()
            .proto()
            .getGraph();

    ShapeInference shapes = ShapeInference.of(graph);

    assertTrue(shapes.shape("m").isEmpty());
    assertEquals("[7, 7]", shapes.shape("out").orElseThrow().toString());
  }

  @Test
  void flattenMultipliesTheAxesOnEachSideKeepingALoneSymbol() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("x", FLOAT, "batch", 2, 3, 4)
            .node("Flatten", List.of("x"), List.of("out"))
            .node("Flatten", List.of("x"), List.of("mixed"), Map.of("axis", 2));

    assertEquals("[batch, 24]", shapeOf(model, "out"));
    assertEquals("[?, 12]", shapeOf(model, "mixed"));
  }

  @Test
  void aNodeWhoseAttributesBreakItsOperatorsRulesHasAnUnknownOutput() {
    ModelBuilder model =
        ModelBuilder.create()
            .input("x", FLOAT, 2, 12)
            .initializer("axes", new long[] {7}, 1)
            .initializer("pads", new long[] {1, 1}, 2)
            .node("Split", List.of("x"), List.of("a", "b"), Map.of("axis", 1, "num_outputs", 0))
            .node("Pad", List.of("x", "pads", "", "axes"), List.of("out"));

    assertEquals("unknown", shapeOf(model, "a"));
    assertEquals("unknown", shapeOf(model, "out"));
  }
}
