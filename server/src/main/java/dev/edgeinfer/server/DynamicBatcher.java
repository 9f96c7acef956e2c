package dev.edgeinfer.server;

import dev.edgeinfer.pipeline.Ticker;
import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.Outputs;
import dev.edgeinfer.runtime.Tensor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Queues the requests of one model version and runs them: with dynamic batching, concurrent
 * requests are stacked along the first axis up to {@code max_batch_size} (or a preferred size), run
 * once, and each gets exactly its own rows back. A batch leaves when it is full, when the oldest
 * request has waited {@code max_queue_delay_microseconds}, or at once when an execution slot is
 * free and no delay is set; while all {@code instance_count} slots are busy requests pile up, which
 * is how batches form under load. A full queue refuses with 429; a request that waits longer than
 * {@code default_timeout_microseconds} fails with 503.
 *
 * <p>Executions run on the injected executor (a fixed pool sized to the cores); timers on the
 * injected scheduler; time comes from the injected {@link Ticker}. Thread-safe.
 */
final class DynamicBatcher {
  private final String name;
  private final Model model;
  private final boolean batching;
  private final int maxBatchSize;
  private final List<Integer> preferred;
  private final long maxDelayNanos;
  private final int maxQueueSize;
  private final long timeoutNanos;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final Ticker ticker;
  private final ModelCounters counters;

  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private long queuedRows;
  private int freeSlots;
  private long timerAt = Long.MAX_VALUE;
  private boolean timerSet;
  private boolean shutDown;

  /** What one request gets back: its own output rows and where its time went. */
  record Result(
      Map<String, Tensor> outputs,
      long queueNanos,
      long inputNanos,
      long inferNanos,
      long outputNanos,
      long batchRows) {}

  private record Job(
      Map<String, Tensor> inputs,
      long rows,
      Set<String> outputs,
      long enqueued,
      long deadline,
      CompletableFuture<Result> result) {}

  private DynamicBatcher(
      String name,
      Model model,
      ModelConfig config,
      Executor executor,
      ScheduledExecutorService scheduler,
      Ticker ticker,
      ModelCounters counters) {
    this.name = name;
    this.model = model;
    this.batching = config.dynamicBatching().isPresent();
    this.maxBatchSize = config.maxBatchSize();
    var dynamic = config.dynamicBatching();
    this.preferred =
        dynamic.map(d -> d.preferredBatchSizes().stream().sorted().toList()).orElse(List.of());
    this.maxDelayNanos =
        dynamic.map(d -> TimeUnit.MICROSECONDS.toNanos(d.maxQueueDelayMicros())).orElse(0L);
    this.maxQueueSize = dynamic.map(ModelConfig.DynamicBatching::maxQueueSize).orElse(0);
    this.timeoutNanos =
        dynamic.map(d -> TimeUnit.MICROSECONDS.toNanos(d.defaultTimeoutMicros())).orElse(0L);
    this.freeSlots = config.instanceCount();
    this.executor = executor;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.counters = counters;
  }

  /**
   * A batcher for {@code model} under {@code config}: with {@code dynamic_batching} it merges
   * requests, otherwise it runs each alone, {@code instance_count} at a time.
   */
  static DynamicBatcher create(
      String name,
      Model model,
      ModelConfig config,
      Executor executor,
      ScheduledExecutorService scheduler,
      Ticker ticker,
      ModelCounters counters) {
    return new DynamicBatcher(name, model, config, executor, scheduler, ticker, counters);
  }

  /**
   * Queues one request's inputs ({@code rows} along the first axis) and completes with its outputs
   * (only {@code outputs}, or all when empty). The caller keeps ownership of the input tensors and
   * must not close them before the future completes.
   */
  CompletableFuture<Result> submit(Map<String, Tensor> inputs, long rows, Set<String> outputs) {
    return submit(inputs, rows, outputs, Optional.empty());
  }

