package dev.edgeinfer.server;

import java.util.concurrent.atomic.LongAdder;

/** The live counters behind one {@link ModelStatistics}; thread-safe and contention-free. */
final class ModelCounters {
  final String model;
  final String version;
  final LongAdder success = new LongAdder();
  final LongAdder failure = new LongAdder();
  final LongAdder inferences = new LongAdder();
  final LongAdder executions = new LongAdder();
  final LongAdder requestNanos = new LongAdder();
  final LongAdder queueNanos = new LongAdder();
  final LongAdder computeInputNanos = new LongAdder();
  final LongAdder computeInferNanos = new LongAdder();
  final LongAdder computeOutputNanos = new LongAdder();

  ModelCounters(String model, String version) {
    this.model = model;
    this.version = version;
  }

  ModelStatistics snapshot() {
    return new ModelStatistics(
        model,
        version,
        success.sum(),
        failure.sum(),
        inferences.sum(),
        executions.sum(),
        requestNanos.sum(),
        queueNanos.sum(),
        computeInputNanos.sum(),
        computeInferNanos.sum(),
        computeOutputNanos.sum());
  }
}
