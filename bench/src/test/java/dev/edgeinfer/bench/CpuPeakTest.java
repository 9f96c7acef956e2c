package dev.edgeinfer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuPeakTest {
  private static final String XEON =
      """
      processor\t: %d
      vendor_id\t: GenuineIntel
      model name\t: Intel(R) Xeon(R) Platinum 8480+
      cpu MHz\t\t: 2000.000
      siblings\t: 2
      cpu cores\t: 2
      flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2 avx512f avx512dq avx512bw avx512vl avx_vnni \
      avx512_bf16 avx512_vnni avx512_fp16 amx_bf16 amx_tile amx_int8
      """;
  private static final String DESKTOP =
      """
      processor\t: %d
      vendor_id\t: AuthenticAMD
      model name\t: AMD Ryzen 7 3700X 8-Core Processor
      cpu MHz\t\t: %s
      siblings\t: 16
      cpu cores\t: 8
      flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2 f16c
      """;
  private static final String ARM =
      """
      processor\t: %d
      BogoMIPS\t: 62.50
      Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp
      CPU implementer\t: 0x41
      CPU part\t: 0xd42
      """;

  @TempDir Path root;

  private Path proc(String cpuinfo) throws IOException {
    Path proc = Files.createDirectories(root.resolve("proc"));
    Files.writeString(proc.resolve("cpuinfo"), cpuinfo);
    return proc;
  }

  private Path sys(long... maxKhz) throws IOException {
    Path sys = Files.createDirectories(root.resolve("sys"));
    for (int cpu = 0; cpu < maxKhz.length; cpu++) {
      Path cpufreq =
          Files.createDirectories(sys.resolve("devices/system/cpu/cpu" + cpu + "/cpufreq"));
      Files.writeString(cpufreq.resolve("cpuinfo_max_freq"), maxKhz[cpu] + "\n");
    }
    return sys;
  }

  @Test
  void anAvx512XeonPeaksAtSixteenLanesTimesTwoFmaUnitsAtItsMaximumClock() throws IOException {
    CpuPeak peak =
        CpuPeak.detect(
            proc(XEON.formatted(0) + "\n" + XEON.formatted(1)), sys(2_600_000, 2_600_000), 2);
    assertEquals(166.4, peak.peakGmacPerSecond(), 1e-9);
    assertEquals("2 cores x 2.60 GHz x 2 FMA x 16 lanes (avx512f)", peak.derivation());
    assertEquals("Intel(R) Xeon(R) Platinum 8480+", peak.cpu());
    assertEquals(Optional.empty(), peak.note());
  }

  @Test
  void reportsTheInt8FeaturesOfAnAvx512Xeon() throws IOException {
    CpuPeak peak = CpuPeak.detect(proc(XEON.formatted(0)), sys(2_600_000), 1);
    assertEquals(
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
            "amx_int8"),
        peak.features());
  }

  @Test
  void anAvx2DesktopCountsCoresNotHyperThreadsAndTakesTheFastestCpuMhzWithoutCpufreq()
      throws IOException {
    CpuPeak peak =
        CpuPeak.detect(
            proc(DESKTOP.formatted(0, "2200.000") + "\n" + DESKTOP.formatted(1, "3600.000")),
            root.resolve("no-sys"),
            16);
    assertEquals(8 * 3.6 * 2 * 8, peak.peakGmacPerSecond(), 1e-9);
    assertEquals("8 cores (16 threads) x 3.60 GHz x 2 FMA x 8 lanes (avx2)", peak.derivation());
    assertEquals(List.of("avx", "avx2", "fma"), peak.features());
  }

  @Test
  void anArmBoardUsesFourNeonLanesAndItsBigCoresClock() throws IOException {
    String cpuinfo =
        ARM.formatted(0)
            + "\n"
            + ARM.formatted(1)
            + "\n"
            + ARM.formatted(2)
            + "\n"
            + ARM.formatted(3);
    CpuPeak peak =
        CpuPeak.detect(proc(cpuinfo), sys(1_200_000, 1_200_000, 1_500_000, 1_500_000), 4);
    assertEquals(4 * 1.5 * 2 * 4, peak.peakGmacPerSecond(), 1e-9);
    assertEquals("4 cores x 1.50 GHz x 2 FMA x 4 lanes (asimd)", peak.derivation());
    assertEquals(List.of("asimd", "asimdhp", "asimddp"), peak.features());
    assertEquals("CPU part 0xd42", peak.cpu());
  }

  @Test
  void prefersTheCpufreqMaximumOverTheCurrentCpuMhz() throws IOException {
    CpuPeak peak = CpuPeak.detect(proc(XEON.formatted(0)), sys(3_800_000), 1);
    assertEquals(3.8, peak.ghz(), 1e-9);
  }

  @Test
  void anUnknownCpuGetsAConservativePeakAndANoteSayingWhatWasAssumed() {
    CpuPeak peak = CpuPeak.detect(root.resolve("no-proc"), root.resolve("no-sys"), 2);
    assertEquals("2 cores x 2.00 GHz x 1 FMA x 4 lanes (assumed 128-bit SIMD)", peak.derivation());
    assertEquals(16.0, peak.peakGmacPerSecond(), 1e-9);
    assertEquals("unknown CPU", peak.cpu());
    assertTrue(peak.note().orElseThrow().contains("no CPU flags"), peak.note().orElseThrow());
    assertTrue(peak.note().orElseThrow().contains("assumes 2.0 GHz"), peak.note().orElseThrow());
  }

  @Test
  void rejectsAZeroCoreCount() {
    assertThrows(BenchException.class, () -> CpuPeak.detect(root, root, 0));
  }
}
