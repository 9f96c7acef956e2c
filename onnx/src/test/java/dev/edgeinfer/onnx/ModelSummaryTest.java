package dev.edgeinfer.onnx;

import static dev.edgeinfer.onnx.proto.TensorProto.DataType.FLOAT;
import static dev.edgeinfer.onnx.proto.TensorProto.DataType.INT64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgeinfer.onnx.ModelSummary.ValueSummary;
import dev.edgeinfer.onnx.proto.AttributeProto;
import dev.edgeinfer.onnx.proto.ModelProto;
import dev.edgeinfer.onnx.proto.NodeProto;
import dev.edgeinfer.onnx.proto.TensorProto;
import dev.edgeinfer.onnx.proto.ValueInfoProto;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelSummaryTest {

  /** x[batch,64] → Gemm(64→32) → Relu → Gemm(32→10). */
  private static OnnxModel mlp() {
    return ModelBuilder.create()
        .producer("edgeinfer-tests", "0.1")
        .input("x", FLOAT, "batch", 64)
        .initializer("w1", new float[32 * 64], 32, 64)
        .initializer("b1", new float[32], 32)
        .initializer("w2", new float[32 * 10], 32, 10)
        .initializer("b2", new float[10], 10)
        .node("Gemm", List.of("x", "w1", "b1"), List.of("h"), Map.of("transB", 1))
        .node("Relu", List.of("h"), List.of("a"))
        .node("Gemm", List.of("a", "w2", "b2"), List.of("y"))
        .output("y", FLOAT, "batch", 10)
        .build();
  }

  /**
   * image[1,3,32,32] → Conv 3→16 3x3 pad 1 → Relu → depthwise Conv 16→16 3x3 stride 2 pad 1 → Relu
   * → Conv 16→32 1x1 → MaxPool 2 → Flatten → Gemm 2048→10.
   */
  private static OnnxModel cnn() {
    return ModelBuilder.create()
        .input("image", FLOAT, 1, 3, 32, 32)
        .initializer("c1.w", new float[16 * 3 * 9], 16, 3, 3, 3)
        .initializer("c1.b", new float[16], 16)
        .initializer("c2.w", new float[16 * 9], 16, 1, 3, 3)
        .initializer("c2.b", new float[16], 16)
        .initializer("c3.w", new float[32 * 16], 32, 16, 1, 1)
        .initializer("c3.b", new float[32], 32)
        .initializer("fc.w", new float[10 * 2048], 10, 2048)
        .initializer("fc.b", new float[10], 10)
        .node(
            "Conv",
            List.of("image", "c1.w", "c1.b"),
            List.of("c1"),
            Map.of("kernel_shape", new long[] {3, 3}, "pads", new long[] {1, 1, 1, 1}))
        .node("Relu", List.of("c1"), List.of("r1"))
        .node(
            "Conv",
            List.of("r1", "c2.w", "c2.b"),
            List.of("c2"),
            Map.of("group", 16, "strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1}))
        .node("Relu", List.of("c2"), List.of("r2"))
        .node("Conv", List.of("r2", "c3.w", "c3.b"), List.of("c3"))
        .node(
            "MaxPool",
            List.of("c3"),
            List.of("p"),
            Map.of("kernel_shape", new long[] {2, 2}, "strides", new long[] {2, 2}))
        .node("Flatten", List.of("p"), List.of("f"))
        .node("Gemm", List.of("f", "fc.w", "fc.b"), List.of("logits"), Map.of("transB", 1))
        .output("logits", FLOAT)
        .build();
  }

  @Test
  void anMlpCountsGemmMacsExactly() {
    ModelSummary summary = ModelSummary.of(mlp());

    assertEquals(64 * 32 + 32 * 10, summary.macs());
    assertFalse(summary.macsAreLowerBound());
  }

  @Test
  void anMlpReportsItsParametersAndProducer() {
    ModelSummary summary = ModelSummary.of(mlp());

    assertEquals(32 * 64 + 32 + 32 * 10 + 10, summary.parameterCount());
    assertEquals(4L * summary.parameterCount(), summary.parameterBytes());
    assertEquals("edgeinfer-tests", summary.producerName());
    assertEquals("0.1", summary.producerVersion());
    assertEquals(8, summary.irVersion());
    assertEquals(Map.of("ai.onnx", 17L), summary.opsets());
    assertEquals(mlp().sizeInBytes(), summary.fileSizeBytes());
  }

  @Test
  void aCnnCountsConvolutionsWithPadsStridesAndGroups() {
    ModelSummary summary = ModelSummary.of(cnn());

    long conv1 = 16L * 32 * 32 * 3 * 9;
    long depthwise = 16L * 16 * 16 * 1 * 9;
    long pointwise = 32L * 16 * 16 * 16;
    long gemm = 2048L * 10;
    assertEquals(conv1 + depthwise + pointwise + gemm, summary.macs());
    assertEquals(List.of(), summary.macsNotEstimatedFor());
  }

  @Test
  void aCnnCountsItsParametersExactly() {
    ModelSummary summary = ModelSummary.of(cnn());

    long expected = 16 * 3 * 9 + 16 + 16 * 9 + 16 + 32 * 16 + 32 + 10 * 2048 + 10;
    assertEquals(expected, summary.parameterCount());
    assertEquals(4 * expected, summary.parameterBytes());
  }

  @Test
  void theHistogramListsTheMostUsedOpsFirstThenByName() {
    ModelSummary summary = ModelSummary.of(cnn());

    assertEquals(
        List.of("Conv", "Relu", "Flatten", "Gemm", "MaxPool"),
        List.copyOf(summary.opHistogram().keySet()));
    assertEquals(List.of(3L, 2L, 1L, 1L, 1L), List.copyOf(summary.opHistogram().values()));
    assertEquals(8, summary.nodeCount());
  }

  @Test
  void symbolicBatchDimensionsAreReportedByName() {
    ModelSummary summary = ModelSummary.of(mlp());

    assertEquals(
        List.of(new ValueSummary("x", "float32", List.of("batch", "64"))), summary.inputs());
    assertEquals(
        List.of(new ValueSummary("y", "float32", List.of("batch", "10"))), summary.outputs());
    assertEquals("[batch,64]", summary.inputs().get(0).shape());
  }

  @Test
  void unnamedUnknownDimensionsAreShownAsQuestionMarks() {
    ModelProto.Builder proto = mlp().proto().toBuilder();
    proto
        .getGraphBuilder()
        .getInputBuilder(0)
        .getTypeBuilder()
        .getTensorTypeBuilder()
        .getShapeBuilder()
        .getDimBuilder(0)
        .clear();

    ModelSummary summary = ModelSummary.of(OnnxModel.of(proto.build()));

    assertEquals(List.of("?", "64"), summary.inputs().get(0).dims());
  }

  @Test
  void initializersAlsoListedAsGraphInputsAreNotReportedAsInputs() {
    ModelProto.Builder proto = mlp().proto().toBuilder();
    proto.getGraphBuilder().addInput(ValueInfoProto.newBuilder().setName("w1"));

    ModelSummary summary = ModelSummary.of(OnnxModel.of(proto.build()));

    assertEquals(List.of("x"), summary.inputs().stream().map(ValueSummary::name).toList());
  }

  @Test
  void anUnknownOpFeedingAMatMulMakesTheMacsALowerBound() {
    OnnxModel model =
        ModelBuilder.create()
            .input("x", FLOAT, 1, 8)
            .initializer("w", new float[8 * 4], 8, 4)
            .initializer("v", new float[4 * 2], 4, 2)
            .node("MysteryOp", List.of("x"), List.of("m"))
            .node("MatMul", List.of("m", "w"), List.of("y"))
            .node("MatMul", List.of("x", "w"), List.of("z"))
            .node("MatMul", List.of("z", "v"), List.of("u"))
            .output("y", FLOAT)
            .output("u", FLOAT)
            .build();

    ModelSummary summary = ModelSummary.of(model);

    assertEquals(List.of("MatMul", "MysteryOp"), summary.macsNotEstimatedFor());
    assertTrue(summary.macsAreLowerBound());
    assertEquals(8 * 4 + 4 * 2, summary.macs());
  }

  @Test
  void opsOfOtherDomainsAreNamedWithTheirDomain() {
    ModelProto.Builder proto = mlp().proto().toBuilder();
    proto.getGraphBuilder().getNodeBuilder(1).setDomain("com.microsoft").setOpType("FastGelu");

    ModelSummary summary = ModelSummary.of(OnnxModel.of(proto.build()));

    assertEquals(List.of("com.microsoft.FastGelu"), summary.macsNotEstimatedFor());
    assertEquals(1L, summary.opHistogram().get("com.microsoft.FastGelu"));
    assertEquals(64 * 32 + 32 * 10, summary.macs());
  }

  @Test
  void batchedMatMulsCountBatchTimesRowsTimesColumnsTimesDepth() {
    OnnxModel model =
        ModelBuilder.create()
            .input("q", FLOAT, "batch", 4, 16, 32)
            .input("k", FLOAT, "batch", 4, 32, 16)
            .node("MatMul", List.of("q", "k"), List.of("scores"))
            .output("scores", FLOAT)
            .build();

    assertEquals(4L * 16 * 16 * 32, ModelSummary.of(model).macs());
  }

  @Test
  void aDynamicFlattenThroughShapeGatherConcatReshapeIsFollowed() {
    OnnxModel model =
        ModelBuilder.create()
            .input("x", FLOAT, "batch", 8, 2, 2)
            .initializer("zero", new long[] {0}, 1)
            .initializer("minus_one", new long[] {-1}, 1)
            .initializer("w", new float[32 * 5], 32, 5)
            .node("Shape", List.of("x"), List.of("shape"))
            .node("Gather", List.of("shape", "zero"), List.of("batch"), Map.of("axis", 0))
            .node("Concat", List.of("batch", "minus_one"), List.of("target"), Map.of("axis", 0))
            .node("Reshape", List.of("x", "target"), List.of("flat"))
            .node("MatMul", List.of("flat", "w"), List.of("y"))
            .output("y", FLOAT)
            .build();

    ModelSummary summary = ModelSummary.of(model);

    assertEquals(32 * 5, summary.macs());
    assertFalse(summary.macsAreLowerBound());
  }

  @Test
  void constantNodesCountAsParameters() {
    TensorProto scale =
        TensorProto.newBuilder()
            .setDataType(FLOAT.getNumber())
            .addDims(3)
            .addFloatData(1)
            .addFloatData(2)
            .addFloatData(3)
            .build();
    OnnxModel model =
        ModelBuilder.create()
            .input("x", FLOAT, 3)
            .node("Constant", List.of(), List.of("scale"), Map.of("value", scale))
            .node(
                "Constant", List.of(), List.of("shift"), Map.of("value_floats", new float[] {1, 2}))
            .node("Mul", List.of("x", "scale"), List.of("y"))
            .output("y", FLOAT, 3)
            .build();

    ModelSummary summary = ModelSummary.of(model);

    assertEquals(5, summary.parameterCount());
    assertEquals(20, summary.parameterBytes());
  }

  @Test
  void anLstmCountsItsGateMultiplications() {
    OnnxModel model =
        ModelBuilder.create()
            .input("x", FLOAT, 10, 1, 8)
            .initializer("W", new float[4 * 16 * 8], 1, 4 * 16, 8)
            .initializer("R", new float[4 * 16 * 16], 1, 4 * 16, 16)
            .node("LSTM", List.of("x", "W", "R"), List.of("y"), Map.of("hidden_size", 16))
            .output("y", FLOAT)
            .build();

    assertEquals(10L * 4 * 16 * (8 + 16), ModelSummary.of(model).macs());
  }

  @Test
  void nonTensorInputsAreDescribedByTheirType() {
    ModelProto.Builder proto = mlp().proto().toBuilder();
    proto
        .getGraphBuilder()
        .getInputBuilder(0)
        .getTypeBuilder()
        .clearTensorType()
        .getSequenceTypeBuilder()
        .getElemTypeBuilder()
        .getTensorTypeBuilder()
        .setElemType(INT64.getNumber());

    ModelSummary summary = ModelSummary.of(OnnxModel.of(proto.build()));

    assertEquals(new ValueSummary("x", "sequence<int64>", List.of()), summary.inputs().get(0));
  }

  @Test
  void theDigitsModelCostsItsTwoConvolutionsAndTwoGemms() throws Exception {

    ModelSummary summary = ModelSummary.of(OnnxModel.read(OnnxModelTest.DIGITS));

    assertEquals(16 * 64 * 9 + 32 * 64 * 16 * 9 + 512 * 64 + 64 * 10, summary.macs());
    assertFalse(summary.macsAreLowerBound());
    assertEquals(160 + 4640 + 32832 + 650, summary.parameterCount());
    assertEquals(
        Map.of("Conv", 2L, "Relu", 3L, "Gemm", 2L, "MaxPool", 1L, "Flatten", 1L),
        summary.opHistogram());
    assertEquals(
        List.of(new ValueSummary("image", "float32", List.of("batch", "1", "8", "8"))),
        summary.inputs());
    assertEquals(Files.size(OnnxModelTest.DIGITS), summary.fileSizeBytes());
  }

  @Test
  void aSummaryNeverFailsOnNodesWithMalformedAttributes() {
    ModelProto.Builder proto = cnn().proto().toBuilder();
    NodeProto.Builder conv = proto.getGraphBuilder().getNodeBuilder(0);
    conv.clearAttribute().addAttribute(AttributeProto.newBuilder().setName("pads").addInts(1));

    ModelSummary summary = ModelSummary.of(OnnxModel.of(proto.build()));

    assertTrue(summary.macsAreLowerBound());
  }
}
