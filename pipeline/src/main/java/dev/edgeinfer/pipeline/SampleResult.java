package dev.edgeinfer.pipeline;

import java.time.Instant;
import java.util.Optional;

/**
 * What the pipeline made of one frame.
 *
 * @param id unique id of this result (run id + sequence), its idempotency key downstream
 * @param sequence 0-based position in the run
 * @param origin where the frame came from
 * @param capturedAt wall-clock capture time
 * @param latencyNanos capture to result (T_end - T_start)
 * @param prediction the post-processed model output
 * @param label the expected class, when known
 */
public record SampleResult(
    String id,
    long sequence,
    String origin,
    Instant capturedAt,
    long latencyNanos,
    Prediction prediction,
    Optional<String> label) {

  /** Empty when the label is unknown. */
  public Optional<Boolean> correct() {
    return label.map(prediction::matches);
  }

  public double latencyMillis() {
    return latencyNanos / 1e6;
  }
}
