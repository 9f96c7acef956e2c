package dev.edgeinfer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The fp32 multiply-accumulate peak of the CPU cores a process may use, for a roofline's {@code
 * %_of_peak}: cores × GHz × FMA units × fp32 lanes, with the vector width taken from the CPU's
 * flags.
 *
 * <p>It is an upper bound by design, so that a model never appears to beat the machine: the fastest
 * core's maximum clock, two FMA units on AVX2/AVX-512 and ARMv8 SIMD (some Xeon Silver/Bronze and
 * small ARM cores have one, and AVX-512 code often runs at a lower clock). Hyper-threads share
 * their core's units, so logical CPUs are scaled down to cores when {@code /proc/cpuinfo} shows
 * SMT. Where the flags or the clock are unknown the peak assumes a 128-bit baseline or 2 GHz and
 * says so in {@link #note()}.
 *
 * @param cpu the model name
 * @param cores physical cores the peak counts
 * @param threads logical CPUs available to the process
 * @param ghz the clock the peak assumes
 * @param fmaUnits fused multiply-add units per core (1 where there is no FMA)
 * @param lanes fp32 lanes per vector: 16 for AVX-512, 8 for AVX/AVX2, 4 for SSE and NEON
 * @param vectorSet the instruction set the lanes come from, e.g. {@code avx512f}
 * @param features the vector features found, lower case, including int8 ones ({@code avx512_vnni},
 *     {@code avx_vnni}, {@code amx_int8}, {@code asimddp}, {@code i8mm}) for int8 work
 * @param note what had to be assumed, if anything
 */
public record CpuPeak(
    String cpu,
    int cores,
    int threads,
    double ghz,
    int fmaUnits,
    int lanes,
    String vectorSet,
    List<String> features,
    Optional<String> note) {
  private static final double ASSUMED_GHZ = 2.0;
  private static final List<String> RELEVANT =
      List.of(
          "avx",
          "avx2",
          "fma",
          "avx512f",
          "avx512_bf16",
          "avx512_fp16",
          "avx512_vnni",
          "avx_vnni",
          "amx_tile",
          "amx_bf16",
          "amx_int8",
          "neon",
          "vfpv4",
          "asimd",
          "asimdhp",
          "asimddp",
          "i8mm",
          "bf16",
          "sve",
          "sve2");
  private static final Pattern CPU_FOLDER = Pattern.compile("cpu\\d+");
  private static final Pattern NOMINAL_GHZ = Pattern.compile("@\\s*(\\d+(?:\\.\\d+)?)\\s*GHz");

  public CpuPeak {
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(vectorSet, "vectorSet");
    Objects.requireNonNull(note, "note");
    if (cores < 1 || threads < cores) {
      throw new BenchException(
          "a CPU peak needs 1 <= cores <= threads, got "
              + cores
              + " cores, "
              + threads
              + " threads");
    }
    if (!(ghz > 0) || Double.isInfinite(ghz)) {
      throw new BenchException("CPU clock must be a positive number of GHz, got " + ghz);
    }
    if (fmaUnits < 1 || lanes < 1) {
      throw new BenchException(
          "FMA units and lanes must be >= 1, got " + fmaUnits + " and " + lanes);
    }
    features = List.copyOf(features);
  }

  /** Peak fp32 multiply-accumulates per second, in billions. */
  public double peakGmacPerSecond() {
    return cores * ghz * fmaUnits * lanes;
  }

  /** How the peak was computed, e.g. {@code 2 cores x 2.60 GHz x 2 FMA x 16 lanes (avx512f)}. */
  public String derivation() {
    String count =
        cores
            + (cores == 1 ? " core" : " cores")
            + (threads > cores ? " (" + threads + " threads)" : "");
    return String.format(
        Locale.ROOT,
        "%s x %.2f GHz x %d FMA x %d lanes (%s)",
        count,
        ghz,
        fmaUnits,
        lanes,
        vectorSet);
  }

  /**
   * Reads {@code <procRoot>/cpuinfo} and the cpufreq limits under {@code
   * <sysfsRoot>/devices/system/cpu}.
   *
   * @param cores logical CPUs the process may use, e.g. {@link Runtime#availableProcessors()}
   */
  public static CpuPeak detect(Path procRoot, Path sysfsRoot, int cores) {
    if (cores < 1) {
      throw new BenchException("core count must be >= 1, got " + cores);
    }
    Path cpuinfoFile = procRoot.resolve("cpuinfo");
    List<String> cpuinfo = lines(cpuinfoFile);
    List<String> notes = new ArrayList<>();

    Optional<String> x86Flags = field(cpuinfo, "flags");
    Optional<String> armFeatures = field(cpuinfo, "Features");
    Set<String> flags =
        Arrays.stream(x86Flags.or(() -> armFeatures).orElse("").split("\\s+"))
            .map(f -> f.toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
    List<String> features = RELEVANT.stream().filter(flags::contains).toList();
    boolean fma = flags.contains("fma");
    int fmaUnits;
    int lanes;
    String vectorSet;
    if (x86Flags.isPresent() && flags.contains("avx512f")) {
      fmaUnits = 2;
      lanes = 16;
      vectorSet = "avx512f";
    } else if (x86Flags.isPresent() && (flags.contains("avx2") || flags.contains("avx"))) {
      fmaUnits = fma ? 2 : 1;
      lanes = 8;
      vectorSet = flags.contains("avx2") ? "avx2" : "avx";
    } else if (x86Flags.isPresent()) {
      fmaUnits = 1;
      lanes = 4;
      vectorSet = "sse";
    } else if (flags.contains("asimd")) {
      fmaUnits = 2;
      lanes = 4;
      vectorSet = "asimd";
    } else if (flags.contains("neon")) {
      fmaUnits = 1;
      lanes = 4;
      vectorSet = "neon";
    } else {
      fmaUnits = 1;
      lanes = 4;
      vectorSet = "assumed 128-bit SIMD";
      notes.add(
          "no CPU flags in "
              + cpuinfoFile
              + "; the peak assumes 4 fp32 lanes and 1 FMA unit, so %_of_peak "
              + "may be overstated");
    }

    String cpu =
        field(cpuinfo, "model name")
            .or(() -> field(cpuinfo, "Model"))
            .or(() -> field(cpuinfo, "Hardware"))
            .or(() -> field(cpuinfo, "CPU part").map(part -> "CPU part " + part))
            .orElse("unknown CPU");

    double ghz =
        maxFrequencyKhz(sysfsRoot)
            .map(khz -> khz / 1e6)
            .or(
                () ->
                    cpuinfo.stream()
                        .filter(l -> key(l).equals("cpu MHz"))
                        .map(CpuPeak::value)
                        .flatMap(v -> parse(v).stream())
                        .max(Double::compare)
                        .map(mhz -> mhz / 1e3))
            .or(() -> nominalGhz(cpu))
            .orElseGet(
                () -> {
                  notes.add(
                      String.format(
                          Locale.ROOT,
                          "no CPU clock in cpufreq or %s; the peak assumes %.1f GHz",
                          cpuinfoFile,
                          ASSUMED_GHZ));
                  return ASSUMED_GHZ;
                });

    int threadsPerCore = 1;
    Optional<Double> siblings = field(cpuinfo, "siblings").flatMap(CpuPeak::parse);
    Optional<Double> coresPerPackage = field(cpuinfo, "cpu cores").flatMap(CpuPeak::parse);
    if (siblings.isPresent()
        && coresPerPackage.isPresent()
        && coresPerPackage.get() > 0
        && siblings.get() > coresPerPackage.get()) {
      threadsPerCore = (int) Math.round(siblings.get() / coresPerPackage.get());
    }
    int physical = Math.max(1, (cores + threadsPerCore - 1) / threadsPerCore);
    return new CpuPeak(
        cpu,
        physical,
        cores,
        ghz,
        fmaUnits,
        lanes,
        vectorSet,
        features,
        notes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", notes)));
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * The highest {@code cpuinfo_max_freq} of any CPU, so big.LITTLE parts count their big cores'
   * clock.
   */
  private static Optional<Double> maxFrequencyKhz(Path sysfsRoot) {
    Path cpus = sysfsRoot.resolve("devices/system/cpu");
    if (!Files.isDirectory(cpus)) {
      return Optional.empty();
    }
    try (Stream<Path> entries = Files.list(cpus)) {
      return entries
          .filter(p -> CPU_FOLDER.matcher(p.getFileName().toString()).matches())
          .map(p -> p.resolve("cpufreq/cpuinfo_max_freq"))
          .flatMap(
              file -> {
                try {
                  return parse(Files.readString(file)).stream();
                } catch (IOException e) {
                  return Stream.empty();
                }
              })
          .filter(khz -> khz > 0)
          .max(Double::compare);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<Double> nominalGhz(String cpu) {
    Matcher m = NOMINAL_GHZ.matcher(cpu);
    return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
  }

  private static Optional<String> field(List<String> cpuinfo, String key) {
    return cpuinfo.stream()
        .filter(l -> key(l).equals(key))
        .map(CpuPeak::value)
        .filter(v -> !v.isEmpty())
        .findFirst();
  }

  private static String key(String line) {
    int colon = line.indexOf(':');
    return colon < 0 ? "" : line.substring(0, colon).trim();
  }

  private static String value(String line) {
    return line.substring(line.indexOf(':') + 1).trim();
  }

  private static Optional<Double> parse(String text) {
    try {
      double value = Double.parseDouble(text.trim());
      return Double.isFinite(value) ? Optional.of(value) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
