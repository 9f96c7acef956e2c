package dev.edgeinfer.bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A modelled link to the cloud, from {@code --network rtt=40ms,bandwidth=10mbit}: what sending a
 * sample up and its result down would add to each inference.
 *
 * @param rttMillis round-trip time in milliseconds
 * @param bandwidthMbit bandwidth in megabits per second
 */
public record NetworkModel(double rttMillis, double bandwidthMbit) {
  private static final Pattern PART = Pattern.compile("(rtt|bandwidth)=([0-9.]+)\\s*([a-z/]*)");

  public NetworkModel {
    if (rttMillis < 0 || bandwidthMbit <= 0) {
      throw new BenchException(
          "network needs rtt >= 0 and bandwidth > 0, got rtt="
              + rttMillis
              + "ms bandwidth="
              + bandwidthMbit
              + "mbit");
    }
  }

  /** Parses {@code rtt=40ms,bandwidth=10mbit} (rtt in ms or s; bandwidth in kbit, mbit or gbit). */
  public static NetworkModel parse(String text) {
    double rtt = -1;
    double mbit = -1;
    for (String part : text.toLowerCase(Locale.ROOT).split(",")) {
      Matcher m = PART.matcher(part.trim());
      if (!m.matches()) {
        throw bad(text);
      }
      double value = Double.parseDouble(m.group(2));
      String unit = m.group(3);
      if (m.group(1).equals("rtt")) {
        rtt =
            switch (unit) {
              case "", "ms" -> value;
              case "s" -> value * 1000;
              case "us" -> value / 1000;
              default -> throw bad(text);
            };
      } else {
        mbit =
            switch (unit) {
              case "kbit", "kbit/s", "kbps" -> value / 1000;
              case "", "mbit", "mbit/s", "mbps" -> value;
              case "gbit", "gbit/s", "gbps" -> value * 1000;
              default -> throw bad(text);
            };
      }
    }
    if (rtt < 0 || mbit < 0) {
      throw bad(text);
    }
    return new NetworkModel(rtt, mbit);
  }

  private static BenchException bad(String text) {
    return new BenchException(
        "--network '" + text + "' is not a link: write e.g. rtt=40ms,bandwidth=10mbit");
  }

  /**
   * Milliseconds to send {@code up} bytes and receive {@code down} bytes, including one round trip.
   */
  public double transferMillis(long up, long down) {
    return rttMillis + (up + down) * 8.0 / (bandwidthMbit * 1e6) * 1000;
  }
}
