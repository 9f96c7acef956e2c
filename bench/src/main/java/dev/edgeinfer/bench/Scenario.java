package dev.edgeinfer.bench;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The load patterns {@code bench} can apply, named after MLPerf Inference's scenarios. The
 * scenario decides how queries are issued and which percentile is the headline figure.
 */
public enum Scenario {
  /** One query at a time, the next as soon as the previous returns; headline p90 latency. */
  SINGLE_STREAM("single-stream", 90),
  /** Batches back to back, as fast as possible; headline samples per second. */
  OFFLINE("offline", 50);

  private final String label;
  private final double headlinePercentile;

  Scenario(String label, double headlinePercentile) {
    this.label = label;
    this.headlinePercentile = headlinePercentile;
  }

  public double headlinePercentile() {
    return headlinePercentile;
  }

  @Override
  public String toString() {
    return label;
  }

  public static Scenario parse(String name) {
    for (Scenario s : values()) {
      if (s.label.equals(name.trim())) {
        return s;
      }
    }
    throw new BenchException("unknown scenario '" + name + "': use one of "
        + Arrays.stream(values()).map(Scenario::toString).collect(Collectors.joining(", ")));
  }
}
