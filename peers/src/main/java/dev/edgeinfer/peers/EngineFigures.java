package dev.edgeinfer.peers;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One engine's measurement at one batch size, over all its rounds.
 *
 * @param engine the peer's name
 * @param batch samples per query
 * @param queries queries timed
 * @param samplesPerSecond samples over the time spent in queries
 * @param p50Micros median query latency
 * @param p90Micros 90th percentile query latency
 * @param p99Micros 99th percentile query latency
 * @param maxMicros slowest query
 * @param roundSamplesPerSecond throughput of each round, to show noise
 * @param roundP50Micros median latency of each round, to show noise
 */
record EngineFigures(
    String engine,
    int batch,
    long queries,
    double samplesPerSecond,
    double p50Micros,
    double p90Micros,
    double p99Micros,
    double maxMicros,
    List<Double> roundSamplesPerSecond,
    List<Double> roundP50Micros) {

  EngineFigures {
    roundSamplesPerSecond = List.copyOf(roundSamplesPerSecond);
    roundP50Micros = List.copyOf(roundP50Micros);
  }

  /**
   * Totals {@code rounds} of one engine; {@code latency} holds every query's latency in
   * nanoseconds.
   */
  static EngineFigures of(String engine, int batch, Histogram latency, List<Round> rounds) {
    long samples = 0;
    long nanos = 0;
    for (Round round : rounds) {
      samples += round.queries() * batch;
      nanos += round.nanos();
    }
    return new EngineFigures(
        engine,
        batch,
        latency.getTotalCount(),
        samples * 1e9 / nanos,
        micros(latency.getValueAtPercentile(50)),
        micros(latency.getValueAtPercentile(90)),
        micros(latency.getValueAtPercentile(99)),
        micros(latency.getMaxValue()),
        rounds.stream().map(r -> r.queries() * batch * 1e9 / r.nanos()).toList(),
        rounds.stream().map(r -> micros(r.p50Nanos())).toList());
  }

  private static double micros(long nanos) {
    return nanos / 1e3;
  }

  /**
   * One engine's turn in one round.
   *
   * @param queries queries run
   * @param nanos time from the first query's start to the last one's end
   * @param p50Nanos median latency in this round
   */
  record Round(long queries, long nanos, long p50Nanos) {}
}