  /**
   * As {@link #submit(Map, long, Set)}, with a queue timeout of the request's own instead of the
   * model's {@code default_timeout_microseconds}.
   */
  CompletableFuture<Result> submit(
      Map<String, Tensor> inputs, long rows, Set<String> outputs, Optional<Duration> timeout) {
    if (maxBatchSize > 0 && rows > maxBatchSize) {
      return CompletableFuture.failedFuture(
          new ServerException(
              ServerException.Code.BAD_REQUEST,
              "the request has "
                  + rows
                  + " rows but model "
                  + name
                  + " takes at most max_batch_size "
                  + maxBatchSize
                  + "; split it"));
    }
    long now = ticker.nanos();
    Job job =
        new Job(
            inputs,
            rows,
            outputs,
            now,
            timeout.isPresent()
                ? now + timeout.get().toNanos()
                : timeoutNanos > 0 ? now + timeoutNanos : Long.MAX_VALUE,
            new CompletableFuture<>());
    List<List<Job>> ready;
    List<Job> expired = new ArrayList<>();
    lock.lock();
    try {
      if (shutDown) {
        job.result.completeExceptionally(
            new ServerException(ServerException.Code.UNAVAILABLE, "the server is shutting down"));
        return job.result;
      }
      if (maxQueueSize > 0 && queue.size() >= maxQueueSize) {
        job.result.completeExceptionally(
            new ServerException(
                ServerException.Code.QUEUE_FULL,
                "the queue of model "
                    + name
                    + " is full ("
                    + queue.size()
                    + " requests waiting, max_queue_size "
                    + maxQueueSize
                    + "); retry later"));
        return job.result;
      }
      queue.add(job);
      queuedRows += rows;
      ready = dispatch(now, expired);
    } finally {
      lock.unlock();
    }
    finish(ready, expired);
    return job.result;
  }

  /**
   * Refuses new requests and fails the queued ones with 503; executions already running finish.
   * Called when the server shuts down, not on reload (a retired version drains its queue).
   */
  void shutDown() {
    List<Job> dropped;
    lock.lock();
    try {
      shutDown = true;
      dropped = List.copyOf(queue);
      queue.clear();
      queuedRows = 0;
    } finally {
      lock.unlock();
    }
    fail(
        dropped,
        new ServerException(ServerException.Code.UNAVAILABLE, "the server is shutting down"));
  }

  /** Requests waiting now. */
  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: drops expired requests and takes the batches that may leave now. */
  private List<List<Job>> dispatch(long now, List<Job> expired) {
    for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
      Job job = it.next();
      if (job.deadline <= now) {
        it.remove();
        queuedRows -= job.rows;
        expired.add(job);
      }
    }
    List<List<Job>> batches = new ArrayList<>();
    while (freeSlots > 0 && !queue.isEmpty()) {
      long limit;
      if (!batching) {
        limit = 0;
      } else {
        long target = preferredReached();
        boolean full = queuedRows >= maxBatchSize || target > 0;
        if (!full && now - queue.peek().enqueued < maxDelayNanos) {
          break;
        }
        limit = target > 0 ? target : maxBatchSize;
      }
      List<Job> batch = new ArrayList<>();
      long rows = 0;
      do {
        Job job = queue.poll();
        batch.add(job);
        rows += job.rows;
        queuedRows -= job.rows;
      } while (batching && !queue.isEmpty() && rows + queue.peek().rows <= limit);
      freeSlots--;
      batches.add(batch);
    }
    long wake = Long.MAX_VALUE;
    if (!queue.isEmpty()) {
      if (batching && freeSlots > 0) {
        wake = queue.peek().enqueued + maxDelayNanos;
      }
      for (Job job : queue) {
        wake = Math.min(wake, job.deadline);
      }
    }
    if (wake != Long.MAX_VALUE && (!timerSet || wake < timerAt)) {
      timerSet = true;
      timerAt = wake;
      try {
        scheduler.schedule(this::onTimer, Math.max(0, wake - now), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        timerSet = false;
      }
    }
    return batches;
  }

  /** The largest preferred batch size the queue can fill now, or 0. */
  private long preferredReached() {
    for (int i = preferred.size() - 1; i >= 0; i--) {
      if (queuedRows >= preferred.get(i)) {
        return preferred.get(i);
      }
    }
    return 0;
  }

  private void onTimer() {
    List<List<Job>> ready;
    List<Job> expired = new ArrayList<>();
    lock.lock();
    try {
      timerSet = false;
      timerAt = Long.MAX_VALUE;
      ready = dispatch(ticker.nanos(), expired);
    } finally {
      lock.unlock();
    }
    finish(ready, expired);
  }

