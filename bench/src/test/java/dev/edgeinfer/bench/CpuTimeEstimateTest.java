package dev.edgeinfer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuTimeEstimateTest {
  @TempDir Path proc;

  @Test
  void multipliesTheCpuSecondsOfTheIntervalByThePowerPerCore() {
    AtomicLong cpuNanos = new AtomicLong(7_000_000_000L);
    try (CpuTimeEstimate meter = new CpuTimeEstimate(15.0, cpuNanos::get)) {
      meter.start();
      cpuNanos.addAndGet(2_500_000_000L);
      assertEquals(37.5, meter.stop(), 1e-9);
    }
  }

  @Test
  void saysItIsAnEstimateAndHowItIsMade() {
    try (CpuTimeEstimate meter = new CpuTimeEstimate(15.0, () -> 0)) {
      assertEquals("estimate", meter.source());
      assertEquals("estimate: process CPU time x 15.0 W per core", meter.description());
    }
  }

  @Test
  void readsUserAndSystemTicksFromAProcStatFile() throws IOException {
    Path stat = Files.createDirectories(proc.resolve("self")).resolve("stat");
    Files.writeString(
        stat,
        "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 30 0 "
            + "123456 4000000000 50000 18446744073709551615 1 1 0 0 0 0 0 4096 16384 0 0 0 17 1 0 0 0 0 0\n");
    assertEquals(3_000_000_000L, CpuTimeEstimate.statCpuNanos(stat));
  }

  @Test
  void usesTheProcessCpuTimeOfThisJvm() {
    LongSupplier cpuNanos = CpuTimeEstimate.processCpuNanos(proc);
    assertTrue(cpuNanos.getAsLong() > 0);
  }

  @Test
  void rejectsANonPositivePowerPerCore() {
    assertThrows(BenchException.class, () -> new CpuTimeEstimate(0, () -> 0));
    assertThrows(BenchException.class, () -> new CpuTimeEstimate(Double.NaN, () -> 0));
  }

  @Test
  void rejectsStopWithoutStartAndStartAfterClose() {
    CpuTimeEstimate meter = new CpuTimeEstimate(15.0, () -> 0);
    assertThrows(IllegalStateException.class, meter::stop);
    meter.close();
    meter.close();
    assertThrows(IllegalStateException.class, meter::start);
  }
}
