package dev.edgeinfer.pipeline;

import dev.edgeinfer.pipeline.spi.Sink;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A live status line (samples/s, p50/p99 latency, last result) that refreshes in place on a
 * terminal, or a plain line every {@code plainEveryNanos} when output goes to a file or pipe; then
 * the summary.
 */
final class ConsoleSink implements Sink {
  private final PrintStream out;
  private final boolean terminal;
  private final long plainEveryNanos;
  private long lastPlainLine = Long.MIN_VALUE;
  private int lastWidth;

  ConsoleSink(PrintStream out, boolean terminal, long plainEveryNanos) {
    this.out = out;
    this.terminal = terminal;
    this.plainEveryNanos = plainEveryNanos;
  }

  @Override
  public void accept(SampleResult result) {}

  @Override
  public void status(RunStatus status) {
    String line = render(status);
    if (terminal) {
      String padded =
          line.length() < lastWidth ? line + " ".repeat(lastWidth - line.length()) : line;
      lastWidth = line.length();
      out.print("\r" + padded);
      out.flush();
    } else if (lastPlainLine == Long.MIN_VALUE
        || status.elapsedNanos() - lastPlainLine >= plainEveryNanos) {
      lastPlainLine = status.elapsedNanos();
      out.println(line);
    }
  }

  static String render(RunStatus s) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%6d samples  %7.1f/s  p50 %.3f ms  p99 %.3f ms",
                s.samples(),
                s.throughputPerSecond(),
                s.p50Millis(),
                s.p99Millis()));
    if (s.dropped() > 0) {
      line.append("  dropped ").append(s.dropped());
    }
    if (s.failed() > 0) {
      line.append("  failed ").append(s.failed());
    }
    s.accuracy().ifPresent(a -> line.append(String.format(Locale.ROOT, "  acc %.1f%%", a * 100)));
    s.last()
        .ifPresent(
            r -> {
              var best = r.prediction().best();
              line.append(
                  String.format(
                      Locale.ROOT,
                      "  last %s -> %s (%.2f)",
                      r.origin(),
                      best.label(),
                      best.score()));
            });
    return line.toString();
  }

  @Override
  public void finish(RunSummary summary) {
    if (terminal && lastWidth > 0) {
      out.println();
    }
    out.print(summary.describe());
    out.flush();
  }
}
