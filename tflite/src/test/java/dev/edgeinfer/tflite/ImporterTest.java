package dev.edgeinfer.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgeinfer.runtime.InferenceException;
import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.ModelFormats;
import dev.edgeinfer.runtime.ModelOptions;
import dev.edgeinfer.runtime.Outputs;
import dev.edgeinfer.runtime.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImporterTest {
  private static final Path FACE =
      Path.of("src", "test", "resources", "models", "face_detection_short_range.tflite");

  @Test
  void aTfliteFileIsConvertedOnceAndCachedBySha256(@TempDir Path cache) throws Exception {
    Path onnx = ModelFormats.onnxFile(FACE, cache);
    assertTrue(onnx.startsWith(cache) && onnx.toString().endsWith(".onnx"), onnx.toString());
    assertEquals(64 + ".onnx".length(), onnx.getFileName().toString().length());
    Files.setLastModifiedTime(onnx, FileTime.fromMillis(1_000));
    assertEquals(onnx, ModelFormats.onnxFile(FACE, cache));
    assertEquals(FileTime.fromMillis(1_000), Files.getLastModifiedTime(onnx), "not rewritten");
  }

  @Test
  void aChangedFileGetsItsOwnCacheEntry(@TempDir Path dir) throws Exception {
    Path copy = dir.resolve("m.tflite");
    Files.write(copy, Fixtures.unsupportedCustomOp());
    Files.copy(FACE, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path first = ModelFormats.onnxFile(copy, dir.resolve("cache"));
    Files.write(copy, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
    assertNotEquals(first, ModelFormats.onnxFile(copy, dir.resolve("cache")));
  }

  @Test
  void onnxFilesAndUnknownExtensionsPassThroughUntouched(@TempDir Path dir) {
    Path onnx = dir.resolve("m.onnx");
    assertEquals(onnx, ModelFormats.onnxFile(onnx, dir));
    assertTrue(ModelFormats.importerFor(FACE).isPresent());
  }

  @Test
  void modelOpenRunsATfliteFileInOnnxRuntime(@TempDir Path cache) {
    String previous = System.setProperty(ModelFormats.CACHE_PROPERTY, cache.toString());
    try (Model model = Model.open(FACE, ModelOptions.defaults());
        Tensor image = Tensor.ofFloats(new float[128 * 128 * 3], 1, 128, 128, 3);
        Outputs out = model.predict(image)) {
      assertEquals("input", model.signature().inputs().getFirst().name());
      assertArrayEquals(new long[] {1, 896, 16}, out.get("regressors").shape());
      assertArrayEquals(new long[] {1, 896, 1}, out.get("classificators").shape());
    } finally {
      restore(previous);
    }
  }

  @Test
  void anUnsupportedOperatorSurfacesAsAnUnsupportedInferenceException(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("acme.tflite");
    Files.write(file, Fixtures.unsupportedCustomOp());
    InferenceException e =
        assertThrows(InferenceException.class, () -> ModelFormats.onnxFile(file, dir));
    assertEquals(InferenceException.Code.UNSUPPORTED, e.code());
    assertTrue(e.getMessage().contains("AcmeFancyOp"), e.getMessage());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "nothing cached for a failed conversion");
    }
  }

  private static void restore(String previous) {
    if (previous == null) {
      System.clearProperty(ModelFormats.CACHE_PROPERTY);
    } else {
      System.setProperty(ModelFormats.CACHE_PROPERTY, previous);
    }
  }
}
