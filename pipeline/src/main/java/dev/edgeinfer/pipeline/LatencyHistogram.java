package dev.edgeinfer.pipeline;

import org.HdrHistogram.Histogram;

/**
 * Records latencies in nanoseconds (1 ns to 1 h, 3 significant digits) and reports percentiles in
 * milliseconds. Not thread-safe: one recorder per thread, then {@link #add}.
 */
public final class LatencyHistogram {
  private static final long MAX_NANOS = 3_600_000_000_000L;
  private final Histogram histogram = new Histogram(1, MAX_NANOS, 3);

  public void record(long nanos) {
    histogram.recordValue(Math.max(1, Math.min(nanos, MAX_NANOS)));
  }

  public void add(LatencyHistogram other) {
    histogram.add(other.histogram);
  }

  public long count() {
    return histogram.getTotalCount();
  }

  /** The latency at {@code percentile} (0-100) in milliseconds; 0 when empty. */
  public double percentileMillis(double percentile) {
    return count() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1e6;
  }

  public double maxMillis() {
    return count() == 0 ? 0 : histogram.getMaxValue() / 1e6;
  }

  public double meanMillis() {
    return count() == 0 ? 0 : histogram.getMean() / 1e6;
  }

  /** p50, p90, p99, max and mean. */
  public LatencySummary summary() {
    return new LatencySummary(percentileMillis(50), percentileMillis(90), percentileMillis(99), maxMillis(), meanMillis());
  }

  /** Counts per bucket for plots: {@code [upper bound ms, count]} pairs over log-spaced buckets. */
  public java.util.List<double[]> distribution() {
    java.util.List<double[]> points = new java.util.ArrayList<>();
    if (count() == 0) {
      return points;
    }
    for (var v : histogram.logarithmicBucketValues(1000, 1.25)) {
      points.add(new double[] {v.getValueIteratedTo() / 1e6, v.getCountAddedInThisIterationStep()});
    }
    return points;
  }

  /**
   * Latency percentiles in milliseconds.
   *
   * @param p50 median
   * @param p90 90th percentile
   * @param p99 99th percentile
   * @param max largest
   * @param mean arithmetic mean
   */
  public record LatencySummary(double p50, double p90, double p99, double max, double mean) {
  }
}
