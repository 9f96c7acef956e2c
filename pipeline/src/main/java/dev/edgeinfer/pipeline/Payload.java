package dev.edgeinfer.pipeline;

import java.awt.image.BufferedImage;

/** The raw content of a captured frame, before pre-processing. */
public sealed interface Payload {

  /** A decoded picture (from a file, a camera). */
  record Image(BufferedImage image) implements Payload {}

  /** Numbers with a shape (a row of a .npy file, a sensor window). */
  record Values(float[] values, long[] shape) implements Payload {
    public Values {
      long count = 1;
      for (long d : shape) {
        count *= d;
      }
      if (count != values.length) {
        throw new IllegalArgumentException(
            values.length + " values do not fill shape " + java.util.Arrays.toString(shape));
      }
    }
  }
}
