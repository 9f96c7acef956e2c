package dev.edgeinfer.peers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What to compare and for how long.
 *
 * @param model the ONNX file every engine loads
 * @param label how reports name the model
 * @param sampleShape one sample's shape without the batch axis; empty to read it from the model
 * @param scenario single-stream (batch 1, latency) or offline (a batch sweep, throughput)
 * @param batches the batch sizes to run; single-stream runs batch 1 only
 * @param intraOpThreads intra-op threads, the same for every engine
 * @param rounds how many times each engine takes its turn, per batch size
 * @param roundDuration how long one engine runs in one round
 * @param warmup how long each engine runs before the first round, per batch size
 * @param json where to write the JSON report, if anywhere
 */
record ComparisonConfig(
    Path model,
    String label,
    Optional<long[]> sampleShape,
    Scenario scenario,
    List<Integer> batches,
    int intraOpThreads,
    int rounds,
    Duration roundDuration,
    Duration warmup,
    Optional<Path> json) {

  ComparisonConfig {
    sampleShape = sampleShape.map(long[]::clone);
    batches = List.copyOf(batches);
    if (label.isBlank()) {
      throw usage(
          "the label must not be blank; pass --label NAME or leave it out to use the file name");
    }
    sampleShape.ifPresent(
        shape -> {
          if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d <= 0)) {
            throw usage(
                "--shape "
                    + Arrays.toString(shape)
                    + " must list one or more positive sizes, e.g. 1,8,8");
          }
        });
    if (batches.isEmpty() || batches.stream().anyMatch(b -> b < 1)) {
      throw usage("--batches " + batches + " must list one or more sizes >= 1");
    }
    if (scenario == Scenario.SINGLE_STREAM && !batches.equals(List.of(1))) {
      throw usage(
          "single-stream runs batch 1 only, but --batches is "
              + batches
              + "; use --scenario offline for a sweep");
    }
    if (intraOpThreads < 1) {
      throw usage(
          "--threads must be >= 1 so that every engine runs with the same count, got "
              + intraOpThreads);
    }
    if (rounds < 1) {
      throw usage("--rounds must be >= 1, got " + rounds);
    }
    if (roundDuration.isNegative() || roundDuration.isZero()) {
      throw usage("--duration must be positive, got " + roundDuration);
    }
    if (warmup.isNegative()) {
      throw usage("--warmup must not be negative, got " + warmup);
    }
  }

  @Override
  public Optional<long[]> sampleShape() {
    return sampleShape.map(long[]::clone);
  }

  private static PeerException usage(String message) {
    return new PeerException(PeerException.Code.USAGE, message);
  }
}
