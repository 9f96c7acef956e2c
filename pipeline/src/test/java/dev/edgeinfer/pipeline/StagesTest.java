package dev.edgeinfer.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgeinfer.runtime.Dimension;
import dev.edgeinfer.runtime.ElementType;
import dev.edgeinfer.runtime.Tensor;
import dev.edgeinfer.runtime.TensorSpec;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StagesTest {

  @Test
  void imageFormatIsInferredFromAnNchwOrNhwcInput() {
    var nchw =
        new TensorSpec(
            "x",
            ElementType.FLOAT32,
            List.of(
                new Dimension.Symbolic("batch"),
                new Dimension.Fixed(3),
                new Dimension.Fixed(224),
                new Dimension.Fixed(200)));
    ImageFormat f = ImageFormat.inferFrom(nchw);
    assertEquals(ImageFormat.Layout.NCHW, f.layout());
    assertEquals(ImageFormat.Color.RGB, f.color());
    assertEquals(200, f.width());
    assertEquals(224, f.height());
    var nhwc =
        new TensorSpec(
            "x",
            ElementType.FLOAT32,
            List.of(
                new Dimension.Fixed(1),
                new Dimension.Fixed(96),
                new Dimension.Fixed(96),
                new Dimension.Fixed(1)));
    assertEquals(ImageFormat.Layout.NHWC, ImageFormat.inferFrom(nhwc).layout());
    assertEquals(ImageFormat.Color.GRAY, ImageFormat.inferFrom(nhwc).color());
  }

  @Test
  void anRgbImageIsNormalisedIntoChannelFirstOrder() {
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0xFF0000);
    image.setRGB(1, 0, 0x0000FF);
    var format =
        new ImageFormat(
            2,
            1,
            ImageFormat.Color.RGB,
            ImageFormat.Layout.NCHW,
            1f / 255,
            new float[] {0.5f},
            new float[] {0.5f});
    var pre =
        new Preprocessor("x", new long[] {1, 3, 1, 2}, ElementType.FLOAT32, Optional.of(format));
    try (Tensor t = Tensor.zeros(ElementType.FLOAT32, 1, 3, 1, 2)) {
      pre.write(new Frame("a", new Payload.Image(image), Optional.empty()), t);
      // R plane, G plane, B plane; (v/255 - 0.5) / 0.5
      assertArrayEquals(new float[] {1, -1, -1, -1, -1, 1}, t.toFloatArray(), 1e-6f);
    }
  }

  @Test
  void anImageIsResizedToTheModelInput() {
    BufferedImage big = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
    var format =
        new ImageFormat(
            8,
            8,
            ImageFormat.Color.GRAY,
            ImageFormat.Layout.NHWC,
            1f / 255,
            new float[] {0},
            new float[] {1});
    var pre =
        new Preprocessor("x", new long[] {1, 8, 8, 1}, ElementType.FLOAT32, Optional.of(format));
    try (Tensor t = Tensor.zeros(ElementType.FLOAT32, 1, 8, 8, 1)) {
      pre.write(new Frame("big", new Payload.Image(big), Optional.empty()), t);
      assertEquals(64, t.toFloatArray().length);
    }
  }

  @Test
  void topKIsSortedAndLabelledAndSoftmaxMakesProbabilities() {
    var classifier = new Classifier(3, List.of("a", "b", "c", "d"), Classifier.Softmax.AUTO);
    Prediction p = classifier.classify(new float[] {1f, 4f, 2f, 3f});
    assertEquals(
        List.of("b", "d", "c"), p.top().stream().map(Prediction.ClassScore::label).toList());
    assertEquals(1, p.best().index());
    assertTrue(
        p.best().score() > 0.6 && p.best().score() < 0.7, "softmax of 4 among 1..4 is about 0.64");
    assertTrue(p.matches("b") && p.matches("1"));
  }

  @Test
  void probabilitiesArePassedThroughWithoutSoftmaxInAutoMode() {
    Prediction p =
        new Classifier(1, List.of(), Classifier.Softmax.AUTO)
            .classify(new float[] {0.2f, 0.7f, 0.1f});
    assertEquals(0.7f, p.best().score(), 1e-6f);
    assertEquals("1", p.best().label());
  }

  @Test
  void aLabelsListOfTheWrongLengthIsRejected() {
    var classifier = new Classifier(1, List.of("a", "b"), Classifier.Softmax.OFF);
    PipelineException e =
        assertThrows(PipelineException.class, () -> classifier.classify(new float[] {1, 2, 3}));
    assertTrue(
        e.getMessage().contains("2 labels") && e.getMessage().contains("3 scores"), e.getMessage());
  }

  @Test
  void specsParseAndBadOnesListTheValidForms() {
    assertEquals(SourceSpec.Kind.DIGITS, SourceSpec.parse("digits").kind());
    SourceSpec npy = SourceSpec.parse("npy:data/x.npy:data/y.npy");
    assertEquals("x.npy", npy.path().orElseThrow().getFileName().toString());
    assertEquals("y.npy", npy.labels().orElseThrow().getFileName().toString());
    PipelineException e = assertThrows(PipelineException.class, () -> SourceSpec.parse("camera:0"));
    assertTrue(e.getMessage().contains("images:DIR"), e.getMessage());
    assertThrows(PipelineException.class, () -> SinkSpec.parse("mqtt"));
  }
}
