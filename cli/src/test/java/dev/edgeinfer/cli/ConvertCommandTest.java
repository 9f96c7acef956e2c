package dev.edgeinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeinfer.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edgeinfer convert}, and .tflite files given to the other commands. */
class ConvertCommandTest {
  private static final Path MODELS = Path.of("..", "tflite", "src", "test", "resources", "models");
  private static final Path FACE = MODELS.resolve("face_detection_short_range.tflite");
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void convertWritesAnOnnxModelWithTheSameInputsAndOutputs(@TempDir Path dir) {
    Path out = dir.resolve("face.onnx");
    Cli.Result r = Cli.run("convert", FACE.toString(), "-o", out.toString());
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stdout().contains("CONV_2D") && r.stdout().contains(out.toString()), r.stdout());
    var graph = OnnxModel.read(out).proto().getGraph();
    assertEquals("input", graph.getInput(0).getName());
    assertEquals(
        "[1, 128, 128, 3]",
        Arrays.toString(
            graph.getInput(0).getType().getTensorType().getShape().getDimList().stream()
                .mapToLong(d -> d.getDimValue())
                .toArray()));
    assertEquals("regressors", graph.getOutput(0).getName());
  }

  @Test
  void inspectAndRunAcceptATfliteFileDirectly(@TempDir Path dir) throws IOException {
    Map<String, String> cache = Map.of("EDGEINFER_CACHE_DIR", dir.resolve("cache").toString());
    Cli.Result inspect = Cli.run(cache, "inspect", FACE.toString(), "--json");
    assertEquals(0, inspect.exitCode(), inspect.stderr());
    JsonNode s = json.readTree(inspect.stdout());
    assertEquals("input", s.get("inputs").get(0).get("name").asText());
    assertTrue(s.get("op_types").get("Conv").asInt() > 30, s.toString());

    Path images = Files.createDirectories(dir.resolve("images"));
    try (var files = Files.list(Cli.DIGITS_DIR.resolve("images"))) {
      Path first = files.sorted().findFirst().orElseThrow();
      Files.copy(first, images.resolve(first.getFileName()));
    }
    Path results = dir.resolve("out.jsonl");
    Cli.Result run =
        Cli.run(
            cache,
            "run",
            "--model",
            FACE.toString(),
            "--source",
            "images:" + images,
            "--sink",
            "jsonl:" + results);
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(1, Files.readAllLines(results).stream().filter(l -> !l.isBlank()).count());
    try (var cached = Files.list(dir.resolve("cache"))) {
      assertEquals(1, cached.filter(p -> p.toString().endsWith(".onnx")).count());
    }
  }

  @Test
  void aFileThatIsNotTfliteIsAOneLineUsageError(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("bad.tflite");
    Files.writeString(bad, "hello, not a model");
    Cli.Result r = Cli.run("convert", bad.toString(), "-o", dir.resolve("o.onnx").toString());
    assertEquals(2, r.exitCode(), r.stderr());
    assertEquals(1, r.errorLines().size(), r.stderr());
    assertTrue(r.stderr().startsWith("error: ") && r.stderr().contains("TFL3"), r.stderr());
    assertFalse(Files.exists(dir.resolve("o.onnx")));
  }

  @Test
  void aTruncatedModelIsAOneLineError(@TempDir Path dir) throws IOException {
    Path cut = dir.resolve("cut.tflite");
    byte[] model = Files.readAllBytes(FACE);
    Files.write(cut, Arrays.copyOf(model, model.length / 3));
    Cli.Result r = Cli.run("convert", cut.toString());
    assertEquals(2, r.exitCode(), r.stderr());
    assertEquals(1, r.errorLines().size(), r.stderr());
    assertTrue(r.stderr().contains("truncated"), r.stderr());
  }

  @Test
  void anUnsupportedOperatorIsNamedByConvertAndByRun(@TempDir Path dir) {
    Path model = MODELS.resolve("unsupported_custom_op.tflite");
    Cli.Result convert =
        Cli.run("convert", model.toString(), "-o", dir.resolve("x.onnx").toString());
    assertEquals(2, convert.exitCode(), convert.stderr());
    assertEquals(1, convert.errorLines().size(), convert.stderr());
    assertTrue(convert.stderr().contains("'AcmeFancyOp'"), convert.stderr());
    Cli.Result run =
        Cli.run(
            Map.of("EDGEINFER_CACHE_DIR", dir.toString()),
            "bench",
            model.toString(),
            "--duration",
            "1s");
    assertEquals(2, run.exitCode(), run.stderr());
    assertTrue(run.stderr().contains("'AcmeFancyOp'"), run.stderr());
  }

  @Test
  void convertRefusesAFileWithoutTheTfliteExtension() {
    Cli.Result r = Cli.run("convert", Cli.DIGITS.toString());
    assertEquals(2, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains(".tflite"), r.stderr());
  }

  @Test
  void serveLoadsModelTfliteFromARepositoryAndAnswersInference(@TempDir Path dir) throws Exception {
    Path version = Files.createDirectories(dir.resolve("repo").resolve("face").resolve("1"));
    Files.copy(FACE, version.resolve("model.tflite"));
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xss2m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                EdgeInfer.class.getName(),
                "serve",
                "--model-repository",
                dir.resolve("repo").toString(),
                "--http-port",
                "0")
            .redirectError(dir.resolve("stderr.txt").toFile());
    builder.environment().put("EDGEINFER_CACHE_DIR", dir.resolve("cache").toString());
    Process server = builder.start();
    try {
      var out =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  server.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      String line = out.readLine();
      assertTrue(
          line != null && line.startsWith("listening: http://"),
          "first line: " + line + "\nstderr: " + Files.readString(dir.resolve("stderr.txt")));
      var port = java.util.regex.Pattern.compile(":(\\d+) ").matcher(line);
      assertTrue(port.find(), line);
      String base = "http://127.0.0.1:" + port.group(1);
      try (var http = java.net.http.HttpClient.newHttpClient()) {
        String zeros = "0,".repeat(128 * 128 * 3 - 1) + "0";
        var request =
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(base + "/v2/models/face/infer"))
                .header("Content-Type", "application/json")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
                            + "\"shape\":[1,128,128,3],\"data\":["
                            + zeros
                            + "]}]}"))
                .build();
        var response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(
            response.body().contains("\"regressors\"") && response.body().contains("[1,896,16]"),
            response.body().substring(0, Math.min(300, response.body().length())));
      }
      server.destroy();
      assertTrue(server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      server.destroyForcibly();
    }
  }
}
