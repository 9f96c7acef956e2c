package dev.edgeinfer.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputTest {
  private static final Path MODELS = Path.of("src", "test", "resources", "models");

  @Test
  void bytesThatAreNotAFlatbufferAreRejectedByName() {
    TfliteException e =
        assertThrows(
            TfliteException.class,
            () -> TfliteModel.parse("not a model".getBytes(StandardCharsets.UTF_8), "notes.txt"));
    assertEquals(TfliteException.Code.NOT_TFLITE, e.code());
    assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains("TFL3"));
  }

  @Test
  void everyTruncationOfARealModelFailsWithATfliteExceptionNotACrash() throws Exception {
    byte[] model = Files.readAllBytes(MODELS.resolve("face_detection_short_range.tflite"));
    for (int length : new int[] {8, 12, 100, 1_000, 10_000, model.length / 2, model.length - 1}) {
      byte[] cut = Arrays.copyOf(model, length);
      TfliteException e =
          assertThrows(
              TfliteException.class,
              () -> TfliteModel.parse(cut, "cut").toOnnx(),
              "truncated to " + length);
      assertTrue(e.getMessage().startsWith("cut"), e.getMessage());
      assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
    }
  }

  @Test
  void anUnknownCustomOpIsNamedInTheError() throws Exception {
    byte[] model = Fixtures.unsupportedCustomOp();
    assertArrayEquals(
        model,
        Files.readAllBytes(MODELS.resolve("unsupported_custom_op.tflite")),
        "the committed fixture is what Fixtures writes");
    TfliteException e =
        assertThrows(TfliteException.class, () -> TfliteModel.parse(model, "m.tflite").toOnnx());
    assertEquals(TfliteException.Code.UNSUPPORTED, e.code());
    assertTrue(e.getMessage().contains("'AcmeFancyOp'"), e.getMessage());
    assertTrue(e.getMessage().contains("operator 1"), e.getMessage());
  }

  @Test
  void anUnsupportedBuiltinIsNamedInTheError() {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", TensorType.FLOAT32, 1, 4);
    int y = m.tensor("y", TensorType.FLOAT32, 1, 4);
    m.op(16, 0, List.of(), new int[] {x}, y);
    TfliteException e =
        assertThrows(
            TfliteException.class,
            () -> TfliteModel.parse(m.build(new int[] {x}, new int[] {y}), "lstm").toOnnx());
    assertTrue(e.getMessage().contains("LSTM"), e.getMessage());
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    TfliteException e =
        assertThrows(TfliteException.class, () -> TfliteModel.read(dir.resolve("absent.tflite")));
    assertEquals(TfliteException.Code.FILE_NOT_FOUND, e.code());
  }

  @Test
  void flippingAnyByteOfARealModelNeverCrashesTheConverter() throws Exception {
    byte[] model = Files.readAllBytes(MODELS.resolve("face_detection_short_range.tflite"));
    java.util.Random random = new java.util.Random(5);
    for (int trial = 0; trial < 300; trial++) {
      byte[] corrupt = model.clone();
      int at = random.nextInt(corrupt.length);
      corrupt[at] ^= (byte) (1 << random.nextInt(8));
      try {
        TfliteModel.parse(corrupt, "corrupt").toOnnx();
      } catch (TfliteException e) {
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
      }
    }
  }

  @Test
  void duplicateAndEmptyTensorNamesStillGiveAValidOnnxModel() throws Exception {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("same", TensorType.FLOAT32, 1, 4);
    int r = m.tensor("", TensorType.FLOAT32, 1, 4);
    int y = m.tensor("same", TensorType.FLOAT32, 1, 4);
    m.op(BuiltinOperator.RELU, 0, List.of(), new int[] {x}, r);
    m.op(BuiltinOperator.TANH, 0, List.of(), new int[] {r}, y);
    Parity.Result result = Parity.check(m.build(new int[] {x}, new int[] {y}), 1);
    assertTrue(result.maxRelative() <= 1e-4, result.toString());
    assertEquals(List.of("same_2"), result.outputs());
  }
}
