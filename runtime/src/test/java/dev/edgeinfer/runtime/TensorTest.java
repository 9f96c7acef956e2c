package dev.edgeinfer.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorTest {

  @Test
  void float16AndBfloat16RoundTripRepresentableValues() {
    float[] values = {0f, 1f, -2.5f, 0.125f, 1024f};
    try (Tensor half = Tensor.ofFloats(ElementType.FLOAT16, values, 5);
        Tensor brain = Tensor.ofFloats(ElementType.BFLOAT16, values, 5)) {
      assertArrayEquals(values, half.toFloatArray());
      assertArrayEquals(values, brain.toFloatArray());
      assertEquals(10, half.buffer().capacity());
    }
  }

  @Test
  void concatStacksAlongTheFirstAxisAndRowsTakesThemApart() {
    try (Tensor a = Tensor.ofFloats(new float[] {1, 2, 3}, 1, 3);
        Tensor b = Tensor.ofFloats(new float[] {4, 5, 6, 7, 8, 9}, 2, 3);
        Tensor batch = Tensor.concat(List.of(a, b))) {
      assertArrayEquals(new long[] {3, 3}, batch.shape());
      assertArrayEquals(new float[] {4, 5, 6}, batch.rows(1, 2).toFloatArray());
      assertArrayEquals(new float[] {7, 8, 9}, batch.rows(2, 3).toFloatArray());
    }
  }

  @Test
  void concatRefusesSamplesOfDifferentShapes() {
    try (Tensor a = Tensor.ofFloats(new float[] {1, 2, 3}, 1, 3);
        Tensor b = Tensor.ofFloats(new float[] {1, 2}, 1, 2)) {
      InferenceException e =
          assertThrows(InferenceException.class, () -> Tensor.concat(List.of(a, b)));
      assertTrue(
          e.getMessage().contains("float32[1,2]") && e.getMessage().contains("float32[1,3]"),
          e.getMessage());
    }
  }

  @Test
  void valuesThatDoNotFillTheShapeAreRejected() {
    InferenceException e =
        assertThrows(InferenceException.class, () -> Tensor.ofFloats(new float[5], 2, 3));
    assertTrue(
        e.getMessage().contains("5 values") && e.getMessage().contains("6 elements"),
        e.getMessage());
  }

  @Test
  void wrapSharesTheCallersBufferWithoutCopying() {
    ByteBuffer direct = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    try (Tensor t = Tensor.wrap(ElementType.INT32, direct, 2)) {
      direct.putInt(4, 42);
      assertArrayEquals(new long[] {0, 42}, t.toLongArray());
    }
    assertThrows(
        InferenceException.class, () -> Tensor.wrap(ElementType.INT32, ByteBuffer.allocate(8), 2));
  }

  @Test
  void elementTypesParseFromTheirCommonNames() {
    assertEquals(ElementType.FLOAT16, ElementType.parse("fp16"));
    assertEquals(ElementType.UINT8, ElementType.parse("uint8"));
    assertThrows(InferenceException.class, () -> ElementType.parse("float7"));
  }
}
