package dev.edgeinfer.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What to measure and for how long.
 *
 * @param scenario the load pattern
 * @param duration how long to measure, after warm-up (for --find-peak: all steps together)
 * @param warmup how long to run before measuring
 * @param minQueries measure at least this many queries even if the duration has passed
 * @param batch samples per query; empty = 1 (8 for multi-stream), and for offline the fastest size
 *     a sweep finds
 * @param shapes concrete sizes for symbolic input dimensions, by input name
 * @param compareBare also time a bare {@code OrtSession.run} loop on the same model and inputs,
 *     interleaved
 * @param targetQps server scenario: the Poisson arrival rate to offer
 * @param findPeak server scenario: search for the highest rate whose p99 stays under {@code
 *     latencyBound}
 * @param latencyBound server scenario: the p99 bound
 * @param workers server scenario: threads running queries (0 = one per core)
 * @param data accuracy mode: samples in a .npy file (first axis = samples)
 * @param labels accuracy mode: one class index per sample
 * @param network model a cloud round trip for the edge-vs-cloud comparison
 * @param wattsPerCore the per-core power the CPU-time energy estimate assumes
 * @param dryRun replace the model with a no-op, to measure the load generator itself
 */
public record BenchConfig(
    Scenario scenario,
    Duration duration,
    Duration warmup,
    long minQueries,
    OptionalInt batch,
    Map<String, long[]> shapes,
    boolean compareBare,
    OptionalDouble targetQps,
    boolean findPeak,
    Duration latencyBound,
    int workers,
    Optional<Path> data,
    Optional<Path> labels,
    Optional<NetworkModel> network,
    double wattsPerCore,
    boolean dryRun) {
  public BenchConfig {
    if (duration.isNegative() || duration.isZero()) {
      throw new BenchException("duration must be positive, got " + duration);
    }
    if (warmup.isNegative()) {
      throw new BenchException("warm-up must be >= 0, got " + warmup);
    }
    if (minQueries < 1) {
      throw new BenchException("minimum query count must be >= 1, got " + minQueries);
    }
    batch.ifPresent(
        b -> {
          if (b < 1) {
            throw new BenchException("batch must be >= 1, got " + b);
          }
        });
    shapes = Map.copyOf(shapes);
    targetQps.ifPresent(
        q -> {
          if (!(q > 0)) {
            throw new BenchException("--target-qps must be > 0, got " + q);
          }
        });
    if (scenario != Scenario.SERVER && (targetQps.isPresent() || findPeak)) {
      throw new BenchException(
          "--target-qps and --find-peak apply to --scenario server, not " + scenario);
    }
    if (targetQps.isPresent() && findPeak) {
      throw new BenchException("give either --target-qps or --find-peak, not both");
    }
    if (latencyBound.isNegative() || latencyBound.isZero()) {
      throw new BenchException("--latency-bound must be positive, got " + latencyBound);
    }
    if (workers < 0) {
      throw new BenchException("workers must be >= 0 (0 = one per core), got " + workers);
    }
    if (labels.isPresent() && data.isEmpty()) {
      throw new BenchException("--labels needs --data: the samples the labels belong to");
    }
    if (dryRun && compareBare) {
      throw new BenchException("--dry-run measures the load generator alone; drop --compare-bare");
    }
    if (!(wattsPerCore > 0)) {
      throw new BenchException("watts per core must be > 0, got " + wattsPerCore);
    }
  }

  /** Settings for a closed-loop scenario with defaults for everything else. */
  public static BenchConfig of(Scenario scenario, Duration duration) {
    return new BenchConfig(
        scenario,
        duration,
        Duration.ofMillis(500),
        1,
        OptionalInt.empty(),
        Map.of(),
        false,
        OptionalDouble.empty(),
        false,
        Duration.ofMillis(10),
        0,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        15.0,
        false);
  }
}
