package dev.edgeinfer.server;

/**
 * Counters of one model version since the server started, as {@code /metrics} reports them
 * (Triton's {@code nv_inference_*} series). Durations are cumulative, in nanoseconds.
 *
 * @param model the model name
 * @param version the version
 * @param success requests answered
 * @param failure requests that failed after reaching the model (bad input, queue full, timeout...)
 * @param inferences rows inferred (a request of batch 4 counts 4)
 * @param executions model executions; inferences / executions is the average batch size
 * @param requestNanos time from a request's arrival to its answer
 * @param queueNanos time requests waited to be batched and run
 * @param computeInputNanos time turning request tensors into model inputs (decoding, batching)
 * @param computeInferNanos time in ONNX Runtime
 * @param computeOutputNanos time splitting and encoding outputs
 */
public record ModelStatistics(
    String model,
    String version,
    long success,
    long failure,
    long inferences,
    long executions,
    long requestNanos,
    long queueNanos,
    long computeInputNanos,
    long computeInferNanos,
    long computeOutputNanos) {}
