package dev.edgeinfer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvmlMeterTest {
  @TempDir Path dir;

  /**
   * A stand-in for nvidia-smi that checks it was asked for the energy counter and prints {@code
   * counter}.
   */
  private Path fakeNvidiaSmi(Path counter) throws IOException {
    return script(
        """
        #!/bin/sh
        [ "$1" = "--query-gpu=total_energy_consumption" ] || { echo "unexpected query $1"; exit 3; }
        [ "$2" = "--format=csv,noheader,nounits" ] || { echo "unexpected format $2"; exit 3; }
        cat '%s'
        """
            .formatted(counter));
  }

  private Path script(String text) throws IOException {
    Path script = dir.resolve("nvidia-smi");
    Files.writeString(script, text);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @Test
  void reportsTheJoulesTheGpuCounterAdvancedBetweenStartAndStop() throws IOException {
    Path counter = Files.writeString(dir.resolve("counter"), "1000000\n");
    Path nvidiaSmi = fakeNvidiaSmi(counter);
    List<String> notes = new ArrayList<>();
    Optional<EnergyMeter> opened = NvmlMeter.open(nvidiaSmi.toString(), notes::add);
    assertTrue(opened.isPresent(), () -> "NVML should open, notes: " + notes);
    try (EnergyMeter meter = opened.get()) {
      meter.start();
      Files.writeString(counter, "1250500\n");
      assertEquals(250.5, meter.stop(), 1e-9);
      assertEquals("nvml", meter.source());
      assertEquals(
          "NVML total_energy_consumption of 1 GPU via " + nvidiaSmi + " (GPU board only)",
          meter.description());
    }
  }

  @Test
  void sumsTheCountersOfEveryGpu() throws IOException {
    Path counter = Files.writeString(dir.resolve("counter"), "100\n200\n");
    try (EnergyMeter meter =
        NvmlMeter.open(fakeNvidiaSmi(counter).toString(), note -> {}).orElseThrow()) {
      meter.start();
      Files.writeString(counter, "1100\n2200\n");
      assertEquals(3.0, meter.stop(), 1e-9);
      assertTrue(meter.description().contains("of 2 GPUs"), meter.description());
    }
  }

  @Test
  void isNotUsableWhenNvidiaSmiFails() throws IOException {
    Path nvidiaSmi =
        script(
            """
        #!/bin/sh
        echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."
        exit 9
        """);
    List<String> notes = new ArrayList<>();
    assertTrue(NvmlMeter.open(nvidiaSmi.toString(), notes::add).isEmpty());
    assertEquals(
        List.of(
            "NVML: `"
                + nvidiaSmi
                + " --query-gpu=total_energy_consumption --format=csv,noheader,nounits`"
                + " exited with 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."),
        notes);
  }

  @Test
  void isNotUsableWhenTheGpuHasNoEnergyCounter() throws IOException {
    Path counter = Files.writeString(dir.resolve("counter"), "[N/A]\n");
    List<String> notes = new ArrayList<>();
    assertTrue(NvmlMeter.open(fakeNvidiaSmi(counter).toString(), notes::add).isEmpty());
    assertEquals(
        List.of(
            "NVML: nvidia-smi reports no total energy counter ('[N/A]'); it needs a Volta or newer GPU"),
        notes);
  }

  @Test
  void isNotUsableWhenNvidiaSmiIsMissing() {
    Path missing = dir.resolve("no-such-nvidia-smi");
    List<String> notes = new ArrayList<>();
    assertTrue(NvmlMeter.open(missing.toString(), notes::add).isEmpty());
    assertEquals(1, notes.size());
    assertTrue(notes.get(0).startsWith("NVML: " + missing + " cannot be run"), notes.get(0));
  }
}
