package dev.edgeinfer.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.edgeinfer.onnx.ModelBuilder;
import dev.edgeinfer.onnx.proto.TensorProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every element type goes into ONNX Runtime and comes back unchanged, through models built in code.
 */
class TypedTensorTest {

  private static TensorProto.DataType onnxType(ElementType type) {
    return switch (type) {
      case FLOAT32 -> TensorProto.DataType.FLOAT;
      case FLOAT16 -> TensorProto.DataType.FLOAT16;
      case BFLOAT16 -> TensorProto.DataType.BFLOAT16;
      case FLOAT64 -> TensorProto.DataType.DOUBLE;
      case INT8 -> TensorProto.DataType.INT8;
      case UINT8 -> TensorProto.DataType.UINT8;
      case INT16 -> TensorProto.DataType.INT16;
      case INT32 -> TensorProto.DataType.INT32;
      case INT64 -> TensorProto.DataType.INT64;
      case BOOL -> TensorProto.DataType.BOOL;
      case STRING -> TensorProto.DataType.STRING;
    };
  }

  private static Model identity(ElementType type) {
    byte[] bytes =
        ModelBuilder.create()
            .input("x", onnxType(type), "n", 3)
            .output("y", onnxType(type), "n", 3)
            .node("Identity", List.of("x"), List.of("y"))
            .build()
            .toByteArray();
    return Model.load(bytes, ModelOptions.defaults());
  }

  @ParameterizedTest
  @EnumSource(
      value = ElementType.class,
      names = {"FLOAT32", "FLOAT16", "BFLOAT16", "FLOAT64"})
  void floatTypesRoundTrip(ElementType type) {
    float[] values = {0.5f, -1f, 2f, 4f, -8f, 0.25f};
    try (Model model = identity(type);
        Tensor in = Tensor.ofFloats(type, values, 2, 3);
        Outputs out = model.predict(in)) {
      Tensor y = out.get("y");
      assertEquals(type, y.type());
      assertArrayEquals(new long[] {2, 3}, y.shape());
      assertArrayEquals(values, y.toFloatArray());
      assertEquals(type, model.signature().inputs().getFirst().type());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = ElementType.class,
      names = {"INT8", "UINT8", "BOOL"})
  void byteTypesRoundTrip(ElementType type) {
    byte[] values = {0, 1, 1, 0, 1, 0};
    try (Model model = identity(type);
        Tensor in = Tensor.ofBytes(type, values, 2, 3);
        Outputs out = model.predict(in)) {
      assertArrayEquals(new float[] {0, 1, 1, 0, 1, 0}, out.get(0).toFloatArray());
    }
  }

  @Test
  void negativeInt8AndLargeUint8KeepTheirValues() {
    try (Model i8 = identity(ElementType.INT8);
        Model u8 = identity(ElementType.UINT8);
        Tensor a = Tensor.ofBytes(ElementType.INT8, new byte[] {-128, -1, 127}, 1, 3);
        Tensor b = Tensor.ofBytes(ElementType.UINT8, new byte[] {(byte) 255, (byte) 128, 0}, 1, 3);
        Outputs outA = i8.predict(a);
        Outputs outB = u8.predict(b)) {
      assertArrayEquals(new float[] {-128, -1, 127}, outA.get(0).toFloatArray());
      assertArrayEquals(new float[] {255, 128, 0}, outB.get(0).toFloatArray());
    }
  }

  @Test
  void integerTypesRoundTrip() {
    try (Model i32 = identity(ElementType.INT32);
        Model i64 = identity(ElementType.INT64);
        Tensor a = Tensor.ofInts(new int[] {1, -2, 3}, 1, 3);
        Tensor b = Tensor.ofLongs(new long[] {Long.MAX_VALUE, -5, 0}, 1, 3);
        Outputs outA = i32.predict(a);
        Outputs outB = i64.predict(b)) {
      assertArrayEquals(new long[] {1, -2, 3}, outA.get(0).toLongArray());
      assertArrayEquals(new long[] {Long.MAX_VALUE, -5, 0}, outB.get(0).toLongArray());
    }
  }

  @Test
  void stringsRoundTrip() {
    String[] values = {"edge", "inférence", ""};
    try (Model model = identity(ElementType.STRING);
        Tensor in = Tensor.ofStrings(values, 1, 3);
        Outputs out = model.run(Map.of("x", in))) {
      assertArrayEquals(values, out.get("y").toStrings());
    }
  }
}
