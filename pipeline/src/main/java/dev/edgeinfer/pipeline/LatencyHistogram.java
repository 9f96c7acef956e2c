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
    return new LatencySummary(
        percentileMillis(50),
        percentileMillis(90),
        percentileMillis(99),
        maxMillis(),
        meanMillis());
  }

  /**
   * Counts per log-spaced bucket (each 25 % wider than the last, starting at 1 µs), for plots;
   * empty buckets below the smallest and above the largest value are left out.
   */
  public java.util.List<Bucket> distribution() {
    java.util.List<Bucket> buckets = new java.util.ArrayList<>();
    if (count() == 0) {
      return buckets;
    }
    for (var v : histogram.logarithmicBucketValues(1000, 1.25)) {
      if (v.getCountAddedInThisIterationStep() > 0 || !buckets.isEmpty()) {
        buckets.add(new Bucket(v.getValueIteratedTo() / 1e6, v.getCountAddedInThisIterationStep()));
      }
    }
    while (!buckets.isEmpty() && buckets.getLast().count() == 0) {
      buckets.removeLast();
    }
    return buckets;
  }

  /**
   * The value at {@code percentile} (0-100), raised to a conservative estimate of the true
   * percentile at 99 % confidence, in milliseconds: with {@code n} samples, the order statistic
   * {@code k = ceil(n·p + 2.326·sqrt(n·p·(1-p)))} (the normal approximation of the binomial bound
   * MLPerf's early stopping uses). Empty when there are too few samples for any such bound.
   */
  public java.util.OptionalDouble earlyStoppingMillis(double percentile) {
    long n = count();
    double p = percentile / 100;
    double k = Math.ceil(n * p + 2.326 * Math.sqrt(n * p * (1 - p)));
    if (n == 0 || k >= n) {
      return java.util.OptionalDouble.empty();
    }
    return java.util.OptionalDouble.of(histogram.getValueAtPercentile(100.0 * (k + 1) / n) / 1e6);
  }

  /**
   * One histogram bucket.
   *
   * @param upToMillis the bucket's upper bound
   * @param count latencies recorded in it
   */
  public record Bucket(double upToMillis, long count) {}

  /**
   * Latency percentiles in milliseconds.
   *
   * @param p50 median
   * @param p90 90th percentile
   * @param p99 99th percentile
   * @param max largest
   * @param mean arithmetic mean
   */
  public record LatencySummary(double p50, double p90, double p99, double max, double mean) {}
}
