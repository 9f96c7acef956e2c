package dev.edgeinfer.tflite;

/** A direct NHWC convolution in plain Java, as a second reference beside the interpreter. */
final class PlainConv {
  private PlainConv() {}

  /** SAME-padded convolution of x[1,h,w,c] with w[o,k,k,c] and bias[o], batch 1. */
  static float[] conv2d(
      float[] x,
      int h,
      int w,
      int c,
      float[] weights,
      float[] bias,
      int o,
      int k,
      int kk,
      int stride,
      int dilation,
      int oh,
      int ow) {
    int padTop = Math.max((oh - 1) * stride + (k - 1) * dilation + 1 - h, 0) / 2;
    int padLeft = Math.max((ow - 1) * stride + (kk - 1) * dilation + 1 - w, 0) / 2;
    float[] y = new float[oh * ow * o];
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        for (int oc = 0; oc < o; oc++) {
          double acc = bias[oc];
          for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < kk; kx++) {
              int iy = oy * stride + ky * dilation - padTop;
              int ix = ox * stride + kx * dilation - padLeft;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                continue;
              }
              for (int ic = 0; ic < c; ic++) {
                acc += x[(iy * w + ix) * c + ic] * weights[((oc * k + ky) * kk + kx) * c + ic];
              }
            }
          }
          y[(oy * ow + ox) * o + oc] = (float) acc;
        }
      }
    }
    return y;
  }
}
