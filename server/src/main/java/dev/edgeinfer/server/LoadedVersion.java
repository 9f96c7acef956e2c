package dev.edgeinfer.server;

import dev.edgeinfer.runtime.Model;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One served version of a model: its ONNX Runtime session, config and batcher, reference-counted so
 * a reload can swap it out while requests are in flight. The repository holds one reference until
 * {@link #retire()}; each request holds one from {@link #tryAcquire()} to {@link #release()}. The
 * session is closed when the count reaches zero, so memory does not pile up across reloads.
 * Thread-safe.
 */
final class LoadedVersion {
  final String model;
  final long version;
  final Model session;
  final ModelConfig config;
  final ModelCounters counters;
  private DynamicBatcher batcher;
  private final Runnable onClosed;
  private final AtomicInteger references = new AtomicInteger(1);
  private final AtomicBoolean retired = new AtomicBoolean();

  LoadedVersion(
      String model,
      long version,
      Model session,
      ModelConfig config,
      ModelCounters counters,
      Runnable onClosed) {
    this.model = model;
    this.version = version;
    this.session = session;
    this.config = config;
    this.counters = counters;
    this.onClosed = onClosed;
  }

  void batcher(DynamicBatcher value) {
    this.batcher = value;
  }

  DynamicBatcher batcher() {
    return batcher;
  }

  /** Takes a reference for one request; false once the version is retired and drained. */
  boolean tryAcquire() {
    while (true) {
      int count = references.get();
      if (count == 0) {
        return false;
      }
      if (references.compareAndSet(count, count + 1)) {
        return true;
      }
    }
  }

  /** Gives a reference back; the last one closes the session. */
  void release() {
    if (references.decrementAndGet() == 0) {
      session.close();
      onClosed.run();
    }
  }

  /**
   * Drops the repository's reference: the version closes once its requests in flight finish.
   * Idempotent.
   */
  void retire() {
    if (retired.compareAndSet(false, true)) {
      release();
    }
  }

  String versionLabel() {
    return Long.toString(version);
  }
}
