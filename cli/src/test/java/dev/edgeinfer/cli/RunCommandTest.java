package dev.edgeinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void runWithNoModelStreamsTheBundledDigitsAndReportsAccuracy(@TempDir Path dir)
      throws IOException {
    Path summary = dir.resolve("summary.json");
    Cli.Result r = Cli.run("run", "--fps", "0", "--summary-json", summary.toString());
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stdout().contains("accuracy"), r.stdout());
    JsonNode s = json.readTree(summary.toFile());
    assertEquals(360, s.get("samples").asLong());
    assertTrue(s.get("accuracy").asDouble() >= 0.97, s.toString());
    assertTrue(s.get("throughput_per_s").asDouble() > 0);
    assertTrue(s.get("startup_ms").asDouble() > 0);
    assertTrue(s.get("peak_rss_mb").asDouble() > 0);
    for (String p : new String[] {"p50", "p90", "p99", "max", "mean"}) {
      assertTrue(s.get("latency_ms").has(p), p);
    }
  }

  @Test
  void aPacedRunPrintsPlainStatusLinesWhenNotATerminal() {
    Cli.Result r = Cli.run("run", "--fps", "30", "--max-samples", "45");
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(
        r.stdout()
            .lines()
            .anyMatch(l -> l.contains("samples") && l.contains("/s") && l.contains("p99")),
        r.stdout());
    assertTrue(r.stdout().contains("45 in"), r.stdout());
  }

  @Test
  void npyWithLabelsAndAJsonlSinkWriteOneLinePerResult(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("out.jsonl");
    Cli.Result r =
        Cli.run(
            "run",
            "--model",
            Cli.DIGITS.toString(),
            "--source",
            "npy:"
                + Cli.DIGITS_DIR.resolve("test_x.npy")
                + ":"
                + Cli.DIGITS_DIR.resolve("test_y.npy"),
            "--sink",
            "jsonl:" + out,
            "--max-samples",
            "10");
    assertEquals(0, r.exitCode(), r.stderr());
    var lines = Files.readAllLines(out).stream().filter(l -> !l.isBlank()).toList();
    assertEquals(10, lines.size());
    JsonNode first = json.readTree(lines.getFirst());
    assertTrue(
        first.has("id")
            && first.has("captured_at")
            && first.has("latency_ms")
            && first.has("result"));
  }

  @Test
  void anImageFolderRunsAndACorruptImageIsSkippedWithAWarningAndExitOne(@TempDir Path dir)
      throws IOException {
    try (var files = Files.list(Cli.DIGITS_DIR.resolve("images"))) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Cli.Result ok = Cli.run("run", "--model", Cli.DIGITS.toString(), "--source", "images:" + dir);
    assertEquals(0, ok.exitCode(), ok.stderr());
    assertTrue(ok.stdout().contains("accuracy   100.00 %"), ok.stdout());
    Files.write(dir.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
    Cli.Result bad = Cli.run("run", "--model", Cli.DIGITS.toString(), "--source", "images:" + dir);
    assertEquals(1, bad.exitCode(), bad.stderr());
    assertEquals(1, bad.errorLines().size(), bad.stderr());
    assertTrue(bad.stderr().contains("broken.jpg"), bad.stderr());
    assertTrue(bad.stdout().contains("failed 1"), bad.stdout());
  }
}
