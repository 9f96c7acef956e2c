package dev.edgeinfer.pipeline;

import java.nio.file.Path;

/** The committed digits model and data, from the repository's models/digits folder. */
final class DigitsFixture {
  static final Path DIR = Path.of("..", "models", "digits");
  static final Path MODEL = DIR.resolve("digits.onnx");
  static final Path TEST_X = DIR.resolve("test_x.npy");
  static final Path TEST_Y = DIR.resolve("test_y.npy");
  static final Path TEST_LOGITS = DIR.resolve("test_logits.npy");
  static final Path IMAGES = DIR.resolve("images");

  private DigitsFixture() {}
}
