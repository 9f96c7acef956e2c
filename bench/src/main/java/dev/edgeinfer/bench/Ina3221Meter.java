package dev.edgeinfer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Energy from the INA3221 power monitors of NVIDIA Jetson boards, read through Linux hwmon: power
 * is sampled on a daemon thread every sampling interval and integrated over time (trapezoid rule)
 * on the injected clock.
 *
 * <p>It measures only the rails the board wires to the sensor. Where a channel is labelled as the
 * total input ({@code VDD_IN}, {@code POM_5V_IN}, or any label ending in {@code _IN}), that channel
 * alone is read, since the other rails are part of it; otherwise all connected channels are summed,
 * which on boards such as the AGX Xavier covers the main rails but not the whole module. A
 * channel's power is {@code power<i>_input} (µW) where the driver has it, else {@code in<i>_input}
 * (mV) × {@code curr<i>_input} (mA). Thread-safe.
 */
final class Ina3221Meter implements EnergyMeter {

  /** One sensor channel: its label, the hwmon folder it is in and its index there (1 to 3). */
  record Channel(String label, Path hwmon, int index) {
    Channel {
      if (index < 1 || index > 3) {
        throw new BenchException("INA3221 channel index must be 1 to 3, got " + index);
      }
    }

    /** Instantaneous power in microwatts. */
    double microwatts() throws IOException {
      Path power = hwmon.resolve("power" + index + "_input");
      if (Files.exists(power)) {
        return number(power);
      }
      return number(hwmon.resolve("in" + index + "_input"))
          * (double) number(hwmon.resolve("curr" + index + "_input"));
    }

    boolean totalInput() {
      String upper = label.toUpperCase(Locale.ROOT);
      return upper.equals("VDD_IN") || upper.equals("IN") || upper.endsWith("_IN");
    }
  }

  private final List<Channel> channels;
  private final Duration samplingInterval;
  private final LongSupplier nanoClock;
  private final EnergySampler sampler;
  private double lastMicrowatts;
  private long lastNanos;
  private double joules;
  private boolean measuring;
  private boolean closed;
  private Optional<String> failure = Optional.empty();

  Ina3221Meter(List<Channel> channels, Duration samplingInterval, LongSupplier nanoClock) {
    if (channels.isEmpty()) {
      throw new BenchException("INA3221 needs at least one channel");
    }
    this.channels = List.copyOf(channels);
    this.samplingInterval = samplingInterval;
    this.nanoClock = nanoClock;
    this.sampler = new EnergySampler("edgeinfer-energy-ina3221", samplingInterval, this::sample);
  }

  /**
   * Opens the INA3221 sensors under {@code sysfsRoot}, or passes a note saying why there are none
   * to read.
   */
  static Optional<EnergyMeter> open(
      Path sysfsRoot, Duration samplingInterval, LongSupplier nanoClock, Consumer<String> notes) {
    List<Path> sensors = sensors(sysfsRoot);
    if (sensors.isEmpty()) {
      notes.accept(
          "INA3221: no ina3221 hwmon device under "
              + sysfsRoot.resolve("bus/i2c/drivers")
              + " or "
              + sysfsRoot.resolve("class/hwmon")
              + " (not a Jetson board)");
      return Optional.empty();
    }
    List<Channel> readable = new ArrayList<>();
    for (Path hwmon : sensors) {
      for (int i = 1; i <= 3; i++) {
        boolean wired =
            Files.exists(hwmon.resolve("power" + i + "_input"))
                || Files.exists(hwmon.resolve("in" + i + "_input"))
                    && Files.exists(hwmon.resolve("curr" + i + "_input"));
        String label = label(hwmon, i);
        if (!wired || label.equalsIgnoreCase("NC")) {
          continue;
        }
        Channel channel = new Channel(label, hwmon, i);
        try {
          channel.microwatts();
          readable.add(channel);
        } catch (IOException | NumberFormatException e) {
          // a disabled channel: the driver answers reads with an error
        }
      }
    }
    if (readable.isEmpty()) {
      notes.accept("INA3221: found " + sensors + " but none of its channels could be read");
      return Optional.empty();
    }
    List<Channel> chosen =
        readable.stream().filter(Channel::totalInput).findFirst().map(List::of).orElse(readable);
    return Optional.of(new Ina3221Meter(chosen, samplingInterval, nanoClock));
  }

