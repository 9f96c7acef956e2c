package dev.edgeinfer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.Outputs;
import dev.edgeinfer.runtime.Tensor;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestServerTest {
  @TempDir static Path repo;
  static TestServer server;

  @BeforeAll
  static void start() throws IOException {
    TestServer.addDigits(repo, "digits", 1);
    server = TestServer.start(ServerSettings.builder().repository(repo).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static float[] pixels(int batch, long seed) {
    Random random = new Random(seed);
    float[] values = new float[batch * 64];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat();
    }
    return values;
  }

  private static float[] inProcess(float[] pixels, int batch) {
    try (Model model = Model.open(TestServer.DIGITS);
        Tensor input = Tensor.ofFloats(pixels, batch, 1, 8, 8);
        Outputs out = model.predict(input)) {
      return out.get("logits").toFloatArray();
    }
  }

  @Test
  void healthEndpointsAnswer200() {
    assertEquals(200, server.get("/v2/health/live").statusCode());
    assertEquals(200, server.get("/v2/health/ready").statusCode());
    assertEquals(200, server.get("/v2/models/digits/ready").statusCode());
    assertEquals(200, server.get("/v2/models/digits/versions/1/ready").statusCode());
  }

  @Test
  void serverMetadataNamesTheExtensions() {
    JsonNode body = TestServer.json(server.get("/v2").body());
    assertEquals("edgeinfer", body.get("name").asText());
    assertTrue(body.get("extensions").toString().contains("binary_tensor_data"));
  }

  @Test
  void modelMetadataDescribesInputsAndOutputs() {
    JsonNode body = TestServer.json(server.get("/v2/models/digits").body());
    assertEquals("digits", body.get("name").asText());
    assertEquals("onnxruntime_onnx", body.get("platform").asText());
    assertEquals("image", body.get("inputs").get(0).get("name").asText());
    assertEquals("FP32", body.get("inputs").get(0).get("datatype").asText());
    assertEquals("[-1,1,8,8]", body.get("inputs").get(0).get("shape").toString());
    assertEquals("[-1,10]", body.get("outputs").get(0).get("shape").toString());
    assertEquals("[\"1\"]", body.get("versions").toString());
  }

  @Test
  void jsonInferenceWithFlatDataMatchesInProcessRun() {
    float[] pixels = pixels(3, 1);
    HttpResponse<String> response =
        server.post("/v2/models/digits/infer", TestServer.digitsRequest(pixels, 3));
    assertEquals(200, response.statusCode(), response.body());
    JsonNode output = TestServer.json(response.body()).get("outputs").get(0);
    assertEquals("logits", output.get("name").asText());
    assertEquals("[3,10]", output.get("shape").toString());
    assertArrayEquals(inProcess(pixels, 3), TestServer.floats(output.get("data")), 1e-5f);
  }

  @Test
  void jsonInferenceWithNestedDataMatchesInProcessRun() {
    float[] pixels = pixels(1, 2);
    StringBuilder nested = new StringBuilder("[[[");
    for (int row = 0; row < 8; row++) {
      nested.append(row == 0 ? "[" : ",[");
      for (int col = 0; col < 8; col++) {
        nested.append(col == 0 ? "" : ",").append(pixels[row * 8 + col]);
      }
      nested.append("]");
    }
    nested.append("]]]");
    String body =
        "{\"id\":\"req-7\",\"inputs\":[{\"name\":\"image\",\"shape\":[1,1,8,8],\"datatype\":\"FP32\","
            + "\"data\":"
            + nested
            + "}]}";
    HttpResponse<String> response = server.post("/v2/models/digits/infer", body);
    assertEquals(200, response.statusCode(), response.body());
    JsonNode json = TestServer.json(response.body());
    assertEquals("req-7", json.get("id").asText());
    assertEquals("1", json.get("model_version").asText());
    assertArrayEquals(
        inProcess(pixels, 1), TestServer.floats(json.get("outputs").get(0).get("data")), 1e-5f);
  }

  @Test
  void binaryTensorExtensionRoundTripsInputsAndOutputs() {
    float[] pixels = pixels(2, 3);
    String header =
        "{\"inputs\":[{\"name\":\"image\",\"shape\":[2,1,8,8],\"datatype\":\"FP32\","
            + "\"parameters\":{\"binary_data_size\":"
            + pixels.length * 4
            + "}}],"
            + "\"outputs\":[{\"name\":\"logits\",\"parameters\":{\"binary_data\":true}}]}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer body =
        ByteBuffer.allocate(json.length + pixels.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    body.put(json);
    body.asFloatBuffer().put(pixels);
    HttpResponse<byte[]> response =
        server.postBytes(
            "/v2/models/digits/infer",
            body.array(),
            Map.of("Inference-Header-Content-Length", Integer.toString(json.length)));
    assertEquals(
        200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
    int jsonLength =
        Integer.parseInt(
            response.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    JsonNode head =
        TestServer.json(new String(response.body(), 0, jsonLength, StandardCharsets.UTF_8));
    assertEquals(80, head.get("outputs").get(0).get("parameters").get("binary_data_size").asInt());
    float[] logits = new float[20];
    ByteBuffer.wrap(response.body(), jsonLength, 80)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(logits);
    assertArrayEquals(inProcess(pixels, 2), logits, 1e-5f);
  }

  @Test
  void binaryDataOutputParameterMakesEveryOutputBinary() {
    String body =
        TestServer.digitsRequest(pixels(1, 4), 1)
            .replaceFirst("\\{", "{\"parameters\":" + "{\"binary_data_output\":true},");
    HttpResponse<byte[]> response =
        server.postBytes(
            "/v2/models/digits/infer", body.getBytes(StandardCharsets.UTF_8), Map.of());
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Inference-Header-Content-Length").isPresent());
  }

  @Test
  void requestedOutputUnknownToTheModelIsA400() {
    String body =
        TestServer.digitsRequest(pixels(1, 5), 1)
            .replace("]}]}", "]}],\"outputs\":[{\"name\":\"probs\"}]}");
    HttpResponse<String> response = server.post("/v2/models/digits/infer", body);
    assertEquals(400, response.statusCode());
    assertTrue(
        TestServer.json(response.body()).get("error").asText().contains("no output 'probs'"));
  }

  @Test
  void requestedOutputIsTheOnlyOneReturned() {
    String body =
        TestServer.digitsRequest(pixels(1, 6), 1)
            .replace("]}]}", "]}],\"outputs\":[{\"name\":\"logits\"}]}");
    HttpResponse<String> response = server.post("/v2/models/digits/infer", body);
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(1, TestServer.json(response.body()).get("outputs").size());
  }

  private static void assertError(HttpResponse<String> response, int status, String fragment) {
    assertEquals(status, response.statusCode(), response.body());
    JsonNode json = TestServer.json(response.body());
    String message = json.get("error").asText();
    assertTrue(message.contains(fragment), message);
    assertFalse(message.contains("\n"), message);
  }

  @Test
  void malformedJsonIsA400WithOneLine() {
    assertError(
        server.post("/v2/models/digits/infer", "{\"inputs\": [ {\"name\": "),
        400,
        "malformed JSON");
    assertError(server.post("/v2/models/digits/infer", "[1,2,3]"), 400, "JSON object");
    assertError(server.post("/v2/models/digits/infer", ""), 400, "");
  }

  @Test
  void wrongShapeIsA400NamingTheExpectedShape() {
    String body =
        "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"FP32\",\"shape\":[1,64],\"data\":"
            + java.util.Arrays.toString(new float[64])
            + "}]}";
    assertError(server.post("/v2/models/digits/infer", body), 400, "needs shape [-1,1,8,8]");
  }

  @Test
  void wrongDatatypeIsA400() {
    String body =
        "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"INT32\",\"shape\":[1,1,8,8],\"data\":"
            + java.util.Arrays.toString(new int[64])
            + "}]}";
    assertError(
        server.post("/v2/models/digits/infer", body), 400, "needs datatype FP32, got INT32");
  }

  @Test
  void unsignedWideDatatypesAreRefusedWithTheReason() {
    String body =
        "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"UINT32\",\"shape\":[1,1,8,8],\"data\":"
            + java.util.Arrays.toString(new int[64])
            + "}]}";
    assertError(server.post("/v2/models/digits/infer", body), 400, "Java API");
  }

  @Test
  void tooFewValuesForTheShapeIsA400() {
    String body =
        "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"FP32\",\"shape\":[1,1,8,8],\"data\":[1,2,3]}]}";
    assertError(server.post("/v2/models/digits/infer", body), 400, "has 3 values");
  }

  @Test
  void unknownModelIsA404() {
    assertError(
        server.post("/v2/models/nosuch/infer", TestServer.digitsRequest(new float[64], 1)),
        404,
        "not loaded");
    assertError(server.get("/v2/models/nosuch"), 404, "nosuch");
  }

  @Test
  void pathTraversalInTheModelNameIsRefused() {
    HttpResponse<String> response = server.get("/v2/models/..%2F..%2Fetc");
    assertEquals(400, response.statusCode(), response.body());
  }

  @Test
  void unknownEndpointIsA404AndWrongMethodA405() {
    assertError(server.get("/v3/whatever"), 404, "no endpoint");
    assertEquals(405, server.get("/v2/models/digits/infer").statusCode());
  }

  @Test
  void metricsListTritonSeriesWithCounts() {
    for (int i = 0; i < 3; i++) {
      assertEquals(
          200,
          server
              .post("/v2/models/digits/infer", TestServer.digitsRequest(pixels(2, 10 + i), 2))
              .statusCode());
    }
    String metrics = server.get("/metrics").body();
    for (String series :
        new String[] {
          "nv_inference_request_success",
          "nv_inference_request_failure",
          "nv_inference_count",
          "nv_inference_exec_count",
          "nv_inference_request_duration_us",
          "nv_inference_queue_duration_us",
          "nv_inference_compute_input_duration_us",
          "nv_inference_compute_infer_duration_us",
          "nv_inference_compute_output_duration_us",
          "process_cpu_seconds_total",
          "process_resident_memory_bytes"
        }) {
      assertTrue(metrics.contains("# TYPE " + series), series + " missing from\n" + metrics);
    }
    long success = value(metrics, "nv_inference_request_success{model=\"digits\",version=\"1\"}");
    long count = value(metrics, "nv_inference_count{model=\"digits\",version=\"1\"}");
    long executions = value(metrics, "nv_inference_exec_count{model=\"digits\",version=\"1\"}");
    assertTrue(success >= 3, metrics);
    assertTrue(count >= 2 * 3 && count >= success, metrics);
    assertTrue(executions >= 1 && executions <= success, metrics);
  }

  static long value(String metrics, String series) {
    return metrics
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(series + " missing from\n" + metrics));
  }

  @Test
  void repositoryIndexListsTheModels() {
    HttpResponse<String> response = server.post("/v2/repository/index", "");
    assertEquals(200, response.statusCode(), response.body());
    JsonNode index = TestServer.json(response.body());
    assertEquals("digits", index.get(0).get("name").asText());
    assertEquals("READY", index.get(0).get("state").asText());
  }

  @Test
  void oversizedBodyIsA413() throws IOException {
    Path small = Files.createTempDirectory("edgeinfer-small");
    TestServer.addDigits(small, "digits", 1);
    try (TestServer limited =
        TestServer.start(
            ServerSettings.builder().repository(small).build(),
            RestSettings.of("127.0.0.1", 0).withMaxRequestBytes(4096),
            Map.of())) {
      HttpResponse<String> response =
          limited.post("/v2/models/digits/infer", TestServer.digitsRequest(pixels(20, 1), 20));
      assertEquals(413, response.statusCode(), response.body());
      assertTrue(TestServer.json(response.body()).get("error").asText().contains("4096"));
      HttpResponse<String> announced =
          limited.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(limited.base + "/v2/models/digits/infer"))
                  .expectContinue(true)
                  .POST(
                      java.net.http.HttpRequest.BodyPublishers.ofString(
                          TestServer.digitsRequest(pixels(20, 1), 20))));
      assertEquals(413, announced.statusCode(), announced.body());
      assertTrue(
          TestServer.json(announced.body()).get("error").asText().contains("4096"),
          announced.body());
      assertEquals(200, limited.get("/v2/health/live").statusCode());
    }
  }

  @Test
  void wrongOrMissingBearerTokenIsA401AndTheRightOneWorks() throws IOException {
    Path small = Files.createTempDirectory("edgeinfer-auth");
    TestServer.addDigits(small, "digits", 1);
    ServerSettings settings = ServerSettings.builder().repository(small).build();
    RestSettings rest = RestSettings.of("127.0.0.1", 0).withBearerToken("s3cret");
    try (TestServer open = TestServer.start(settings, rest, Map.of());
        TestServer wrong =
            TestServer.start(settings, rest, Map.of("Authorization", "Bearer nope"))) {
      String body = TestServer.digitsRequest(pixels(1, 1), 1);
      assertError(open.post("/v2/models/digits/infer", body), 401, "bearer token");
      assertError(wrong.post("/v2/models/digits/infer", body), 401, "bearer token");
      assertError(wrong.post("/v2/repository/index", ""), 401, "bearer token");
      assertEquals(200, open.get("/v2/health/ready").statusCode());
      assertEquals(200, open.get("/metrics").statusCode());
    }
    try (TestServer right =
        TestServer.start(settings, rest, Map.of("Authorization", "Bearer s3cret"))) {
      assertEquals(
          200,
          right
              .post("/v2/models/digits/infer", TestServer.digitsRequest(pixels(1, 1), 1))
              .statusCode());
    }
  }

  @Test
  void hostileBodiesGetA400AndTheServerStaysUp() {
    String huge =
        "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"FP32\","
            + "\"shape\":[4611686018427387904,4,1,8],\"parameters\":{\"binary_data_size\":4}}]}";
    byte[] body = (huge + "abcd").getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> response =
        server.postBytes(
            "/v2/models/digits/infer",
            body,
            Map.of("Inference-Header-Content-Length", Integer.toString(huge.length())));
    assertEquals(400, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    assertError(
        server.post("/v2/models/digits/infer", "[".repeat(5000) + "]".repeat(5000)), 400, "");
    assertError(
        server.post(
            "/v2/models/digits/infer",
            "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"FP32\","
                + "\"shape\":[1,1,8,8],\"data\":"
                + "[".repeat(3000)
                + "1"
                + "]".repeat(3000)
                + "}]}"),
        400,
        "");
    assertError(
        server.post(
            "/v2/models/digits/infer",
            "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"FP32\","
                + "\"shape\":[100000000000],\"data\":[1]}]}"),
        400,
        "");
    HttpResponse<byte[]> lying =
        server.postBytes(
            "/v2/models/digits/infer",
            "{}".getBytes(StandardCharsets.UTF_8),
            Map.of("Inference-Header-Content-Length", "-5"));
    assertEquals(400, lying.statusCode());
    assertEquals(200, server.get("/v2/health/live").statusCode());
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws IOException {
    byte[] infer = TestServer.digitsRequest(pixels(32, 9), 32).getBytes(StandardCharsets.UTF_8);
    String requests =
        "POST /v2/models/digits/infer HTTP/1.1\r\nHost: x\r\nContent-Length: "
            + infer.length
            + "\r\n\r\n"
            + new String(infer, StandardCharsets.UTF_8)
            + "GET /v2/models/nosuch HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /v2/health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    int port = server.rest.address().getPort();
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.getOutputStream().write(requests.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int first = answers.indexOf("\"model_name\":\"digits\"");
      int second = answers.indexOf("HTTP/1.1 404");
      int third = answers.lastIndexOf("HTTP/1.1 200");
      assertTrue(first > 0 && second > first && third > second, answers);
    }
  }
}
