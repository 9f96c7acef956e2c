package dev.edgeinfer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaplMeterTest {
  /**
   * Long enough that the sampler thread never polls during a test; tests poll by calling sample().
   */
  private static final Duration NEVER = Duration.ofHours(1);

  private static final long RANGE = 262_143_328_850L;

  @TempDir Path sys;

  private Path zone(String zone, String name, long energy, long range) throws IOException {
    Path dir = Files.createDirectories(sys.resolve("class/powercap").resolve(zone));
    Files.writeString(dir.resolve("name"), name + "\n");
    Files.writeString(dir.resolve("energy_uj"), energy + "\n");
    Files.writeString(dir.resolve("max_energy_range_uj"), range + "\n");
    return dir;
  }

  private static void counter(Path zone, long energy) throws IOException {
    Files.writeString(zone.resolve("energy_uj"), energy + "\n");
  }

  private RaplMeter open(List<String> notes) {
    Optional<EnergyMeter> meter = RaplMeter.open(sys, NEVER, notes::add);
    assertTrue(meter.isPresent(), () -> "RAPL should open, notes: " + notes);
    return (RaplMeter) meter.get();
  }

  @Test
  void sumsWhatThePackageCountersAdvancedOverTheInterval() throws IOException {
    Path package0 = zone("intel-rapl:0", "package-0", 1_000_000, RANGE);
    Path package1 = zone("intel-rapl:1", "package-1", 5_000_000, RANGE);
    try (RaplMeter meter = open(new ArrayList<>())) {
      meter.start();
      counter(package0, 3_500_000);
      counter(package1, 6_000_000);
      assertEquals(3.5, meter.stop(), 1e-9);
    }
  }

  @Test
  void addsTheMaximumRangeWhenACounterWrapsAround() throws IOException {
    Path package0 = zone("intel-rapl:0", "package-0", 900_000, 1_000_000);
    try (RaplMeter meter = open(new ArrayList<>())) {
      meter.start();
      counter(package0, 100_000);
      assertEquals(0.2, meter.stop(), 1e-9);
    }
  }

  @Test
  void countsEveryWrapThatThePollerSawDuringALongInterval() throws IOException {
    Path package0 = zone("intel-rapl:0", "package-0", 900_000, 1_000_000);
    try (RaplMeter meter = open(new ArrayList<>())) {
      meter.start();
      counter(package0, 500_000);
      meter.sample();
      counter(package0, 100_000);
      assertEquals(1.2, meter.stop(), 1e-9);
    }
  }

  @Test
  void readsOnlyTopLevelPackagesSoSubDomainsAreNotCountedTwice() throws IOException {
    Path package0 = zone("intel-rapl:0", "package-0", 0, RANGE);
    Path core = zone("intel-rapl:0:0", "core", 0, RANGE);
    Path uncore = zone("intel-rapl:0:1", "uncore", 0, RANGE);
    Path mmio = zone("intel-rapl-mmio:0", "package-0", 0, RANGE);
    try (RaplMeter meter = open(new ArrayList<>())) {
      assertEquals(
          List.of("intel-rapl:0"), meter.domains().stream().map(RaplMeter.Domain::zone).toList());
      meter.start();
      counter(package0, 10_000_000);
      counter(core, 7_000_000);
      counter(uncore, 2_000_000);
      counter(mmio, 10_000_000);
      assertEquals(10.0, meter.stop(), 1e-9);
    }
  }

  @Test
  void addsATopLevelDramDomainToThePackagesAndNamesBothInTheDescription() throws IOException {
    zone("intel-rapl:0", "package-0", 0, RANGE);
    Path dram = zone("intel-rapl:1", "dram", 0, RANGE);
    try (RaplMeter meter = open(new ArrayList<>())) {
      assertEquals(
          "RAPL package-0, dram via " + sys.resolve("class/powercap"), meter.description());
      assertEquals("rapl", meter.source());
      meter.start();
      counter(dram, 2_000_000);
      assertEquals(2.0, meter.stop(), 1e-9);
    }
  }

  @Test
  void ignoresPsysWhenThereIsAPackageDomainBecausePsysContainsIt() throws IOException {
    zone("intel-rapl:0", "package-0", 0, RANGE);
    zone("intel-rapl:1", "psys", 0, RANGE);
    try (RaplMeter meter = open(new ArrayList<>())) {
      assertEquals(
          List.of("package-0"), meter.domains().stream().map(RaplMeter.Domain::name).toList());
    }
  }

  @Test
  void fallsBackToPsysWhenThereIsNoPackageDomain() throws IOException {
    zone("intel-rapl:0", "psys", 0, RANGE);
    try (RaplMeter meter = open(new ArrayList<>())) {
      assertEquals(List.of("psys"), meter.domains().stream().map(RaplMeter.Domain::name).toList());
    }
  }

  @Test
  void isNotUsableWithoutAPowercapTree() {
    List<String> notes = new ArrayList<>();
    assertTrue(RaplMeter.open(sys, NEVER, notes::add).isEmpty());
    assertEquals(
        List.of(
            "RAPL: no RAPL domains under "
                + sys.resolve("class/powercap")
                + " (not an Intel/AMD CPU, or a VM or container without powercap)"),
        notes);
  }

  @Test
  void isNotUsableWhenTheEnergyFileCannotBeRead() throws IOException {
    Path package0 = zone("intel-rapl:0", "package-0", 0, RANGE);
    Files.delete(package0.resolve("energy_uj"));
    Files.createDirectory(package0.resolve("energy_uj")); // fails to read for root too
    List<String> notes = new ArrayList<>();
    assertTrue(RaplMeter.open(sys, NEVER, notes::add).isEmpty());
    assertEquals(1, notes.size());
    assertTrue(
        notes.get(0).startsWith("RAPL: cannot read " + package0.resolve("energy_uj")),
        notes.get(0));
  }

  @Test
  void saysHowToGrantAccessWhenTheEnergyFileIsReadableByRootOnly() throws IOException {
    Path package0 = zone("intel-rapl:0", "package-0", 0, RANGE);
    Path energy = package0.resolve("energy_uj");
    // what the kernel answers a non-root reader of a 0400 file; root itself cannot be denied by
    // permissions
    RaplMeter.Sysfs rootOnly =
        file -> {
          if (file.equals(energy)) {
            throw new AccessDeniedException(file.toString());
          }
          return Files.readString(file);
        };
    List<String> notes = new ArrayList<>();
    assertTrue(RaplMeter.open(sys, NEVER, rootOnly, notes::add).isEmpty());
    assertEquals(
        List.of(
            "RAPL: "
                + energy
                + " is readable by root only; run `sudo chmod o+r "
                + sys.resolve("class/powercap")
                + "/intel-rapl:*/energy_uj` (or a udev rule) to measure energy"),
        notes);
  }

  @Test
  void failsTheIntervalWhenACounterVanishesDuringIt() throws IOException {
    Path package0 = zone("intel-rapl:0", "package-0", 0, RANGE);
    try (RaplMeter meter = open(new ArrayList<>())) {
      meter.start();
      Files.delete(package0.resolve("energy_uj"));
      BenchException e = assertThrows(BenchException.class, meter::stop);
      assertTrue(e.getMessage().contains("energy for this run is unknown"), e.getMessage());
    }
  }

  @Test
  void rejectsStopWithoutStartAndStartAfterClose() throws IOException {
    zone("intel-rapl:0", "package-0", 0, RANGE);
    RaplMeter meter = open(new ArrayList<>());
    assertThrows(IllegalStateException.class, meter::stop);
    meter.close();
    meter.close();
    assertThrows(IllegalStateException.class, meter::start);
  }
}
