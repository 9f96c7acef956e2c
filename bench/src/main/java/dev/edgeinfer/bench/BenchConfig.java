package dev.edgeinfer.bench;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What to measure and for how long.
 *
 * @param scenario the load pattern
 * @param duration how long to measure, after warm-up
 * @param warmup how long to run before measuring
 * @param minQueries measure at least this many queries even if the duration has passed
 * @param batch samples per query; empty = 1 for single-stream, the fastest size found by a sweep for offline
 * @param shapes concrete sizes for symbolic input dimensions, by input name
 * @param compareBare also time a bare {@code OrtSession.run} loop on the same model and inputs, interleaved
 */
public record BenchConfig(Scenario scenario, Duration duration, Duration warmup, long minQueries, OptionalInt batch,
                          Map<String, long[]> shapes, boolean compareBare) {
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
    batch.ifPresent(b -> {
      if (b < 1) {
        throw new BenchException("batch must be >= 1, got " + b);
      }
    });
    shapes = Map.copyOf(shapes);
  }
}
