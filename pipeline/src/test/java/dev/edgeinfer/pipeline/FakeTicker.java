package dev.edgeinfer.pipeline;

/**
 * A clock that moves only when told: by {@code costPerRead} on every read, and to any deadline
 * slept to.
 */
final class FakeTicker implements Ticker {
  private final long costPerRead;
  private long now = 1_000_000_000L;

  FakeTicker(long costPerRead) {
    this.costPerRead = costPerRead;
  }

  @Override
  public long nanos() {
    now += costPerRead;
    return now;
  }

  @Override
  public void sleepUntil(long deadline) {
    now = Math.max(now, deadline);
  }
}
