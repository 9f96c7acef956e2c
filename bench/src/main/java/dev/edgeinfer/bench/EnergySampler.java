package dev.edgeinfer.bench;

import java.time.Duration;

/**
 * A daemon thread that calls a meter's sample action at a fixed interval, for counters that must be
 * polled: power that is integrated over time, or energy counters that may wrap more than once in a
 * long interval. It starts on the first {@link #ensureStarted()} and runs until {@link #close()};
 * the action itself decides whether an interval is open. Thread-safe.
 */
final class EnergySampler implements AutoCloseable {
  private static final Duration JOIN_LIMIT = Duration.ofSeconds(5);

  private final String threadName;
  private final Duration interval;
  private final Runnable sample;
  private Thread thread;
  private boolean closed;

  /**
   * @param threadName names the thread in dumps
   * @param interval time between samples
   * @param sample what to do on each tick; must not throw
   */
  EnergySampler(String threadName, Duration interval, Runnable sample) {
    if (interval.isNegative() || interval.isZero()) {
      throw new BenchException("energy sampling interval must be positive, got " + interval);
    }
    this.threadName = threadName;
    this.interval = interval;
    this.sample = sample;
  }

  /** Starts the thread unless it runs already. */
  synchronized void ensureStarted() {
    if (closed) {
      throw new IllegalStateException("the " + threadName + " sampler is closed");
    }
    if (thread == null) {
      thread = Thread.ofPlatform().name(threadName).daemon().start(this::run);
    }
  }

  /** Whether the sampler thread is running, for tests. */
  synchronized boolean running() {
    return thread != null && thread.isAlive();
  }

  private void run() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(interval);
        sample.run();
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  /** Stops the thread and waits for a sample in progress to finish. Idempotent. */
  @Override
  public void close() {
    Thread stopping;
    synchronized (this) {
      closed = true;
      stopping = thread;
    }
    if (stopping != null) {
      stopping.interrupt();
      try {
        stopping.join(JOIN_LIMIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
