package dev.edgeinfer.bench;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Energy from the RAPL counters that Linux exposes under {@code /sys/class/powercap} on Intel and
 * AMD CPUs.
 *
 * <p>Which domains are summed: every top-level {@code package-N} domain, plus top-level {@code
 * dram} domains, which count memory outside the package. Sub-domains ({@code intel-rapl:0:0} core,
 * uncore, ...) are never read, since the package already contains them; {@code intel-rapl-mmio}
 * zones are skipped too, as they repeat the package counter. A top-level {@code psys} (whole
 * platform, including the packages) is used alone, and only when there is no package domain. DRAM
 * that the kernel lists as a sub-domain of a package (some servers) is therefore not counted.
 *
 * <p>Counters are microjoules that wrap at {@code max_energy_range_uj}; a reading lower than the
 * previous one counts as one wrap. A daemon sampler polls every {@link #POLL_INTERVAL} during an
 * interval, so that no counter wraps twice unseen. Thread-safe.
 */
final class RaplMeter implements EnergyMeter {
  static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
  private static final Pattern TOP_LEVEL = Pattern.compile("intel-rapl:(\\d+)");

  /**
   * Reads a sysfs file; injectable because permission errors cannot be provoked for root with a
   * real file.
   */
  @FunctionalInterface
  interface Sysfs {
    String read(Path file) throws IOException;
  }

  /** One counter: its zone name, what it measures, its file and where it wraps. */
  record Domain(String zone, String name, Path energyFile, long maxRangeMicrojoules) {
    Domain {
      if (maxRangeMicrojoules <= 0) {
        throw new BenchException(
            "RAPL " + zone + ": max_energy_range_uj must be positive, got " + maxRangeMicrojoules);
      }
    }
  }

  private final List<Domain> domains;
  private final Path powercap;
  private final Sysfs sysfs;
  private final EnergySampler sampler;
  private final long[] previous;
  private long microjoules;
  private boolean measuring;
  private boolean closed;
  private Optional<String> failure = Optional.empty();

  RaplMeter(List<Domain> domains, Path powercap, Duration pollInterval, Sysfs sysfs) {
    if (domains.isEmpty()) {
      throw new BenchException("RAPL needs at least one domain");
    }
    this.domains = List.copyOf(domains);
    this.powercap = powercap;
    this.sysfs = sysfs;
    this.previous = new long[domains.size()];
    this.sampler = new EnergySampler("edgeinfer-energy-rapl", pollInterval, this::sample);
  }

  /**
   * Opens the RAPL counters under {@code sysfsRoot}, or passes a note saying why they cannot be
   * used.
   */
  static Optional<EnergyMeter> open(Path sysfsRoot, Duration pollInterval, Consumer<String> notes) {
    return open(sysfsRoot, pollInterval, Files::readString, notes);
  }

  static Optional<EnergyMeter> open(
      Path sysfsRoot, Duration pollInterval, Sysfs sysfs, Consumer<String> notes) {
    Path powercap = sysfsRoot.resolve("class/powercap");
    List<Path> zones = topLevelZones(powercap);
    if (zones.isEmpty()) {
      notes.accept(
          "RAPL: no RAPL domains under "
              + powercap
              + " (not an Intel/AMD CPU, or a VM or container without powercap)");
      return Optional.empty();
    }
    Path file = powercap;
    try {
      List<Domain> packages = new ArrayList<>();
      List<Domain> drams = new ArrayList<>();
      List<Domain> platforms = new ArrayList<>();
      List<String> found = new ArrayList<>();
      for (Path zone : zones) {
        file = zone.resolve("name");
        String name = sysfs.read(file).trim();
        found.add(name);
        boolean wanted = name.startsWith("package") || name.equals("dram") || name.equals("psys");
        if (!wanted) {
          continue;
        }
        file = zone.resolve("max_energy_range_uj");
        long range = number(sysfs.read(file), file);
        Domain domain =
            new Domain(zone.getFileName().toString(), name, zone.resolve("energy_uj"), range);
        file = domain.energyFile();
        number(sysfs.read(file), file);
        (name.startsWith("package") ? packages : name.equals("dram") ? drams : platforms)
            .add(domain);
      }
      List<Domain> chosen = new ArrayList<>(packages.isEmpty() ? platforms : packages);
      chosen.addAll(drams);
      if (chosen.isEmpty()) {
        notes.accept(
            "RAPL: no package, dram or psys domain under " + powercap + " (found " + found + ")");
        return Optional.empty();
      }
      return Optional.of(new RaplMeter(chosen, powercap, pollInterval, sysfs));
    } catch (AccessDeniedException e) {
      notes.accept(
          "RAPL: "
              + file
              + " is readable by root only; run `sudo chmod o+r "
              + powercap
              + "/intel-rapl:*/energy_uj` (or a udev rule) to measure energy");
    } catch (IOException e) {
      notes.accept("RAPL: cannot read " + file + " (" + e + ")");
    } catch (NumberFormatException e) {
      notes.accept("RAPL: " + file + " does not hold a counter (" + e.getMessage() + ")");
    }
    return Optional.empty();
  }

  private static List<Path> topLevelZones(Path powercap) {
    if (!Files.isDirectory(powercap)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(powercap)) {
      return entries
          .filter(p -> TOP_LEVEL.matcher(p.getFileName().toString()).matches())
          .sorted(Comparator.comparingInt(RaplMeter::zoneNumber))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static int zoneNumber(Path zone) {
    Matcher m = TOP_LEVEL.matcher(zone.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
  }

  private static long number(String text, Path file) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new NumberFormatException("'" + text.trim() + "' in " + file);
    }
  }

  /** The domains summed, in zone order. */
  List<Domain> domains() {
    return domains;
  }

  @Override
  public String source() {
    return "rapl";
  }

  @Override
  public String description() {
    return "RAPL "
        + String.join(", ", domains.stream().map(Domain::name).toList())
        + " via "
        + powercap;
  }

  @Override
  public void start() {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the RAPL meter is closed");
      }
      microjoules = 0;
      failure = Optional.empty();
      for (int i = 0; i < domains.size(); i++) {
        previous[i] = read(domains.get(i));
      }
      measuring = true;
    }
    sampler.ensureStarted();
  }

  @Override
  public synchronized double stop() {
    if (!measuring) {
      throw new IllegalStateException("the RAPL meter has no open interval; call start() first");
    }
    sample();
    measuring = false;
    if (failure.isPresent()) {
      throw new BenchException(failure.get());
    }
    return microjoules / 1e6;
  }

  /**
   * Adds what every counter advanced since the last poll, counting one wrap where a counter went
   * down.
   */
  synchronized void sample() {
    if (!measuring || failure.isPresent()) {
      return;
    }
    try {
      for (int i = 0; i < domains.size(); i++) {
        Domain domain = domains.get(i);
        long now = number(sysfs.read(domain.energyFile()), domain.energyFile());
        long delta = now - previous[i];
        microjoules += delta >= 0 ? delta : delta + domain.maxRangeMicrojoules();
        previous[i] = now;
      }
    } catch (IOException | NumberFormatException e) {
      failure =
          Optional.of(
              "RAPL: reading the energy counters failed during the measurement ("
                  + e
                  + "); energy for this run is unknown");
    }
  }

  private long read(Domain domain) {
    try {
      return number(sysfs.read(domain.energyFile()), domain.energyFile());
    } catch (IOException | NumberFormatException e) {
      throw new BenchException("RAPL: cannot read " + domain.energyFile() + " (" + e + ")");
    }
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
