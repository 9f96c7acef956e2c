package dev.edgeinfer.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalDouble;

/** What this process costs the device: peak resident memory and when it started. */
public final class ProcessFootprint {
  private ProcessFootprint() {}

  /** Peak resident set size in MiB (Linux {@code VmHWM}); empty where the OS does not say. */
  public static OptionalDouble peakRssMb() {
    return statusField("VmHWM:");
  }

  /** Current resident set size in MiB (Linux {@code VmRSS}). */
  public static OptionalDouble rssMb() {
    return statusField("VmRSS:");
  }

  /**
   * When the process started: the launcher's own clock reading ({@code -Dedgeinfer.launch.ms}),
   * which includes JVM boot, or else the JVM's start time.
   */
  public static Instant processStart() {
    String launched = System.getProperty("edgeinfer.launch.ms", "");
    if (launched.matches("\\d{10,}")) {
      return Instant.ofEpochMilli(Long.parseLong(launched));
    }
    return Instant.ofEpochMilli(
        java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
  }

  private static OptionalDouble statusField(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          String kb = line.substring(field.length()).trim().split("\\s+")[0];
          return OptionalDouble.of(Long.parseLong(kb) / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.empty();
  }
}
