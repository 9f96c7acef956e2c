package dev.edgeinfer.tflite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RealModelTest {
  private static final Path MODELS = Path.of("src", "test", "resources", "models");

  @Test
  void faceDetectionMatchesTheTfliteInterpreterWithin1e4Relative() throws Exception {
    byte[] tflite = Files.readAllBytes(MODELS.resolve("face_detection_short_range.tflite"));
    Parity.Result result = Parity.check(tflite, 42);
    System.out.println("face_detection_short_range: " + result);
    assertTrue(result.maxRelative() <= 1e-4, "max relative error " + result);
  }
}
