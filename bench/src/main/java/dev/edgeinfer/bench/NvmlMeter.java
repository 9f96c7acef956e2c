package dev.edgeinfer.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Energy from NVIDIA GPUs' total-energy counter (NVML's {@code
 * nvmlDeviceGetTotalEnergyConsumption}, millijoules since the driver loaded), read through {@code
 * nvidia-smi} at the start and end of an interval so that no native binding is needed. It covers
 * the GPU boards only, summed over every GPU the driver lists, not the host CPU or memory; the
 * counter needs a Volta or newer GPU. Thread-safe.
 */
final class NvmlMeter implements EnergyMeter {
  static final List<String> QUERY =
      List.of("--query-gpu=total_energy_consumption", "--format=csv,noheader,nounits");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Why the counter could not be read, as a line for the user. */
  private static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  /** The counters' sum and how many GPUs reported one. */
  private record Reading(double millijoules, int gpus) {}

  private final String nvidiaSmi;
  private final int gpus;
  private double startMillijoules;
  private boolean measuring;
  private boolean closed;

  private NvmlMeter(String nvidiaSmi, int gpus) {
    this.nvidiaSmi = nvidiaSmi;
    this.gpus = gpus;
  }

  /**
   * Opens the counter through {@code nvidiaSmi} (a command on {@code PATH} or a path), or passes a
   * note saying why it cannot be read.
   */
  static Optional<EnergyMeter> open(String nvidiaSmi, Consumer<String> notes) {
    try {
      return Optional.of(new NvmlMeter(nvidiaSmi, query(nvidiaSmi).gpus()));
    } catch (Unreadable e) {
      notes.accept("NVML: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Reading query(String nvidiaSmi) throws Unreadable {
    List<String> command = new ArrayList<>();
    command.add(nvidiaSmi);
    command.addAll(QUERY);
    String shown = "`" + String.join(" ", command) + "`";
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new Unreadable(
          nvidiaSmi
              + " cannot be run ("
              + e.getMessage().strip()
              + "); GPU energy needs the NVIDIA driver's nvidia-smi on PATH");
    }
    String output;
    try {
      process.getOutputStream().close();
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new Unreadable(shown + " did not answer within " + TIMEOUT.toSeconds() + " s");
      }
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new Unreadable(shown + " could not be read (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new Unreadable(shown + " was interrupted");
    }
    if (process.exitValue() != 0) {
      throw new Unreadable(
          shown + " exited with " + process.exitValue() + ": " + firstLine(output));
    }
    double sum = 0;
    int gpus = 0;
    for (String line : output.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        sum += Double.parseDouble(line.trim());
        gpus++;
      } catch (NumberFormatException e) {
        throw new Unreadable(
            "nvidia-smi reports no total energy counter ('"
                + line.trim()
                + "'); it needs a Volta or newer GPU");
      }
    }
    if (gpus == 0) {
      throw new Unreadable(shown + " listed no GPU");
    }
    return new Reading(sum, gpus);
  }

  private static String firstLine(String output) {
    String line = output.lines().findFirst().orElse("").strip();
    return line.isEmpty() ? "no output" : line;
  }

  @Override
  public String source() {
    return "nvml";
  }

  @Override
  public String description() {
    return "NVML total_energy_consumption of "
        + gpus
        + (gpus == 1 ? " GPU" : " GPUs")
        + " via "
        + nvidiaSmi
        + " (GPU board only)";
  }

  @Override
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("the NVML meter is closed");
    }
    startMillijoules = read();
    measuring = true;
  }

  @Override
  public synchronized double stop() {
    if (!measuring) {
      throw new IllegalStateException("the NVML meter has no open interval; call start() first");
    }
    measuring = false;
    return (read() - startMillijoules) / 1e3;
  }

  private double read() {
    try {
      return query(nvidiaSmi).millijoules();
    } catch (Unreadable e) {
      throw new BenchException("NVML: " + e.getMessage() + "; energy for this run is unknown");
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    measuring = false;
  }
}
