package dev.edgeinfer.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Energy the machine spends over a measured interval, so a benchmark can report joules per
 * inference next to latency. Implementations read a hardware counter where the machine has a
 * readable one (Intel/AMD RAPL, an NVIDIA GPU's total-energy counter, a Jetson's INA3221 power
 * monitor) and otherwise estimate from process CPU time, saying so in {@link #source()} and {@link
 * #description()}.
 *
 * <p>One interval at a time: call {@link #start()}, run the work, then {@link #stop()}; intervals
 * may repeat. Meters that poll run a daemon sampler thread, which {@link #close()} stops.
 * Thread-safety: {@code start}, {@code stop} and {@code close} may be called from any thread, but
 * an interval is meant to be opened and closed by one caller.
 */
public interface EnergyMeter extends AutoCloseable {

  /**
   * Where the joules come from: {@code rapl}, {@code nvml}, {@code ina3221} or {@code estimate}.
   */
  String source();

  /**
   * What is read, for a report reader to judge the figure, e.g. {@code RAPL package-0, dram via
   * /sys/class/powercap} or {@code estimate: process CPU time x 15.0 W per core}.
   */
  String description();

  /**
   * Begins an interval, discarding one that was open.
   *
   * @throws IllegalStateException if the meter is closed
   */
  void start();

  /**
   * Ends the open interval.
   *
   * @return joules consumed since {@link #start()}
   * @throws IllegalStateException if no interval is open
   * @throws BenchException if the counter stopped being readable during the interval
   */
  double stop();

  /** Stops any sampler thread. Idempotent. */
  @Override
  void close();

  /**
   * Picks the most direct meter this machine can read, in this order: NVML (only when the model
   * runs on a GPU), RAPL, INA3221, and last the CPU-time estimate, which always works. Each meter
   * tried and skipped passes one line to {@code notes} saying why (and, where access is the
   * problem, how to grant it).
   */
  static EnergyMeter detect(Options options, Consumer<String> notes) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(notes, "notes");
    if (options.gpu()) {
      Optional<EnergyMeter> nvml = NvmlMeter.open(options.nvidiaSmi(), notes);
      if (nvml.isPresent()) {
        return nvml.get();
      }
    }
    return RaplMeter.open(options.sysfsRoot(), RaplMeter.POLL_INTERVAL, notes)
        .or(
            () ->
                Ina3221Meter.open(
                    options.sysfsRoot(), options.samplingInterval(), options.nanoClock(), notes))
        .orElseGet(
            () ->
                new CpuTimeEstimate(
                    options.wattsPerCore(), CpuTimeEstimate.processCpuNanos(options.procRoot())));
  }

  /**
   * Where and how {@link #detect} looks for energy counters.
   *
   * @param sysfsRoot the sysfs mount, {@code /sys}; tests point it at a fake tree
   * @param procRoot the procfs mount, {@code /proc}; read by the estimate when the JVM cannot
   *     report its CPU time
   * @param wattsPerCore power of one fully busy core, for the estimate; must be > 0
   * @param gpu whether the model runs on a GPU execution provider, so the GPU's own counter is the
   *     one to read
   * @param nanoClock monotonic nanoseconds, for integrating sampled power
   * @param samplingInterval how often sampled power (INA3221) is read; must be > 0
   * @param nvidiaSmi the {@code nvidia-smi} command, looked up on {@code PATH} unless it is a path
   */
  record Options(
      Path sysfsRoot,
      Path procRoot,
      double wattsPerCore,
      boolean gpu,
      LongSupplier nanoClock,
      Duration samplingInterval,
      String nvidiaSmi) {
    public Options {
      Objects.requireNonNull(sysfsRoot, "sysfsRoot");
      Objects.requireNonNull(procRoot, "procRoot");
      Objects.requireNonNull(nanoClock, "nanoClock");
      Objects.requireNonNull(samplingInterval, "samplingInterval");
      Objects.requireNonNull(nvidiaSmi, "nvidiaSmi");
      if (!(wattsPerCore > 0) || Double.isInfinite(wattsPerCore)) {
        throw new BenchException(
            String.format(
                Locale.ROOT,
                "watts per core must be a positive number, got %s; "
                    + "pass the power of one busy core, e.g. 15",
                wattsPerCore));
      }
      if (samplingInterval.isNegative() || samplingInterval.isZero()) {
        throw new BenchException(
            "energy sampling interval must be positive, got " + samplingInterval);
      }
      if (nvidiaSmi.isBlank()) {
        throw new BenchException("the nvidia-smi command must not be blank");
      }
    }

    /**
     * {@code /sys}, {@code /proc}, 15 W per core, CPU model, {@link System#nanoTime}, 50 ms, {@code
     * nvidia-smi}.
     */
    public static Options defaults() {
      return new Options(
          Path.of("/sys"),
          Path.of("/proc"),
          15.0,
          false,
          System::nanoTime,
          Duration.ofMillis(50),
          "nvidia-smi");
    }

    public Options withSysfsRoot(Path sysfsRoot) {
      return new Options(
          sysfsRoot, procRoot, wattsPerCore, gpu, nanoClock, samplingInterval, nvidiaSmi);
    }

    public Options withProcRoot(Path procRoot) {
      return new Options(
          sysfsRoot, procRoot, wattsPerCore, gpu, nanoClock, samplingInterval, nvidiaSmi);
    }

    public Options withWattsPerCore(double wattsPerCore) {
      return new Options(
          sysfsRoot, procRoot, wattsPerCore, gpu, nanoClock, samplingInterval, nvidiaSmi);
    }

    public Options withGpu(boolean gpu) {
      return new Options(
          sysfsRoot, procRoot, wattsPerCore, gpu, nanoClock, samplingInterval, nvidiaSmi);
    }

    public Options withNanoClock(LongSupplier nanoClock) {
      return new Options(
          sysfsRoot, procRoot, wattsPerCore, gpu, nanoClock, samplingInterval, nvidiaSmi);
    }

    public Options withSamplingInterval(Duration samplingInterval) {
      return new Options(
          sysfsRoot, procRoot, wattsPerCore, gpu, nanoClock, samplingInterval, nvidiaSmi);
    }

    public Options withNvidiaSmi(String nvidiaSmi) {
      return new Options(
          sysfsRoot, procRoot, wattsPerCore, gpu, nanoClock, samplingInterval, nvidiaSmi);
    }
  }
}
