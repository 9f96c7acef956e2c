package dev.edgeinfer.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {
  static final Path DIGITS = Path.of("..", "models", "digits", "digits.onnx");

  private static float[] ramp(int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (i % 17) / 16f;
    }
    return values;
  }

  @Test
  void theSignatureShowsNamesTypesAndSymbolicDimensions() {
    try (Model model = Model.open(DIGITS)) {
      TensorSpec input = model.signature().inputs().getFirst();
      assertEquals("image", input.name());
      assertEquals(ElementType.FLOAT32, input.type());
      assertEquals(
          List.of(
              new Dimension.Symbolic("batch"),
              new Dimension.Fixed(1),
              new Dimension.Fixed(8),
              new Dimension.Fixed(8)),
          input.shape());
      assertTrue(input.hasBatchAxis());
      assertEquals("image: float32[batch,1,8,8]", input.toString());
      assertEquals("logits", model.signature().outputs().getFirst().name());
      assertEquals(ExecutionProvider.CPU, model.provider());
    }
  }

  @Test
  void aModelLoadsFromBytesAsFromAFile() throws IOException {
    try (Model fromFile = Model.open(DIGITS);
        Model fromBytes = Model.load(Files.readAllBytes(DIGITS), ModelOptions.defaults());
        Tensor input = Tensor.ofFloats(ramp(64), 1, 1, 8, 8);
        Outputs a = fromFile.predict(input);
        Outputs b = fromBytes.predict(input)) {
      assertArrayEquals(a.get(0).toFloatArray(), b.get(0).toFloatArray(), 1e-6f);
      assertArrayEquals(new long[] {1, 10}, a.get("logits").shape());
    }
  }

  @Test
  void aWrongShapeNamesTheInputTheExpectedAndTheActualShape() {
    try (Model model = Model.open(DIGITS);
        Tensor input = Tensor.ofFloats(ramp(3 * 64), 1, 3, 8, 8)) {
      InferenceException e = assertThrows(InferenceException.class, () -> model.predict(input));
      assertEquals(InferenceException.Code.INVALID_INPUT, e.code());
      assertTrue(
          e.getMessage().contains("'image'")
              && e.getMessage().contains("float32[1,3,8,8]")
              && e.getMessage().contains("[batch,1,8,8]")
              && e.getMessage().contains("dimension 1 is 3"),
          e.getMessage());
    }
  }

  @Test
  void aWrongElementTypeIsRejectedBeforeOnnxRuntimeSeesIt() {
    try (Model model = Model.open(DIGITS);
        Tensor input = Tensor.ofLongs(new long[64], 1, 1, 8, 8)) {
      InferenceException e = assertThrows(InferenceException.class, () -> model.predict(input));
      assertTrue(
          e.getMessage().contains("element type is int64, the model needs float32"),
          e.getMessage());
    }
  }

  @Test
  void missingOrExtraInputNamesListWhatTheModelTakes() {
    try (Model model = Model.open(DIGITS);
        Tensor input = Tensor.ofFloats(ramp(64), 1, 1, 8, 8)) {
      InferenceException e =
          assertThrows(InferenceException.class, () -> model.run(Map.of("pixels", input)));
      assertTrue(
          e.getMessage().contains("image float32[batch,1,8,8]")
              && e.getMessage().contains("pixels"),
          e.getMessage());
    }
  }

  @Test
  void aMissingFileIsModelNotFound() {
    InferenceException e =
        assertThrows(InferenceException.class, () -> Model.open(Path.of("nope", "missing.onnx")));
    assertEquals(InferenceException.Code.MODEL_NOT_FOUND, e.code());
    assertTrue(e.getMessage().contains("missing.onnx"), e.getMessage());
  }

  @Test
  void textAndTruncatedFilesAreInvalidModelsWithAOneLineMessage(@TempDir Path dir)
      throws IOException {
    Path text = dir.resolve("readme.onnx");
    Files.writeString(text, "not a model at all");
    Path cut = dir.resolve("cut.onnx");
    byte[] bytes = Files.readAllBytes(DIGITS);
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 3));
    for (Path bad : List.of(text, cut)) {
      InferenceException e = assertThrows(InferenceException.class, () -> Model.open(bad));
      assertEquals(InferenceException.Code.INVALID_MODEL, e.code());
      assertTrue(e.getMessage().contains(bad.getFileName().toString()), e.getMessage());
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
  }

  @Test
  void anUnknownProviderNameIsRejectedListingTheKnownOnes() {
    InferenceException e =
        assertThrows(InferenceException.class, () -> ExecutionProvider.parse("warp-drive"));
    assertEquals(InferenceException.Code.UNKNOWN_PROVIDER, e.code());
    assertTrue(
        e.getMessage().contains("cuda") && e.getMessage().contains("tensorrt"), e.getMessage());
    assertEquals(ExecutionProvider.TENSORRT, ExecutionProvider.parse("TensorRT"));
  }

  @Test
  void aProviderMissingFromThisBuildFallsBackToCpuUnlessRequired() {
    ExecutionProvider absent =
        Arrays.stream(ExecutionProvider.values())
            .filter(p -> !p.isAvailable())
            .findFirst()
            .orElseThrow();
    try (Model model = Model.open(DIGITS, ModelOptions.builder().providers(absent).build())) {
      assertEquals(ExecutionProvider.CPU, model.provider());
    }
    InferenceException e =
        assertThrows(
            InferenceException.class,
            () ->
                Model.open(
                    DIGITS,
                    ModelOptions.builder().providers(absent).requireProvider(true).build()));
    assertTrue(e.getMessage().contains(absent.toString()), e.getMessage());
    assertTrue(ExecutionProvider.available().contains(ExecutionProvider.CPU));
  }

  @Test
  void closingIsIdempotentAndLaterRunsFailClearly() {
    Model model = Model.open(DIGITS);
    Tensor input = Tensor.ofFloats(ramp(64), 1, 1, 8, 8);
    model.close();
    model.close();
    InferenceException e = assertThrows(InferenceException.class, () -> model.predict(input));
    assertEquals(InferenceException.Code.CLOSED, e.code());
    input.close();
    input.close();
    assertThrows(InferenceException.class, input::toFloatArray);
  }

  @Test
  void outputsCopiedOutLiveOnAfterTheOutputsAreClosed() {
    try (Model model = Model.open(DIGITS);
        Tensor input = Tensor.ofFloats(ramp(64), 1, 1, 8, 8)) {
      Tensor logits;
      try (Outputs out = model.predict(input)) {
        logits = out.get("logits");
      }
      assertEquals(10, logits.toFloatArray().length);
    }
  }

  @Test
  void aReusedInputTensorSeesWritesToItsBuffer() {
    try (Model model = Model.open(DIGITS);
        Tensor input = Tensor.zeros(ElementType.FLOAT32, 1, 1, 8, 8);
        Tensor other = Tensor.ofFloats(ramp(64), 1, 1, 8, 8)) {
      float[] before;
      try (Outputs out = model.predict(input)) {
        before = out.get(0).toFloatArray();
      }
      input.setFloats(0, ramp(64));
      try (Outputs out = model.predict(input);
          Outputs expected = model.predict(other)) {
        float[] after = out.get(0).toFloatArray();
        assertArrayEquals(expected.get(0).toFloatArray(), after, 1e-6f);
        assertTrue(!Arrays.equals(before, after));
      }
    }
  }

  @Test
  void manyThreadsCanRunOneModelAtOnce() throws Exception {
    try (Model model = Model.open(DIGITS);
        Tensor reference = Tensor.ofFloats(ramp(64), 1, 1, 8, 8);
        Outputs expectedOut = model.predict(reference)) {
      float[] expected = expectedOut.get(0).toFloatArray();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<float[]>> futures = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          futures.add(
              pool.submit(
                  () -> {
                    float[] last = null;
                    for (int i = 0; i < 50; i++) {
                      try (Tensor input = Tensor.ofFloats(ramp(64), 1, 1, 8, 8);
                          Outputs out = model.predict(input)) {
                        last = out.get(0).toFloatArray();
                      }
                    }
                    return last;
                  }));
        }
        for (Future<float[]> f : futures) {
          assertArrayEquals(expected, f.get(), 1e-6f);
        }
      } finally {
        pool.shutdown();
      }
    }
  }
}
