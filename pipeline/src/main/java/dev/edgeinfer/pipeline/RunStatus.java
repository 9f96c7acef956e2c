package dev.edgeinfer.pipeline;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Live figures of a running pipeline, for status lines.
 *
 * @param samples results produced so far
 * @param elapsedNanos time since the first frame was scheduled
 * @param throughputPerSecond results per second so far
 * @param p50Millis median latency so far
 * @param p99Millis 99th percentile latency so far
 * @param dropped frames a paced source produced that the pipeline could not take in time
 * @param failed frames that could not be decoded or run
 * @param accuracy share of labelled results whose best class matches, when labels are known
 * @param last the most recent result
 */
public record RunStatus(
    long samples,
    long elapsedNanos,
    double throughputPerSecond,
    double p50Millis,
    double p99Millis,
    long dropped,
    long failed,
    OptionalDouble accuracy,
    Optional<SampleResult> last) {}
