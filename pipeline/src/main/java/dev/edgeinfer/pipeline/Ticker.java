package dev.edgeinfer.pipeline;

import java.util.concurrent.locks.LockSupport;

/**
 * Monotonic time in nanoseconds and a way to wait for a point in it. Injected so pacing and timing
 * are tested on a fake clock.
 */
public interface Ticker {

  long nanos();

  /** Blocks until {@link #nanos()} reaches {@code deadline}. */
  void sleepUntil(long deadline);

  /**
   * The JVM's monotonic clock, {@link System#nanoTime()}, sleeping with {@link
   * LockSupport#parkNanos}.
   */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }

  /** {@link Ticker} on {@link System#nanoTime()}. */
  enum SystemTicker implements Ticker {
    INSTANCE;

    @Override
    public long nanos() {
      return System.nanoTime();
    }

    @Override
    public void sleepUntil(long deadline) {
      long left;
      while ((left = deadline - System.nanoTime()) > 0) {
        LockSupport.parkNanos(left);
      }
    }
  }
}