  private void finish(List<List<Job>> ready, List<Job> expired) {
    for (Job job : expired) {
      job.result.completeExceptionally(
          new ServerException(
              ServerException.Code.TIMEOUT,
              "the request waited longer than its timeout of "
                  + TimeUnit.NANOSECONDS.toMicros(job.deadline - job.enqueued)
                  + " us in model "
                  + name
                  + "'s queue; the server is overloaded, retry later"));
    }
    for (List<Job> batch : ready) {
      try {
        executor.execute(() -> execute(batch));
      } catch (RejectedExecutionException e) {
        fail(
            batch,
            new ServerException(ServerException.Code.UNAVAILABLE, "the server is shutting down"));
        release();
      }
    }
  }

  private void execute(List<Job> batch) {
    long start = ticker.nanos();
    List<Tensor> made = new ArrayList<>();
    try {
      Map<String, Tensor> inputs;
      if (batch.size() == 1) {
        inputs = batch.getFirst().inputs;
      } else {
        inputs = new LinkedHashMap<>();
        for (String input : batch.getFirst().inputs.keySet()) {
          List<Tensor> parts = new ArrayList<>(batch.size());
          for (Job job : batch) {
            parts.add(job.inputs.get(input));
          }
          Tensor stacked = Tensor.concat(parts);
          made.add(stacked);
          inputs.put(input, stacked);
        }
      }
      Set<String> wanted = new HashSet<>();
      for (Job job : batch) {
        if (job.outputs.isEmpty()) {
          wanted = Set.of();
          break;
        }
        wanted.addAll(job.outputs);
      }
      long inputDone = ticker.nanos();
      List<Map<String, Tensor>> split = new ArrayList<>(batch.size());
      long inferDone;
      long totalRows = batch.stream().mapToLong(Job::rows).sum();
      try (Outputs outputs = model.run(inputs, wanted)) {
        inferDone = ticker.nanos();
        counters.executions.increment();
        Map<String, Tensor> all = new HashMap<>();
        try {
          for (String output : outputs.names()) {
            all.put(output, outputs.get(output));
          }
          long from = 0;
          for (Job job : batch) {
            Map<String, Tensor> own = new LinkedHashMap<>();
            for (String output : outputs.names()) {
              if (!job.outputs.isEmpty() && !job.outputs.contains(output)) {
                continue;
              }
              Tensor whole = all.get(output);
              if (batch.size() == 1) {
                own.put(output, whole);
              } else {
                long[] shape = whole.shape();
                if (shape.length == 0 || shape[0] != totalRows) {
                  throw new ServerException(
                      ServerException.Code.INTERNAL,
                      "output '"
                          + output
                          + "' of model "
                          + name
                          + " has shape "
                          + java.util.Arrays.toString(shape)
                          + " for a batch of "
                          + totalRows
                          + " rows; give the model max_batch_size 0 so requests are not batched");
                }
                own.put(output, whole.rows(from, from + job.rows));
              }
            }
            split.add(own);
            from += job.rows;
          }
        } finally {
          if (batch.size() > 1) {
            all.values().forEach(Tensor::close);
          }
        }
      }
      long outputDone = ticker.nanos();
      for (int i = 0; i < batch.size(); i++) {
        Job job = batch.get(i);
        job.result.complete(
            new Result(
                split.get(i),
                start - job.enqueued,
                inputDone - start,
                inferDone - inputDone,
                outputDone - inferDone,
                totalRows));
      }
    } catch (RuntimeException e) {
      fail(batch, e);
    } finally {
      made.forEach(Tensor::close);
      release();
    }
  }

  /** Frees an execution slot and dispatches what waits for it. */
  private void release() {
    List<List<Job>> ready;
    List<Job> expired = new ArrayList<>();
    lock.lock();
    try {
      freeSlots++;
      ready = dispatch(ticker.nanos(), expired);
    } finally {
      lock.unlock();
    }
    finish(ready, expired);
  }

  private static void fail(List<Job> batch, RuntimeException failure) {
    ServerException error = ServerException.from(failure);
    for (Job job : batch) {
      job.result.completeExceptionally(error);
    }
  }
}
