package dev.edgeinfer.cli;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the value formats the commands share: durations, shapes, number lists. */
final class Arguments {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h)?");

  private Arguments() {}

  /** {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, or a bare number of seconds. */
  static Duration duration(String option, String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new UsageException(
          option + " '" + text + "' is not a duration: write e.g. 10s, 500ms, 2m or 1h");
    }
    double value = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double nanos =
        value
            * switch (unit) {
              case "ms" -> 1e6;
              case "m", "min" -> 60e9;
              case "h" -> 3600e9;
              default -> 1e9;
            };
    return Duration.ofNanos(Math.round(nanos));
  }

  /** {@code 1x3x224x224} (also with commas). */
  static long[] shape(String option, String text) {
    try {
      long[] dims =
          Arrays.stream(text.trim().split("[x,]"))
              .mapToLong(s -> Long.parseLong(s.trim()))
              .toArray();
      for (long d : dims) {
        if (d < 1) {
          throw new NumberFormatException();
        }
      }
      return dims;
    } catch (NumberFormatException e) {
      throw new UsageException(
          option
              + " '"
              + text
              + "' is not a shape: write positive sizes joined by x, e.g. 1x3x224x224");
    }
  }

  /** {@code 0.485,0.456,0.406}. */
  static float[] floats(String option, String text) {
    try {
      String[] parts = text.split(",");
      float[] values = new float[parts.length];
      for (int i = 0; i < parts.length; i++) {
        values[i] = Float.parseFloat(parts[i].trim());
      }
      return values;
    } catch (NumberFormatException e) {
      throw new UsageException(
          option + " '" + text + "' is not a list of numbers: write e.g. 0.485,0.456,0.406");
    }
  }
}
