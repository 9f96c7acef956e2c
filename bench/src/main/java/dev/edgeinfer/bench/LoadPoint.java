package dev.edgeinfer.bench;

/**
 * One step of the server scenario: an offered Poisson load and what the system did under it.
 *
 * @param offeredQps queries per second scheduled
 * @param achievedQps queries per second completed
 * @param p50Millis median latency from the scheduled time
 * @param p99Millis 99th percentile latency from the scheduled time
 * @param withinBound whether p99 stayed under the latency bound
 */
public record LoadPoint(
    double offeredQps,
    double achievedQps,
    double p50Millis,
    double p99Millis,
    boolean withinBound) {}
