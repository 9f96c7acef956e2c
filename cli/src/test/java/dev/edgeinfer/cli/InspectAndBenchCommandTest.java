package dev.edgeinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectAndBenchCommandTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void inspectReportsInputsOutputsOperatorsParametersAndMacs() throws IOException {
    Cli.Result text = Cli.run("inspect", Cli.DIGITS.toString());
    assertEquals(0, text.exitCode(), text.stderr());
    assertTrue(
        text.stdout().contains("image")
            && text.stdout().contains("logits")
            && text.stdout().contains("Conv"),
        text.stdout());
    Cli.Result r = Cli.run("inspect", Cli.DIGITS.toString(), "--json");
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode s = json.readTree(r.stdout());
    assertEquals(17, s.get("opset").asInt());
    assertEquals("image", s.get("inputs").get(0).get("name").asText());
    assertEquals("batch", s.get("inputs").get(0).get("shape").get(0).asText());
    assertEquals(2, s.get("op_types").get("Conv").asInt());
    long macs = 16L * 64 * 9 + 32L * 64 * 16 * 9 + 512L * 64 + 64L * 10;
    assertEquals(macs, s.get("macs").asLong());
    long params = 16 * 9 + 16 + 32 * 16 * 9 + 32 + 512 * 64 + 64 + 64 * 10 + 10;
    assertEquals(params, s.get("parameters").asLong());
    assertTrue(s.get("file_bytes").asLong() > 100_000);
  }

  @Test
  void benchSingleStreamWritesTheDocumentedJson(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("bench.json");
    Cli.Result r =
        Cli.run(
            "bench",
            Cli.DIGITS.toString(),
            "--scenario",
            "single-stream",
            "--duration",
            "1s",
            "--warmup",
            "200ms",
            "--threads",
            "1",
            "--json",
            out.toString());
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode s = json.readTree(out.toFile());
    assertEquals("single-stream", s.get("scenario").asText());
    assertEquals(1, s.get("batch").asInt());
    assertEquals(1, s.get("threads").asInt());
    assertEquals("cpu", s.get("provider").asText());
    assertTrue(s.get("samples").asLong() >= 100);
    assertTrue(s.get("throughput_per_s").asDouble() > 0);
    assertTrue(
        s.get("latency_ms").get("p99").asDouble() >= s.get("latency_ms").get("p50").asDouble());
  }

  @Test
  void benchOfflineSweepsBatchSizesAndComparesWithABareOrtLoop(@TempDir Path dir)
      throws IOException {
    Path out = dir.resolve("offline.json");
    Cli.Result r =
        Cli.run(
            "bench",
            Cli.DIGITS.toString(),
            "--scenario",
            "offline",
            "--duration",
            "1s",
            "--warmup",
            "100ms",
            "--compare-bare",
            "--json",
            out.toString());
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode s = json.readTree(out.toFile());
    assertEquals("offline", s.get("scenario").asText());
    assertTrue(s.get("batch").asInt() >= 1);
    assertTrue(s.get("samples").asLong() >= s.get("queries").asLong());
    assertTrue(s.get("bare_ort").get("throughput_ratio").asDouble() > 0);
    assertTrue(r.stdout().contains("bare ORT"), r.stdout());
  }

  @Test
  void benchServerFindsAPeakAndWritesJsonAndASelfContainedHtmlReport(@TempDir Path dir)
      throws IOException {
    Path out = dir.resolve("server.json");
    Path html = dir.resolve("server.html");
    Cli.Result r =
        Cli.run(
            "bench",
            Cli.DIGITS.toString(),
            "--scenario",
            "server",
            "--find-peak",
            "--latency-bound",
            "10ms",
            "--duration",
            "3s",
            "--warmup",
            "100ms",
            "--network",
            "rtt=40ms,bandwidth=10mbit",
            "--json",
            out.toString(),
            "--html",
            html.toString());
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode s = json.readTree(out.toFile());
    assertEquals("server", s.get("scenario").asText());
    assertTrue(s.get("server").get("steps").size() >= 2, s.toString());
    assertTrue(s.get("server").get("peak_qps").asDouble() > 0, s.toString());
    assertTrue(
        s.has("energy_j_per_inference") && s.has("inferences_per_j") && s.has("energy_source"),
        s.toString());
    assertTrue(s.get("roofline").get("%_of_peak").asDouble() > 0, s.toString());
    assertTrue(s.get("edge_vs_cloud").get("cloud_p50_ms").asDouble() > 40, s.toString());
    String page = java.nio.file.Files.readString(html);
    assertTrue(
        page.contains("<svg") && page.contains("digits.onnx"),
        "report lacks plots or the model name");
  }

  @Test
  void benchAccuracyModeScoresLabelledData(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("acc.json");
    Cli.Result r =
        Cli.run(
            "bench",
            Cli.DIGITS.toString(),
            "--duration",
            "500ms",
            "--warmup",
            "50ms",
            "--data",
            Cli.DIGITS_DIR.resolve("test_x.npy").toString(),
            "--labels",
            Cli.DIGITS_DIR.resolve("test_y.npy").toString(),
            "--json",
            out.toString());
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals(0.9778, json.readTree(out.toFile()).get("accuracy").asDouble(), 1e-4);
  }
}
