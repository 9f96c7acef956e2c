package dev.edgeinfer.tflite;

/**
 * Affine quantization of a tensor, {@code real = scale * (q - zeroPoint)}: one scale and zero point
 * per tensor, or one per slice along {@code axis} (per-channel).
 */
record Quantization(float[] scales, long[] zeroPoints, int axis) {
  Quantization {
    if (scales.length == 0) {
      throw new IllegalArgumentException("a quantization needs at least one scale");
    }
    if (zeroPoints.length == 0) {
      zeroPoints = new long[scales.length];
    }
    if (zeroPoints.length != scales.length) {
      throw new TfliteException(
          TfliteException.Code.INVALID_MODEL,
          "quantization has "
              + scales.length
              + " scales but "
              + zeroPoints.length
              + " zero points: the file is corrupt");
    }
  }

  boolean perAxis() {
    return scales.length > 1;
  }
}
