package dev.edgeinfer.bench;

import dev.edgeinfer.pipeline.LatencyHistogram;
import dev.edgeinfer.pipeline.Ticker;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * An open-loop load generator: queries arrive as a Poisson process at a given rate and run on a
 * pool of workers; each query's latency counts from its <em>scheduled</em> arrival, so a stalled
 * system shows its queueing delay instead of slowing the generator down (no coordinated omission).
 * One instance per target; {@link #offer} runs one load step on the calling thread.
 */
final class PoissonLoad {
  /**
   * Park until this close to an arrival, then spin, so generator wake-up jitter stays out of the
   * latencies.
   */
  private static final long SPIN_NANOS = 50_000;

  private final InferenceTarget target;
  private final int workers;
  private final Ticker ticker;
  private final IntFunction<ExecutorService> pools;
  private final SplittableRandom random;

  /**
   * @param target what each query runs; must be safe to run from several threads at once
   * @param workers threads running queries
   * @param pools makes the worker pool of one step (shut down at the end of the step)
   */
  PoissonLoad(
      InferenceTarget target,
      int workers,
      Ticker ticker,
      IntFunction<ExecutorService> pools,
      long seed) {
    if (workers < 1) {
      throw new BenchException("the server scenario needs at least one worker, got " + workers);
    }
    this.target = target;
    this.workers = workers;
    this.ticker = ticker;
    this.pools = pools;
    this.random = new SplittableRandom(seed);
  }

  /**
   * What one load step did.
   *
   * @param offeredQps the arrival rate
   * @param issued queries scheduled and handed to the workers
   * @param completed queries that finished
   * @param saturated whether the step was cut short because the backlog kept growing
   * @param nanos from the first arrival to the last completion
   * @param latencies latency of each completed query from its scheduled arrival
   */
  record Step(
      double offeredQps,
      long issued,
      long completed,
      boolean saturated,
      long nanos,
      LatencyHistogram latencies) {
    double achievedQps() {
      return nanos == 0 ? 0 : completed / (nanos / 1e9);
    }
  }

  /**
   * Offers {@code qps} for {@code durationNanos}; gives up early once the backlog exceeds {@code
   * maxBacklog}.
   */
  Step offer(double qps, long durationNanos, long maxBacklog) {
    Queue<LatencyHistogram> perThread = new ConcurrentLinkedQueue<>();
    ThreadLocal<LatencyHistogram> local =
        ThreadLocal.withInitial(
            () -> {
              LatencyHistogram h = new LatencyHistogram();
              perThread.add(h);
              return h;
            });
    AtomicLong completed = new AtomicLong();
    AtomicLong lastEnd = new AtomicLong();
    ExecutorService pool = pools.apply(workers);
    long issued = 0;
    boolean saturated = false;
    long start = ticker.nanos();
    double offset = 0;
    try {
      while (true) {
        offset += -Math.log(1 - random.nextDouble()) / qps * 1e9;
        long scheduled = start + (long) offset;
        if (scheduled - start >= durationNanos) {
          break;
        }
        long now = ticker.nanos();
        if (scheduled - now > SPIN_NANOS) {
          ticker.sleepUntil(scheduled - SPIN_NANOS);
        }
        while (ticker.nanos() < scheduled) {
          Thread.onSpinWait();
        }
        if (issued - completed.get() > maxBacklog) {
          saturated = true;
          break;
        }
        pool.execute(
            () -> {
              target.infer();
              long end = ticker.nanos();
              local.get().record(end - scheduled);
              lastEnd.accumulateAndGet(end, Math::max);
              completed.incrementAndGet();
            });
        issued++;
      }
    } finally {
      if (saturated) {
        pool.shutdownNow();
      } else {
        pool.shutdown();
      }
      awaitQuietly(pool);
    }
    LatencyHistogram all = new LatencyHistogram();
    perThread.forEach(all::add);
    long end = Math.max(lastEnd.get(), start + 1);
    return new Step(qps, issued, completed.get(), saturated, end - start, all);
  }

  private static void awaitQuietly(ExecutorService pool) {
    try {
      while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
        Thread.onSpinWait();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Searches for the highest rate whose p99 (its early-stopping estimate when there are enough
   * queries) stays under {@code boundNanos}: doubles from {@code startQps} until a step fails, then
   * bisects. Returns every step in the order tried.
   */
  List<Step> findPeak(
      double startQps, long stepNanos, long boundNanos, int maxSteps, StepListener listener) {
    java.util.ArrayList<Step> steps = new java.util.ArrayList<>();
    double low = 0;
    double high = Double.NaN;
    double qps = startQps;
    for (int i = 0; i < maxSteps; i++) {
      Step step = offer(qps, stepNanos, backlogFor(qps, boundNanos));
      steps.add(step);
      listener.stepDone(i + 1, maxSteps, step);
      if (withinBound(step, boundNanos)) {
        low = qps;
      } else {
        high = qps;
      }
      if (Double.isNaN(high)) {
        qps = qps * 2;
      } else {
        if (high - low <= 0.03 * high) {
          break;
        }
        qps = low == 0 ? high / 4 : (low + high) / 2;
      }
    }
    return steps;
  }

  /** A backlog this deep means queries wait far longer than the bound: the rate cannot be held. */
  static long backlogFor(double qps, long boundNanos) {
    return Math.max(1_000, (long) (qps * boundNanos / 1e9 * 20));
  }

  static boolean withinBound(Step step, long boundNanos) {
    if (step.saturated() || step.completed() == 0) {
      return false;
    }
    double p99 =
        step.latencies().earlyStoppingMillis(99).orElse(step.latencies().percentileMillis(99));
    return p99 * 1e6 <= boundNanos;
  }

  /** Hears about each finished step of a search. */
  @FunctionalInterface
  interface StepListener {
    void stepDone(int step, int maxSteps, Step result);
  }
}