  /**
   * hwmon folders of INA3221 sensors, found through the i2c driver and through the hwmon class,
   * without repeats.
   */
  private static List<Path> sensors(Path sysfsRoot) {
    Map<Path, Path> byRealPath = new LinkedHashMap<>();
    for (Path driver : list(sysfsRoot.resolve("bus/i2c/drivers"))) {
      if (!driver.getFileName().toString().startsWith("ina3221")) {
        continue;
      }
      for (Path device : list(driver)) {
        for (Path hwmon : list(device.resolve("hwmon"))) {
          if (hwmon.getFileName().toString().startsWith("hwmon")) {
            byRealPath.putIfAbsent(realPath(hwmon), hwmon);
          }
        }
      }
    }
    for (Path hwmon : list(sysfsRoot.resolve("class/hwmon"))) {
      if (hwmon.getFileName().toString().startsWith("hwmon")
          && text(hwmon.resolve("name")).equals("ina3221")) {
        byRealPath.putIfAbsent(realPath(hwmon), hwmon);
      }
    }
    return List.copyOf(byRealPath.values());
  }

  private static String label(Path hwmon, int index) {
    for (String file :
        List.of("in" + index + "_label", "curr" + index + "_label", "power" + index + "_label")) {
      String label = text(hwmon.resolve(file));
      if (!label.isEmpty()) {
        return label;
      }
    }
    return "channel " + index + " of " + hwmon.getFileName();
  }

  private static List<Path> list(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }

  private static String text(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file).trim() : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static long number(Path file) throws IOException {
    String text = Files.readString(file).trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new NumberFormatException("'" + text + "' in " + file);
    }
  }

  /** The channels summed. */
  List<Channel> channels() {
    return channels;
  }

  @Override
  public String source() {
    return "ina3221";
  }

  @Override
  public String description() {
    String rails =
        channels.size() == 1 && channels.get(0).totalInput()
            ? channels.get(0).label() + " (total input)"
            : "sum of " + String.join(", ", channels.stream().map(Channel::label).toList());
    List<String> folders = channels.stream().map(c -> c.hwmon().toString()).distinct().toList();
    return "INA3221 "
        + rails
        + " via "
        + String.join(", ", folders)
        + ", sampled every "
        + samplingInterval.toMillis()
        + " ms";
  }

  @Override
  public void start() {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the INA3221 meter is closed");
      }
      failure = Optional.empty();
      joules = 0;
      try {
        lastMicrowatts = microwatts();
      } catch (IOException | NumberFormatException e) {
        throw new BenchException("INA3221: cannot read power (" + e + ")");
      }
      lastNanos = nanoClock.getAsLong();
      measuring = true;
    }
    sampler.ensureStarted();
  }

  @Override
  public synchronized double stop() {
    if (!measuring) {
      throw new IllegalStateException("the INA3221 meter has no open interval; call start() first");
    }
    sample();
    measuring = false;
    if (failure.isPresent()) {
      throw new BenchException(failure.get());
    }
    return joules;
  }

  /**
   * Reads power now and adds the energy since the previous reading, as the trapezoid between the
   * two.
   */
  synchronized void sample() {
    if (!measuring || failure.isPresent()) {
      return;
    }
    try {
      double microwatts = microwatts();
      long nanos = nanoClock.getAsLong();
      joules += (lastMicrowatts + microwatts) / 2 / 1e6 * ((nanos - lastNanos) / 1e9);
      lastMicrowatts = microwatts;
      lastNanos = nanos;
    } catch (IOException | NumberFormatException e) {
      failure =
          Optional.of(
              "INA3221: reading power failed during the measurement ("
                  + e
                  + "); energy for this run is unknown");
    }
  }

  private double microwatts() throws IOException {
    double sum = 0;
    for (Channel channel : channels) {
      sum += channel.microwatts();
    }
    return sum;
  }

  /** Whether the sampler thread runs, for tests. */
  boolean sampling() {
    return sampler.running();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      measuring = false;
    }
    sampler.close();
  }
}
