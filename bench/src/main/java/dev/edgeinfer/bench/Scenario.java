package dev.edgeinfer.bench;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The load patterns {@code bench} can apply, after MLPerf Inference's scenarios. The scenario
 * decides how queries are issued and which percentile is the headline figure.
 */
public enum Scenario {
  /** One query of one sample at a time, the next as soon as the previous returns; headline p90. */
  SINGLE_STREAM("single-stream", 90),
  /** Queries of 8 samples back to back (8 camera streams in lockstep); headline p99. */
  MULTI_STREAM("multi-stream", 99),
  /**
   * Poisson arrivals, open loop, latency from the scheduled time; headline p99 and the QPS it
   * holds.
   */
  SERVER("server", 99),
  /** Batches back to back, as fast as possible; headline samples per second. */
  OFFLINE("offline", 50);

  /** Samples in one multi-stream query, as in MLPerf. */
  public static final int MULTI_STREAM_SAMPLES = 8;

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
    throw new BenchException(
        "unknown scenario '"
            + name
            + "': use one of "
            + Arrays.stream(values()).map(Scenario::toString).collect(Collectors.joining(", ")));
  }
}
