package dev.edgeinfer.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The fallback when no energy counter is readable: joules = process CPU seconds in the interval × a
 * configured power per busy core. It is an estimate, not a measurement, and says so: it ignores
 * idle and uncore power, memory and accelerators, and counts every thread of the process
 * (inference, JIT, GC). Thread-safe.
 */
final class CpuTimeEstimate implements EnergyMeter {
  /**
   * Linux's {@code USER_HZ}: {@code /proc/[pid]/stat} counts CPU time in hundredths of a second.
   */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final double wattsPerCore;
  private final LongSupplier cpuNanos;
  private long startNanos;
  private boolean measuring;
  private boolean closed;

  /**
   * @param wattsPerCore power of one fully busy core; must be > 0
   * @param cpuNanos CPU time this process has used, in nanoseconds
   */
  CpuTimeEstimate(double wattsPerCore, LongSupplier cpuNanos) {
    if (!(wattsPerCore > 0) || Double.isInfinite(wattsPerCore)) {
      throw new BenchException("watts per core must be a positive number, got " + wattsPerCore);
    }
    this.wattsPerCore = wattsPerCore;
    this.cpuNanos = cpuNanos;
  }

  /**
   * This process's CPU time: from the JVM (nanosecond resolution) where it reports it, else from
   * {@code <procRoot>/self/stat} (10 ms resolution).
   */
  static LongSupplier processCpuNanos(Path procRoot) {
    if (ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      return os::getProcessCpuTime;
    }
    Path stat = procRoot.resolve("self/stat");
    return () -> statCpuNanos(stat);
  }

  /** User plus system time from a {@code /proc/[pid]/stat} file, in nanoseconds. */
  static long statCpuNanos(Path stat) {
    String text;
    try {
      text = Files.readString(stat);
    } catch (IOException e) {
      throw new BenchException("cannot read the process CPU time from " + stat + " (" + e + ")");
    }
    // the command name in field 2 may hold spaces and parentheses; fields after it are plain
    // numbers
    String[] fields = text.substring(text.lastIndexOf(')') + 1).trim().split("\\s+");
    try {
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
    } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
      throw new BenchException(
          stat + " does not look like /proc/[pid]/stat: no utime and stime in fields 14 and 15");
    }
  }

  @Override
  public String source() {
    return "estimate";
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "estimate: process CPU time x %.1f W per core", wattsPerCore);
  }

  @Override
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("the CPU-time estimate is closed");
    }
    startNanos = cpuNanos.getAsLong();
    measuring = true;
  }

  @Override
  public synchronized double stop() {
    if (!measuring) {
      throw new IllegalStateException(
          "the CPU-time estimate has no open interval; call start() first");
    }
    measuring = false;
    return (cpuNanos.getAsLong() - startNanos) / 1e9 * wattsPerCore;
  }

  @Override
  public synchronized void close() {
    closed = true;
    measuring = false;
  }
}
