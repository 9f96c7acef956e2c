package dev.edgeinfer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ina3221MeterTest {
  /**
   * Long enough that the sampler thread never samples during a test; tests sample by calling
   * sample().
   */
  private static final Duration NEVER = Duration.ofHours(1);

  private static final long SECOND = 1_000_000_000L;

  @TempDir Path sys;

  private final AtomicLong clock = new AtomicLong(42 * SECOND);

  private Path jetsonSensor() throws IOException {
    return Files.createDirectories(sys.resolve("bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon3"));
  }

  private static void write(Path file, Object value) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, value + "\n");
  }

  private static void rail(Path hwmon, int index, String label, long millivolts, long milliamps)
      throws IOException {
    write(hwmon.resolve("in" + index + "_label"), label);
    write(hwmon.resolve("in" + index + "_input"), millivolts);
    write(hwmon.resolve("curr" + index + "_input"), milliamps);
  }

  private Ina3221Meter open(List<String> notes, Duration interval) {
    Optional<EnergyMeter> meter = Ina3221Meter.open(sys, interval, clock::get, notes::add);
    assertTrue(meter.isPresent(), () -> "INA3221 should open, notes: " + notes);
    return (Ina3221Meter) meter.get();
  }

  private void advance(double seconds) {
    clock.addAndGet(Math.round(seconds * SECOND));
  }

  @Test
  void integratesConstantPowerOverTheInjectedClock() throws IOException {
    rail(jetsonSensor(), 1, "VDD_IN", 5000, 2000);
    try (Ina3221Meter meter = open(new ArrayList<>(), NEVER)) {
      meter.start();
      advance(3);
      assertEquals(30.0, meter.stop(), 1e-9);
    }
  }

  @Test
  void integratesChangingPowerWithTheTrapezoidRule() throws IOException {
    Path hwmon = jetsonSensor();
    rail(hwmon, 1, "VDD_IN", 5000, 2000);
    try (Ina3221Meter meter = open(new ArrayList<>(), NEVER)) {
      meter.start();
      write(hwmon.resolve("curr1_input"), 4000);
      advance(1);
      meter.sample();
      advance(1);
      assertEquals(15.0 + 20.0, meter.stop(), 1e-9);
    }
  }

  @Test
  void readsPowerInputsInMicrowattsWhereTheDriverHasThem() throws IOException {
    Path hwmon = jetsonSensor();
    write(hwmon.resolve("power1_input"), 7_500_000);
    try (Ina3221Meter meter = open(new ArrayList<>(), NEVER)) {
      meter.start();
      advance(2);
      assertEquals(15.0, meter.stop(), 1e-9);
    }
  }

  @Test
  void readsOnlyTheTotalInputRailWhenTheBoardLabelsOne() throws IOException {
    Path hwmon = jetsonSensor();
    rail(hwmon, 1, "VDD_IN", 5000, 1000);
    rail(hwmon, 2, "VDD_CPU_GPU_CV", 5000, 400);
    rail(hwmon, 3, "VDD_SOC", 5000, 300);
    try (Ina3221Meter meter = open(new ArrayList<>(), NEVER)) {
      assertEquals(
          "INA3221 VDD_IN (total input) via " + hwmon + ", sampled every 3600000 ms",
          meter.description());
      meter.start();
      advance(1);
      assertEquals(5.0, meter.stop(), 1e-9);
    }
  }

  @Test
  void sumsEveryConnectedChannelWhenNoneIsTheTotalInput() throws IOException {
    Path hwmon = jetsonSensor();
    rail(hwmon, 1, "GPU", 1000, 1000);
    rail(hwmon, 2, "CPU", 1000, 2000);
    rail(hwmon, 3, "NC", 1000, 9000);
    try (Ina3221Meter meter = open(new ArrayList<>(), NEVER)) {
      assertEquals(
          "INA3221 sum of GPU, CPU via " + hwmon + ", sampled every 3600000 ms",
          meter.description());
      meter.start();
      advance(1);
      assertEquals(3.0, meter.stop(), 1e-9);
    }
  }

  @Test
  void findsASensorThroughTheHwmonClassByItsName() throws IOException {
    Path other = sys.resolve("class/hwmon/hwmon0");
    write(other.resolve("name"), "coretemp");
    write(other.resolve("power1_input"), 99_000_000);
    Path sensor = sys.resolve("class/hwmon/hwmon1");
    write(sensor.resolve("name"), "ina3221");
    rail(sensor, 1, "VDD_IN", 5000, 2000);
    try (Ina3221Meter meter = open(new ArrayList<>(), NEVER)) {
      assertEquals(
          List.of(sensor), meter.channels().stream().map(Ina3221Meter.Channel::hwmon).toList());
    }
  }

  @Test
  void countsASensorListedUnderBothTheDriverAndTheHwmonClassOnce() throws IOException {
    Path hwmon = jetsonSensor();
    write(hwmon.resolve("name"), "ina3221");
    rail(hwmon, 1, "GPU", 1000, 1000);
    Files.createDirectories(sys.resolve("class/hwmon"));
    Files.createSymbolicLink(sys.resolve("class/hwmon/hwmon3"), hwmon);
    try (Ina3221Meter meter = open(new ArrayList<>(), NEVER)) {
      assertEquals(1, meter.channels().size());
    }
  }

  @Test
  void skipsAChannelThatCannotBeRead() throws IOException {
    Path hwmon = jetsonSensor();
    rail(hwmon, 1, "GPU", 1000, 1000);
    rail(hwmon, 2, "CPU", 1000, 1000);
    Files.delete(hwmon.resolve("curr2_input"));
    Files.createDirectory(hwmon.resolve("curr2_input"));
    try (Ina3221Meter meter = open(new ArrayList<>(), NEVER)) {
      assertEquals(
          List.of("GPU"), meter.channels().stream().map(Ina3221Meter.Channel::label).toList());
    }
  }

  @Test
  void isNotUsableWithoutASensor() {
    List<String> notes = new ArrayList<>();
    assertTrue(Ina3221Meter.open(sys, NEVER, clock::get, notes::add).isEmpty());
    assertEquals(
        List.of(
            "INA3221: no ina3221 hwmon device under "
                + sys.resolve("bus/i2c/drivers")
                + " or "
                + sys.resolve("class/hwmon")
                + " (not a Jetson board)"),
        notes);
  }

  @Test
  void closingStopsTheSamplerThread() throws IOException {
    rail(jetsonSensor(), 1, "VDD_IN", 5000, 2000);
    Ina3221Meter meter = open(new ArrayList<>(), Duration.ofMillis(1));
    meter.start();
    assertTrue(meter.sampling());
    meter.close();
    assertFalse(meter.sampling());
    meter.close();
  }
}
