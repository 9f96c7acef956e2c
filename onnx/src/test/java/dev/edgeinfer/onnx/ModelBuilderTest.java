package dev.edgeinfer.onnx;

import static dev.edgeinfer.onnx.proto.TensorProto.DataType.FLOAT;
import static dev.edgeinfer.onnx.proto.TensorProto.DataType.INT64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgeinfer.onnx.proto.AttributeProto;
import dev.edgeinfer.onnx.proto.AttributeProto.AttributeType;
import dev.edgeinfer.onnx.proto.ModelProto;
import dev.edgeinfer.onnx.proto.NodeProto;
import dev.edgeinfer.onnx.proto.TensorShapeProto;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelBuilderTest {

  @Test
  void aBuiltModelDeclaresIrVersion8AndOpset17ByDefault() {
    ModelProto proto = identity().build().proto();

    assertEquals(8, proto.getIrVersion());
    assertEquals(1, proto.getOpsetImportCount());
    assertEquals("", proto.getOpsetImport(0).getDomain());
    assertEquals(17, proto.getOpsetImport(0).getVersion());
  }

  @Test
  void theOpsetAndIrVersionCanBeChosen() {
    OnnxModel model = identity().opset(13).irVersion(7).build();

    assertEquals(13, model.opsetVersion());
    assertEquals(7, model.proto().getIrVersion());
  }

  @Test
  void numbersAreFixedSizesAndStringsAreSymbols() {
    OnnxModel model =
        ModelBuilder.create()
            .input("x", FLOAT, "batch", 3, 224L)
            .node("Identity", List.of("x"), List.of("y"))
            .output("y", FLOAT)
            .build();

    List<TensorShapeProto.Dimension> dims =
        model.proto().getGraph().getInput(0).getType().getTensorType().getShape().getDimList();
    assertEquals("batch", dims.get(0).getDimParam());
    assertEquals(3, dims.get(1).getDimValue());
    assertEquals(224, dims.get(2).getDimValue());
  }

  @Test
  void aLongArrayIsTakenAsTheWholeShape() {
    OnnxModel model =
        ModelBuilder.create()
            .input("x", FLOAT, new long[] {2, 5})
            .node("Identity", List.of("x"), List.of("y"))
            .output("y", FLOAT)
            .build();

    assertEquals(List.of("2", "5"), ModelSummary.of(model).inputs().get(0).dims());
  }

  @Test
  void anOutputWithoutDimensionsHasNoDeclaredShape() {
    OnnxModel model = identity().build();

    assertFalse(model.proto().getGraph().getOutput(0).getType().getTensorType().hasShape());
  }

  @Test
  void attributesMapJavaValuesToOnnxTypes() {
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("i", 3);
    attributes.put("l", 4L);
    attributes.put("f", 0.5f);
    attributes.put("d", 0.25);
    attributes.put("s", "SAME_UPPER");
    attributes.put("ints", new int[] {1, 2});
    attributes.put("longs", new long[] {3, 4});
    attributes.put("floats", new float[] {1.5f});
    attributes.put("strings", new String[] {"a", "b"});
    NodeProto node =
        ModelBuilder.create()
            .input("x", FLOAT, 1)
            .node("Custom", List.of("x"), List.of("y"), attributes)
            .output("y", FLOAT)
            .build()
            .proto()
            .getGraph()
            .getNode(0);

    Map<String, AttributeProto> byName = new HashMap<>();
    node.getAttributeList().forEach(a -> byName.put(a.getName(), a));
    assertEquals(AttributeType.INT, byName.get("i").getType());
    assertEquals(3, byName.get("i").getI());
    assertEquals(4, byName.get("l").getI());
    assertEquals(AttributeType.FLOAT, byName.get("d").getType());
    assertEquals(0.25f, byName.get("d").getF());
    assertEquals("SAME_UPPER", byName.get("s").getS().toStringUtf8());
    assertEquals(List.of(1L, 2L), byName.get("ints").getIntsList());
    assertEquals(AttributeType.INTS, byName.get("longs").getType());
    assertEquals(List.of(1.5f), byName.get("floats").getFloatsList());
    assertEquals(AttributeType.STRINGS, byName.get("strings").getType());
  }

  @Test
  void theSameModelSerializesToTheSameBytesWhateverTheAttributeMapOrder() {
    Map<String, Object> forward = new LinkedHashMap<>();
    forward.put("alpha", 1.0f);
    forward.put("transB", 1);
    Map<String, Object> backward = new LinkedHashMap<>();
    backward.put("transB", 1);
    backward.put("alpha", 1.0f);

    byte[] first = gemm(forward).build().toByteArray();
    byte[] second = gemm(backward).build().toByteArray();

    assertArrayEquals(first, second);
  }

  @Test
  void initializersAreStoredAsLittleEndianRawData() {
    OnnxModel model =
        ModelBuilder.create()
            .input("x", FLOAT, 2)
            .initializer("w", new float[] {1.5f, -2f}, 2)
            .initializer("shape", new long[] {-1, 2}, 2)
            .node("Add", List.of("x", "w"), List.of("y"))
            .output("y", FLOAT)
            .build();

    ConstantTensor weights = new ConstantTensor(model.proto().getGraph().getInitializer(0));
    ConstantTensor shape = new ConstantTensor(model.proto().getGraph().getInitializer(1));
    assertArrayEquals(new double[] {1.5, -2}, weights.doubles().orElseThrow());
    assertArrayEquals(new long[] {-1, 2}, shape.longs().orElseThrow());
    assertEquals(INT64.getNumber(), shape.proto().getDataType());
  }

  @Test
  void aNodeReadingAnUndefinedValueIsRejectedWithItsName() {
    ModelBuilder builder = ModelBuilder.create().input("x", FLOAT, 1);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> builder.node("Add", List.of("x", "bias"), List.of("y")));

    assertTrue(e.getMessage().contains("reads 'bias'"), e.getMessage());
  }

  @Test
  void aNameDefinedTwiceIsRejected() {
    ModelBuilder builder = ModelBuilder.create().input("x", FLOAT, 1);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> builder.node("Relu", List.of("x"), List.of("x")));

    assertTrue(e.getMessage().contains("'x' is already defined by graph input"), e.getMessage());
  }

  @Test
  void anInitializerWhoseValuesDoNotFillItsShapeIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelBuilder.create().initializer("w", new float[5], 2, 3));

    assertEquals("initializer 'w' has 5 values but shape [2, 3] holds 6", e.getMessage());
  }

  @Test
  void anAttributeOfAnUnsupportedTypeIsRejected() {
    ModelBuilder builder = ModelBuilder.create().input("x", FLOAT, 1);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> builder.node("Relu", List.of("x"), List.of("y"), Map.of("weird", List.of(1))));

    assertTrue(
        e.getMessage().startsWith("attribute 'weird' of node Relu_0 has unsupported type"),
        e.getMessage());
  }

  @Test
  void aNegativeDimensionIsRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> ModelBuilder.create().input("x", FLOAT, -1, 3));
  }

  @Test
  void anOutputThatNothingProducesIsRejectedAtBuild() {
    ModelBuilder builder = identity().output("z", FLOAT);

    IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);

    assertTrue(e.getMessage().startsWith("output 'z'"), e.getMessage());
  }

  private static ModelBuilder identity() {
    return ModelBuilder.create()
        .input("x", FLOAT, 1)
        .node("Identity", List.of("x"), List.of("y"))
        .output("y", FLOAT);
  }

  private static ModelBuilder gemm(Map<String, Object> attributes) {
    return ModelBuilder.create()
        .input("x", FLOAT, 1, 2)
        .initializer("w", new float[] {1, 2, 3, 4}, 2, 2)
        .node("Gemm", List.of("x", "w"), List.of("y"), attributes)
        .output("y", FLOAT, 1, 2);
  }
}
