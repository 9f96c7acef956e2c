package dev.edgeinfer.server;

import dev.edgeinfer.runtime.ExecutionProvider;
import java.util.List;
import java.util.Optional;

/**
 * How the server serves one model: batching, concurrency, execution provider and which versions.
 * Read from {@code DIR/<model>/config.json} or {@code config.yaml} (Triton's field names, plus the
 * flatter spellings of issue 4); a model without a config file gets {@link #inferred(boolean)}.
 *
 * @param maxBatchSize the most rows one execution takes; 0 turns batching off
 * @param dynamicBatching how concurrent requests are merged, when they are
 * @param instanceCount how many executions of one version may run at once
 * @param provider the ONNX Runtime execution provider (CPU is the fallback)
 * @param threads intra-op threads of the session (0 = one per core)
 * @param versionPolicy which version directories are served
 * @param warmupRuns runs on zero inputs before a version takes traffic
 */
public record ModelConfig(
    int maxBatchSize,
    Optional<DynamicBatching> dynamicBatching,
    int instanceCount,
    ExecutionProvider provider,
    int threads,
    VersionPolicy versionPolicy,
    int warmupRuns) {
  /** The batch size a batchable model without a config file gets. */
  public static final int INFERRED_MAX_BATCH_SIZE = 64;

  public ModelConfig {
    if (maxBatchSize < 0) {
      throw bad("max_batch_size must be >= 0 (0 = no batching), got " + maxBatchSize);
    }
    if (instanceCount < 1) {
      throw bad("instance_count must be >= 1, got " + instanceCount);
    }
    if (threads < 0) {
      throw bad("threads must be >= 0 (0 = one per core), got " + threads);
    }
    if (warmupRuns < 0) {
      throw bad("warmup must be true, false or a run count >= 0, got " + warmupRuns);
    }
    if (dynamicBatching.isPresent() && maxBatchSize == 0) {
      throw bad(
          "dynamic_batching needs max_batch_size > 0; set max_batch_size or remove dynamic_batching");
    }
    for (int preferred :
        dynamicBatching.map(DynamicBatching::preferredBatchSizes).orElse(List.of())) {
      if (preferred > maxBatchSize) {
        throw bad(
            "preferred_batch_size " + preferred + " is larger than max_batch_size " + maxBatchSize);
      }
    }
  }

  /**
   * The config of a model without a config file: dynamic batching up to {@link
   * #INFERRED_MAX_BATCH_SIZE} rows, no queue delay, when every input has a symbolic first axis.
   */
  public static ModelConfig inferred(boolean batchable) {
    return new ModelConfig(
        batchable ? INFERRED_MAX_BATCH_SIZE : 0,
        batchable ? Optional.of(new DynamicBatching(List.of(), 0, 0, 0)) : Optional.empty(),
        1,
        ExecutionProvider.CPU,
        0,
        new VersionPolicy.Latest(1),
        0);
  }

  /**
   * The same config with another intra-op thread count (the server's {@code --threads} default).
   */
  ModelConfig withThreads(int count) {
    return new ModelConfig(
        maxBatchSize, dynamicBatching, instanceCount, provider, count, versionPolicy, warmupRuns);
  }

  /**
   * How concurrent requests are merged into one execution.
   *
   * @param preferredBatchSizes batch sizes to dispatch at once when reached (empty: up to
   *     max_batch_size)
   * @param maxQueueDelayMicros how long the oldest request may wait for others to join (0 = no
   *     wait)
   * @param maxQueueSize requests queued before new ones are refused with 429 (0 = unbounded)
   * @param defaultTimeoutMicros how long a request may wait in the queue before a 503 (0 = forever)
   */
  public record DynamicBatching(
      List<Integer> preferredBatchSizes,
      long maxQueueDelayMicros,
      int maxQueueSize,
      long defaultTimeoutMicros) {
    public DynamicBatching {
      preferredBatchSizes = List.copyOf(preferredBatchSizes);
      for (int size : preferredBatchSizes) {
        if (size < 1) {
          throw bad("preferred_batch_size values must be >= 1, got " + size);
        }
      }
      if (maxQueueDelayMicros < 0) {
        throw bad("max_queue_delay_microseconds must be >= 0, got " + maxQueueDelayMicros);
      }
      if (maxQueueSize < 0) {
        throw bad("max_queue_size must be >= 0 (0 = unbounded), got " + maxQueueSize);
      }
      if (defaultTimeoutMicros < 0) {
        throw bad(
            "default_timeout_microseconds must be >= 0 (0 = none), got " + defaultTimeoutMicros);
      }
    }
  }

  /** Which of a model's numbered version directories are served. */
  public sealed interface VersionPolicy {
    /** The {@code count} highest-numbered versions. */
    record Latest(int count) implements VersionPolicy {
      public Latest {
        if (count < 1) {
          throw bad("version_policy latest needs num_versions >= 1, got " + count);
        }
      }
    }

    /** Every version directory. */
    record All() implements VersionPolicy {}

    /** Exactly these versions. */
    record Specific(List<Long> versions) implements VersionPolicy {
      public Specific {
        versions = List.copyOf(versions);
        if (versions.isEmpty()) {
          throw bad("version_policy specific needs at least one version");
        }
      }
    }
  }

  private static ServerException bad(String message) {
    return new ServerException(ServerException.Code.BAD_REQUEST, message);
  }
}
