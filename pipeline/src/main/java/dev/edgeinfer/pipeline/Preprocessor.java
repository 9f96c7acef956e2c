package dev.edgeinfer.pipeline;

import dev.edgeinfer.runtime.ElementType;
import dev.edgeinfer.runtime.Tensor;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Optional;

/**
 * Turns a frame into the model's input tensor, in place: images are resized, converted and
 * normalised per {@link ImageFormat}; arrays are copied after checking they have as many elements
 * as the input. Keeps scratch buffers, so one instance serves one thread.
 */
public final class Preprocessor {
  private final String inputName;
  private final long[] inputShape;
  private final ElementType inputType;
  private final Optional<ImageFormat> imageFormat;
  private final float[] scratch;
  private BufferedImage canvas;

  /**
   * @param inputName the model input, for messages
   * @param inputShape the concrete shape of the input tensor (batch of one)
   * @param inputType its element type
   * @param imageFormat how to convert images; empty when the model does not take images
   */
  public Preprocessor(
      String inputName,
      long[] inputShape,
      ElementType inputType,
      Optional<ImageFormat> imageFormat) {
    this.inputName = inputName;
    this.inputShape = inputShape.clone();
    this.inputType = inputType;
    this.imageFormat = imageFormat;
    long elements = 1;
    for (long d : inputShape) {
      elements *= d;
    }
    this.scratch = new float[Math.toIntExact(elements)];
    imageFormat.ifPresent(
        f -> {
          if (f.elements() != scratch.length) {
            throw new PipelineException(
                PipelineException.Code.SHAPE_MISMATCH,
                "image format "
                    + f
                    + " gives "
                    + f.elements()
                    + " values but model input '"
                    + inputName
                    + "' "
                    + Arrays.toString(inputShape)
                    + " needs "
                    + scratch.length
                    + "; fix --resize/--color or let them default from the model");
          }
        });
  }

  /**
   * Writes {@code frame} into {@code input}, which must have this preprocessor's shape and type.
   */
  public void write(Frame frame, Tensor input) {
    switch (frame.payload()) {
      case Payload.Values v -> writeValues(frame, v);
      case Payload.Image image -> writeImage(frame, image.image());
    }
    store(input);
  }

  private void writeValues(Frame frame, Payload.Values values) {
    if (values.values().length != scratch.length) {
      throw new PipelineException(
          PipelineException.Code.SHAPE_MISMATCH,
          "sample "
              + frame.origin()
              + " has shape "
              + Arrays.toString(values.shape())
              + " ("
              + values.values().length
              + " values) but model input '"
              + inputName
              + "' "
              + Arrays.toString(inputShape)
              + " takes "
              + scratch.length
              + " per sample; reshape the data to match");
    }
    System.arraycopy(values.values(), 0, scratch, 0, scratch.length);
  }

  private void writeImage(Frame frame, BufferedImage image) {
    ImageFormat f =
        imageFormat.orElseThrow(
            () ->
                new PipelineException(
                    PipelineException.Code.SHAPE_MISMATCH,
                    "frame "
                        + frame.origin()
                        + " is an image but model input '"
                        + inputName
                        + "' "
                        + Arrays.toString(inputShape)
                        + " is not an image tensor; use an npy: source"));
    BufferedImage sized = resize(image, f.width(), f.height());
    int w = f.width();
    int h = f.height();
    int channels = f.color().channels();
    float scale = f.scale();
    float[] mean = f.mean();
    float[] std = f.std();
    int plane = w * h;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = sized.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        int pixel = y * w + x;
        for (int c = 0; c < channels; c++) {
          float raw =
              switch (f.color()) {
                case GRAY -> 0.299f * r + 0.587f * g + 0.114f * b;
                case RGB -> c == 0 ? r : c == 1 ? g : b;
                case BGR -> c == 0 ? b : c == 1 ? g : r;
              };
          float value = (raw * scale - mean[c]) / std[c];
          int index =
              f.layout() == ImageFormat.Layout.NCHW ? c * plane + pixel : pixel * channels + c;
          scratch[index] = value;
        }
      }
    }
  }

  private BufferedImage resize(BufferedImage image, int width, int height) {
    if (image.getWidth() == width && image.getHeight() == height) {
      return image;
    }
    if (canvas == null) {
      canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    }
    Graphics2D g = canvas.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return canvas;
  }

  private void store(Tensor input) {
    switch (inputType) {
      case FLOAT32, FLOAT16, BFLOAT16, FLOAT64 -> input.setFloats(0, scratch);
      case UINT8, INT8 -> {
        var buffer = input.buffer();
        int lo = inputType == ElementType.UINT8 ? 0 : -128;
        int hi = inputType == ElementType.UINT8 ? 255 : 127;
        for (int i = 0; i < scratch.length; i++) {
          buffer.put(i, (byte) Math.max(lo, Math.min(hi, Math.round(scratch[i]))));
        }
      }
      default ->
          throw new PipelineException(
              PipelineException.Code.SHAPE_MISMATCH,
              "model input '"
                  + inputName
                  + "' is "
                  + inputType
                  + "; the run command feeds float or 8-bit inputs only");
    }
  }
}
