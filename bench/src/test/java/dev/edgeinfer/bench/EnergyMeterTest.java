package dev.edgeinfer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnergyMeterTest {
  @TempDir Path root;

  private EnergyMeter.Options options() throws IOException {
    return EnergyMeter.Options.defaults()
        .withSysfsRoot(Files.createDirectories(root.resolve("sys")))
        .withProcRoot(Files.createDirectories(root.resolve("proc")))
        .withNvidiaSmi(root.resolve("no-nvidia-smi").toString());
  }

  private void rapl() throws IOException {
    Path zone = Files.createDirectories(root.resolve("sys/class/powercap/intel-rapl:0"));
    Files.writeString(zone.resolve("name"), "package-0\n");
    Files.writeString(zone.resolve("energy_uj"), "1000\n");
    Files.writeString(zone.resolve("max_energy_range_uj"), "262143328850\n");
  }

  private void ina3221() throws IOException {
    Path hwmon =
        Files.createDirectories(root.resolve("sys/bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon1"));
    Files.writeString(hwmon.resolve("in1_label"), "VDD_IN\n");
    Files.writeString(hwmon.resolve("in1_input"), "5000\n");
    Files.writeString(hwmon.resolve("curr1_input"), "1000\n");
  }

  private String nvidiaSmi() throws IOException {
    Path script = root.resolve("nvidia-smi");
    Files.writeString(script, "#!/bin/sh\necho 123456\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script.toString();
  }

  @Test
  void fallsBackToTheLabelledEstimateAndSaysWhyWhenNoCounterIsReadable() throws IOException {
    List<String> notes = new ArrayList<>();
    try (EnergyMeter meter = EnergyMeter.detect(options(), notes::add)) {
      assertEquals("estimate", meter.source());
      assertEquals("estimate: process CPU time x 15.0 W per core", meter.description());
    }
    assertEquals(2, notes.size(), notes::toString);
    assertTrue(notes.get(0).startsWith("RAPL: no RAPL domains under "), notes.get(0));
    assertTrue(notes.get(1).startsWith("INA3221: no ina3221 hwmon device under "), notes.get(1));
  }

  @Test
  void prefersRaplOverIna3221AndNotesNothingWhenRaplIsReadable() throws IOException {
    rapl();
    ina3221();
    List<String> notes = new ArrayList<>();
    try (EnergyMeter meter = EnergyMeter.detect(options(), notes::add)) {
      assertEquals("rapl", meter.source());
    }
    assertEquals(List.of(), notes);
  }

  @Test
  void readsIna3221WhenThereIsNoRapl() throws IOException {
    ina3221();
    List<String> notes = new ArrayList<>();
    try (EnergyMeter meter = EnergyMeter.detect(options(), notes::add)) {
      assertEquals("ina3221", meter.source());
    }
    assertEquals(1, notes.size(), notes::toString);
    assertTrue(notes.get(0).startsWith("RAPL: "), notes.get(0));
  }

  @Test
  void triesTheGpuCounterFirstWhenTheModelRunsOnAGpu() throws IOException {
    rapl();
    List<String> notes = new ArrayList<>();
    try (EnergyMeter meter =
        EnergyMeter.detect(options().withGpu(true).withNvidiaSmi(nvidiaSmi()), notes::add)) {
      assertEquals("nvml", meter.source());
    }
    assertEquals(List.of(), notes);
  }

  @Test
  void leavesTheGpuCounterAloneWhenTheModelRunsOnTheCpu() throws IOException {
    rapl();
    try (EnergyMeter meter = EnergyMeter.detect(options().withNvidiaSmi(nvidiaSmi()), note -> {})) {
      assertEquals("rapl", meter.source());
    }
  }

  @Test
  void notesWhyTheGpuCounterWasSkippedBeforeFallingBackToRapl() throws IOException {
    rapl();
    List<String> notes = new ArrayList<>();
    try (EnergyMeter meter = EnergyMeter.detect(options().withGpu(true), notes::add)) {
      assertEquals("rapl", meter.source());
    }
    assertEquals(1, notes.size(), notes::toString);
    assertTrue(notes.get(0).startsWith("NVML: "), notes.get(0));
  }

  @Test
  void defaultsReadTheRealMountsWithFifteenWattsPerCoreOnTheCpu() {
    EnergyMeter.Options defaults = EnergyMeter.Options.defaults();
    assertEquals(Path.of("/sys"), defaults.sysfsRoot());
    assertEquals(Path.of("/proc"), defaults.procRoot());
    assertEquals(15.0, defaults.wattsPerCore());
    assertFalse(defaults.gpu());
    assertEquals(Duration.ofMillis(50), defaults.samplingInterval());
    assertEquals("nvidia-smi", defaults.nvidiaSmi());
  }

  @Test
  void optionsRejectAPowerPerCoreThatIsNotPositive() {
    EnergyMeter.Options defaults = EnergyMeter.Options.defaults();
    BenchException e = assertThrows(BenchException.class, () -> defaults.withWattsPerCore(0));
    assertTrue(e.getMessage().contains("got 0.0"), e.getMessage());
    assertThrows(BenchException.class, () -> defaults.withWattsPerCore(-3));
    assertThrows(BenchException.class, () -> defaults.withWattsPerCore(Double.NaN));
  }

  @Test
  void optionsRejectASamplingIntervalThatIsNotPositive() {
    assertThrows(
        BenchException.class,
        () -> EnergyMeter.Options.defaults().withSamplingInterval(Duration.ZERO));
  }
}
