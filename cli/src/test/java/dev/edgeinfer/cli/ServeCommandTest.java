package dev.edgeinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgeinfer serve} as a user runs it: bad flags, and a real server process driven by curl.
 */
class ServeCommandTest {
  private static final Path CURL = Path.of("/usr/bin/curl");

  private static void assertOneLineError(Cli.Result r, String fragment) {
    assertEquals(2, r.exitCode(), r.stderr());
    assertEquals(1, r.errorLines().size(), "exactly one line on stderr:\n" + r.stderr());
    assertTrue(r.errorLines().getFirst().startsWith("error: "), r.stderr());
    assertTrue(r.errorLines().getFirst().contains(fragment), r.stderr());
  }

  @Test
  void serveWithNothingToServeIsAUsageError() {
    assertOneLineError(Cli.run("serve"), "nothing to serve");
  }

  @Test
  void serveWithAMissingModelOrRepositoryIsAUsageError() {
    assertOneLineError(Cli.run("serve", "--model", "no/such.onnx"), "no/such.onnx");
    assertOneLineError(Cli.run("serve", "--model-repository", "no/such/dir"), "no/such/dir");
  }

  @Test
  void serveWithBadFlagValuesIsAUsageError(@TempDir Path dir) throws IOException {
    String model = Cli.DIGITS.toString();
    assertOneLineError(Cli.run("serve", "--model", model, "--http-port", "70000"), "--http-port");
    assertOneLineError(Cli.run("serve", "--model", model, "--tls-cert", model), "--tls-key");
    assertOneLineError(
        Cli.run("serve", "--model", model, "--model-control", "sometimes"), "explicit or poll");
    assertOneLineError(Cli.run("serve", "--model", model, "--threads", "-1"), "--threads");
    Path notes = Files.writeString(dir.resolve("notes.onnx"), "not a model");
    assertOneLineError(Cli.run("serve", "--model", notes.toString()), "notes.onnx");
    assertOneLineError(
        Cli.run("serve", "--model", model, "--auth-token-file", dir.resolve("none").toString()),
        "auth token file");
  }

  @Test
  void aServeProcessAnswersCurlAndStopsOnSigterm(@TempDir Path dir) throws Exception {
    assumeTrue(
        Files.isExecutable(CURL),
        "needs /usr/bin/curl for the process-level test; not installed here");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xss2m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                EdgeInfer.class.getName(),
                "serve",
                "--model",
                Cli.DIGITS + ":digits",
                "--http-port",
                "0",
                "--grpc-port",
                "0"));
    Process server =
        new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertTrue(
          line != null && line.startsWith("listening: http://"),
          "first line: " + line + "\nstderr: " + Files.readString(dir.resolve("stderr.txt")));
      Matcher port = Pattern.compile(":(\\d+) ").matcher(line);
      assertTrue(port.find(), line);
      String base = "http://127.0.0.1:" + port.group(1);

      assertEquals(
          "200", curl("-s", "-o", "/dev/null", "-w", "%{http_code}", base + "/v2/health/ready"));
      String pixels = "0.5,".repeat(63) + "0.5";
      String answer =
          curl(
              "-s",
              "-X",
              "POST",
              "-H",
              "Content-Type: application/json",
              "-d",
              "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"FP32\",\"shape\":[1,1,8,8],\"data\":["
                  + pixels
                  + "]}]}",
              base + "/v2/models/digits/infer");
      assertTrue(
          answer.contains("\"model_name\":\"digits\"") && answer.contains("\"shape\":[1,10]"),
          answer);
      String error =
          curl(
              "-s",
              "-w",
              " %{http_code}",
              "-X",
              "POST",
              "-d",
              "{not json",
              base + "/v2/models/digits/infer");
      assertTrue(error.startsWith("{\"error\":") && error.endsWith(" 400"), error);
      assertTrue(
          curl("-s", base + "/metrics")
              .contains("nv_inference_request_success{model=\"digits\",version=\"1\"} 1"));

      Path report = dir.resolve("remote.json");
      for (String url : List.of(base, "grpc://127.0.0.1:" + grpcPort(out))) {
        Cli.Result bench =
            Cli.run(
                "bench",
                "digits",
                "--url",
                url,
                "--duration",
                "300ms",
                "--warmup",
                "50ms",
                "--data",
                Cli.TEST_X.toString(),
                "--labels",
                Cli.TEST_Y.toString(),
                "--json",
                report.toString());
        assertEquals(0, bench.exitCode(), bench.stderr());
        assertTrue(
            bench.stdout().contains(url) && bench.stdout().contains("97.78 %"), bench.stdout());
        String json = Files.readString(report);
        assertTrue(json.contains("\"provider\" : \"" + url + "\""), json);
      }

      server.destroy();
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
    } finally {
      server.destroyForcibly();
    }
  }

  /** Reads the gRPC "listening:" line that follows the REST one. */
  private static String grpcPort(BufferedReader out) throws IOException {
    String line = out.readLine();
    Matcher port = Pattern.compile("grpc://[^ ]*:(\\d+) ").matcher(line == null ? "" : line);
    assertTrue(port.find(), "second line: " + line);
    return port.group(1);
  }

  @Test
  void benchAgainstAServerThatIsNotThereOrAWrongUrlSaysSoInOneLine() {
    Cli.Result down = Cli.run("bench", "digits", "--url", "http://127.0.0.1:1", "--duration", "1s");
    assertEquals(1, down.exitCode(), down.stderr());
    assertEquals(1, down.errorLines().size(), down.stderr());
    assertTrue(down.stderr().contains("check that the server is running"), down.stderr());
    assertOneLineError(Cli.run("bench", "digits", "--url", "ftp://host/x"), "grpc://");
    assertOneLineError(
        Cli.run("bench", "digits", "--url", "http://127.0.0.1:1", "--compare-bare"),
        "--compare-bare");
  }

  private static String curl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(CURL.toString(), "--max-time", "30"));
    command.addAll(List.of(args));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(curl.waitFor(60, TimeUnit.SECONDS), "curl did not finish");
    return out.strip();
  }
}
