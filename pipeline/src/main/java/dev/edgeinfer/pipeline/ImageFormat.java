package dev.edgeinfer.pipeline;

import dev.edgeinfer.runtime.Dimension;
import dev.edgeinfer.runtime.TensorSpec;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a picture becomes a model input: size, colour, layout and normalisation ({@code value =
 * (pixel * scale - mean[c]) / std[c]}).
 *
 * @param width target width in pixels
 * @param height target height in pixels
 * @param color grayscale, RGB or BGR
 * @param layout channels first (NCHW) or last (NHWC)
 * @param scale multiplies the 0-255 pixel value first (1/255 maps to [0, 1])
 * @param mean per-channel mean subtracted after scaling (one value, or one per channel)
 * @param std per-channel divisor applied last (one value, or one per channel)
 */
public record ImageFormat(
    int width, int height, Color color, Layout layout, float scale, float[] mean, float[] std) {

  /** Colour channels and their order. */
  public enum Color {
    GRAY(1),
    RGB(3),
    BGR(3);

    private final int channels;

    Color(int channels) {
      this.channels = channels;
    }

    public int channels() {
      return channels;
    }

    public static Color parse(String name) {
      return switch (name.trim().toLowerCase(Locale.ROOT)) {
        case "gray", "grey", "grayscale", "l" -> GRAY;
        case "rgb" -> RGB;
        case "bgr" -> BGR;
        default ->
            throw new PipelineException(
                PipelineException.Code.INVALID_SPEC,
                "unknown colour '" + name + "': use gray, rgb or bgr");
      };
    }
  }

  /** Where the channel axis sits. */
  public enum Layout {
    NCHW,
    NHWC;

    public static Layout parse(String name) {
      return switch (name.trim().toUpperCase(Locale.ROOT)) {
        case "NCHW", "CHW" -> NCHW;
        case "NHWC", "HWC" -> NHWC;
        default ->
            throw new PipelineException(
                PipelineException.Code.INVALID_SPEC,
                "unknown layout '" + name + "': use nchw or nhwc");
      };
    }
  }

  public ImageFormat {
    if (width <= 0 || height <= 0) {
      throw new PipelineException(
          PipelineException.Code.INVALID_SPEC,
          "image size must be positive, got " + width + "x" + height);
    }
    mean = expand(mean, color.channels(), "mean");
    std = expand(std, color.channels(), "std");
    for (float s : std) {
      if (s == 0) {
        throw new PipelineException(
            PipelineException.Code.INVALID_SPEC, "std must not be 0, got " + Arrays.toString(std));
      }
    }
  }

  private static float[] expand(float[] values, int channels, String what) {
    if (values.length == 1) {
      float[] out = new float[channels];
      Arrays.fill(out, values[0]);
      return out;
    }
    if (values.length != channels) {
      throw new PipelineException(
          PipelineException.Code.INVALID_SPEC,
          what
              + " has "
              + values.length
              + " values "
              + Arrays.toString(values)
              + " but the image has "
              + channels
              + " channels; give one value or one per channel");
    }
    return values.clone();
  }

  /**
   * The format a model's image input implies: NCHW when the axis after the batch is 1 or 3, NHWC
   * when the last is; 1 channel means grayscale, 3 RGB; pixels scaled to [0, 1].
   */
  public static ImageFormat inferFrom(TensorSpec input) {
    long[] dims =
        input.shape().stream()
            .mapToLong(d -> d instanceof Dimension.Fixed f ? f.size() : -1)
            .toArray();
    if (dims.length == 3) {
      dims = new long[] {1, dims[0], dims[1], dims[2]};
    }
    if (dims.length != 4) {
      throw new PipelineException(
          PipelineException.Code.SHAPE_MISMATCH,
          "model input "
              + input
              + " is not an image tensor (rank 4, NCHW or NHWC); feed it arrays with an npy: source instead");
    }
    Layout layout;
    long channels;
    long h;
    long w;
    if (dims[1] == 1 || dims[1] == 3) {
      layout = Layout.NCHW;
      channels = dims[1];
      h = dims[2];
      w = dims[3];
    } else if (dims[3] == 1 || dims[3] == 3) {
      layout = Layout.NHWC;
      channels = dims[3];
      h = dims[1];
      w = dims[2];
    } else {
      throw new PipelineException(
          PipelineException.Code.SHAPE_MISMATCH,
          "cannot tell the channel axis of model input "
              + input
              + " (neither axis 1 nor axis 3 is 1 or 3); set --layout and --color");
    }
    return new ImageFormat(
        (int) (w > 0 ? w : 224),
        (int) (h > 0 ? h : 224),
        channels == 1 ? Color.GRAY : Color.RGB,
        layout,
        1f / 255f,
        new float[] {0f},
        new float[] {1f});
  }

  /** Elements one image occupies in the tensor. */
  public int elements() {
    return width * height * color.channels();
  }

  /** The shape of one image as a batch of one. */
  public long[] tensorShape() {
    return layout == Layout.NCHW
        ? new long[] {1, color.channels(), height, width}
        : new long[] {1, height, width, color.channels()};
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageFormat f
        && width == f.width
        && height == f.height
        && color == f.color
        && layout == f.layout
        && scale == f.scale
        && Arrays.equals(mean, f.mean)
        && Arrays.equals(std, f.std);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        width, height, color, layout, scale, Arrays.hashCode(mean), Arrays.hashCode(std));
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%dx%d %s %s scale=%s mean=%s std=%s",
        width,
        height,
        color.name().toLowerCase(Locale.ROOT),
        layout.name().toLowerCase(Locale.ROOT),
        scale,
        Arrays.toString(mean),
        Arrays.toString(std));
  }
}
