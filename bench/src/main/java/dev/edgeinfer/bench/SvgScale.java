package dev.edgeinfer.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * One axis of a chart in the HTML report: the range of data values it shows, linear or logarithmic,
 * with round tick values a reader can take in at a glance.
 *
 * @param min the smallest value shown (above 0 on a logarithmic axis)
 * @param max the largest value shown, above {@code min}
 * @param logarithmic whether equal ratios take equal space
 * @param label what the axis measures, with its unit
 */
record SvgScale(double min, double max, boolean logarithmic, String label) {

  SvgScale {
    if (!Double.isFinite(min) || !Double.isFinite(max) || max <= min) {
      throw new IllegalArgumentException(
          "an axis needs finite min < max, got " + min + " and " + max);
    }
    if (logarithmic && min <= 0) {
      throw new IllegalArgumentException("a logarithmic axis needs min > 0, got " + min);
    }
  }

  /**
   * A linear axis from 0 to a round value at or above {@code largest} (1 when nothing is positive).
   */
  static SvgScale fromZero(double largest, String label) {
    if (!(largest > 0) || !Double.isFinite(largest)) {
      return new SvgScale(0, 1, false, label);
    }
    double step = niceStep(largest / 5);
    return new SvgScale(0, Math.ceil(largest / step - 1e-9) * step, false, label);
  }

  /**
   * A logarithmic axis that holds {@code smallest} to {@code largest} with some room on both sides;
   * values at or below 0 are taken as a microsecond-sized floor.
   */
  static SvgScale logarithmic(double smallest, double largest, String label) {
    double low = smallest > 0 && Double.isFinite(smallest) ? smallest : 1e-3;
    double high = Double.isFinite(largest) ? Math.max(largest, low) : low;
    return new SvgScale(low / 1.3, high * 1.3, true, label);
  }

  /** Where {@code value} falls, 0 at {@code min} and 1 at {@code max}, held inside the axis. */
  double fraction(double value) {
    double f;
    if (logarithmic) {
      double v = value > 0 ? value : min;
      f = (Math.log(v) - Math.log(min)) / (Math.log(max) - Math.log(min));
    } else {
      f = (value - min) / (max - min);
    }
    return Double.isFinite(f) ? Math.clamp(f, 0, 1) : 0;
  }

  /**
   * Round values inside the axis to label: 1-2-5 per decade on a log axis, 4-8 steps on a linear
   * one.
   */
  List<Double> ticks() {
    if (!logarithmic) {
      return linearTicks(min, max, 5);
    }
    double decades = Math.log10(max / min);
    double[] multiples =
        decades >= 4
            ? new double[] {1}
            : decades >= 1 ? new double[] {1, 2, 5} : new double[] {1, 1.5, 2, 3, 5, 7};
    List<Double> ticks = new ArrayList<>();
    for (int k = (int) Math.floor(Math.log10(min)); k <= (int) Math.ceil(Math.log10(max)); k++) {
      for (double m : multiples) {
        double v = rounded(m * Math.pow(10, k));
        if (v >= min && v <= max) {
          ticks.add(v);
        }
      }
    }
    return ticks.size() >= 3 ? ticks : linearTicks(min, max, 5);
  }

  /** A tick value as short plain text: {@code 0.05}, {@code 2}, {@code 1500}. */
  static String tickLabel(double value) {
    if (value == 0) {
      return "0";
    }
    return BigDecimal.valueOf(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  private static List<Double> linearTicks(double from, double to, int target) {
    double step = niceStep((to - from) / target);
    List<Double> ticks = new ArrayList<>();
    for (double v = Math.ceil(from / step - 1e-9) * step; v <= to + step * 1e-9; v += step) {
      ticks.add(rounded(v));
    }
    return ticks;
  }

  /** 1, 2, 2.5 or 5 times a power of ten, near {@code rough}. */
  private static double niceStep(double rough) {
    double power = Math.pow(10, Math.floor(Math.log10(rough)));
    double m = rough / power;
    double nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
    return nice * power;
  }

  private static double rounded(double value) {
    return BigDecimal.valueOf(value).round(new MathContext(10)).doubleValue();
  }
}
