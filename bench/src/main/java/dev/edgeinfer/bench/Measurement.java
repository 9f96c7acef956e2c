package dev.edgeinfer.bench;

import dev.edgeinfer.pipeline.LatencyHistogram;

/**
 * What one target did over one or more timed rounds.
 *
 * @param batch samples per query
 * @param queries queries completed
 * @param nanos time spent in those queries' rounds
 * @param latencies per-query latency
 */
record Measurement(int batch, long queries, long nanos, LatencyHistogram latencies) {

  static Measurement empty(int batch) {
    return new Measurement(batch, 0, 0, new LatencyHistogram());
  }

  long samples() {
    return queries * batch;
  }

  double samplesPerSecond() {
    return nanos == 0 ? 0 : samples() / (nanos / 1e9);
  }

  Measurement plus(Measurement other) {
    LatencyHistogram merged = new LatencyHistogram();
    merged.add(latencies);
    merged.add(other.latencies);
    return new Measurement(batch, queries + other.queries, nanos + other.nanos, merged);
  }
}
