package dev.edgeinfer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeinfer.onnx.proto.TensorProto;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every datatype ONNX Runtime's Java API supports goes through an Identity model unchanged, as JSON
 * and as binary.
 */
class DatatypeRoundTripTest {
  @TempDir static Path repo;
  static TestServer server;

  @BeforeAll
  static void start() throws IOException {
    for (TensorProto.DataType type :
        new TensorProto.DataType[] {
          TensorProto.DataType.BOOL,
          TensorProto.DataType.UINT8,
          TensorProto.DataType.INT8,
          TensorProto.DataType.INT16,
          TensorProto.DataType.INT32,
          TensorProto.DataType.INT64,
          TensorProto.DataType.FLOAT16,
          TensorProto.DataType.FLOAT,
          TensorProto.DataType.DOUBLE,
          TensorProto.DataType.STRING
        }) {
      TestServer.addIdentity(
          repo, "id_" + type.name().toLowerCase(java.util.Locale.ROOT), type, "batch", 3);
    }
    server = TestServer.start(ServerSettings.builder().repository(repo).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{1} values come back unchanged as JSON")
  @CsvSource(
      delimiter = ';',
      value = {
        "id_bool; BOOL; [true,false,true,false,false,true]",
        "id_uint8; UINT8; [0,1,255,7,128,3]",
        "id_int8; INT8; [-128,0,127,-1,5,9]",
        "id_int16; INT16; [-32768,32767,0,-2,300,4]",
        "id_int32; INT32; [-2147483648,2147483647,0,1,-1,42]",
        "id_int64; INT64; [-9223372036854775808,9223372036854775807,0,1,-1,42]",
        "id_float16; FP16; [0.5,-2.0,1024.0,0.0,1.5,-0.25]",
        "id_float; FP32; [0.1,-2.5,3.4E38,0.0,1.0E-6,42.0]",
        "id_double; FP64; [0.1,-2.5,1.0E300,0.0,1.0E-300,42.0]",
        "id_string; BYTES; [\"a\",\"\",\"héllo\",\"x y\",\"7\",\"end\"]"
      })
  void valuesComeBackUnchangedAsJson(String model, String datatype, String data) {
    String body =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\""
            + datatype
            + "\",\"shape\":[2,3],\"data\":"
            + data
            + "}]}";
    HttpResponse<String> response = server.post("/v2/models/" + model + "/infer", body);
    assertEquals(200, response.statusCode(), response.body());
    JsonNode output = TestServer.json(response.body()).get("outputs").get(0);
    assertEquals(datatype, output.get("datatype").asText());
    assertEquals("[2,3]", output.get("shape").toString());
    assertEquals(TestServer.json(data), output.get("data"));
  }

  @ParameterizedTest(name = "{1} values come back unchanged in binary")
  @CsvSource({
    "id_uint8, UINT8, 1",
    "id_int16, INT16, 2",
    "id_int64, INT64, 8",
    "id_float16, FP16, 2",
    "id_double, FP64, 8",
    "id_bool, BOOL, 1"
  })
  void valuesComeBackUnchangedInBinary(String model, String datatype, int size) {
    byte[] raw = new byte[6 * size];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = datatype.equals("BOOL") ? (byte) (i % 2) : (byte) (i * 37 + 1);
    }
    String header =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\""
            + datatype
            + "\",\"shape\":[2,3],"
            + "\"parameters\":{\"binary_data_size\":"
            + raw.length
            + "}}],\"parameters\":{\"binary_data_output\":true}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    byte[] body = Arrays.copyOf(json, json.length + raw.length);
    System.arraycopy(raw, 0, body, json.length, raw.length);
    HttpResponse<byte[]> response =
        server.postBytes(
            "/v2/models/" + model + "/infer",
            body,
            Map.of("Inference-Header-Content-Length", Integer.toString(json.length)));
    assertEquals(
        200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
    int jsonLength =
        Integer.parseInt(
            response.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    assertArrayEquals(raw, Arrays.copyOfRange(response.body(), jsonLength, response.body().length));
  }

  @ParameterizedTest(name = "BYTES elements come back unchanged in binary")
  @CsvSource({"id_string"})
  void bytesElementsComeBackUnchangedInBinary(String model) {
    java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
    for (String value : new String[] {"one", "", "three", "four", "ü", "six"}) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      raw.writeBytes(
          java.nio.ByteBuffer.allocate(4)
              .order(java.nio.ByteOrder.LITTLE_ENDIAN)
              .putInt(bytes.length)
              .array());
      raw.writeBytes(bytes);
    }
    String header =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"BYTES\",\"shape\":[2,3],"
            + "\"parameters\":{\"binary_data_size\":"
            + raw.size()
            + "}}],"
            + "\"outputs\":[{\"name\":\"y\",\"parameters\":{\"binary_data\":true}}]}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    byte[] body = Arrays.copyOf(json, json.length + raw.size());
    System.arraycopy(raw.toByteArray(), 0, body, json.length, raw.size());
    HttpResponse<byte[]> response =
        server.postBytes(
            "/v2/models/" + model + "/infer",
            body,
            Map.of("Inference-Header-Content-Length", Integer.toString(json.length)));
    assertEquals(
        200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
    int jsonLength =
        Integer.parseInt(
            response.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    assertArrayEquals(
        raw.toByteArray(), Arrays.copyOfRange(response.body(), jsonLength, response.body().length));
  }

  @ParameterizedTest(name = "{0} out of range for {1} is a 400")
  @CsvSource(
      delimiter = ';',
      value = {
        "id_uint8; UINT8; [256,0,0,0,0,0]",
        "id_int8; INT8; [-129,0,0,0,0,0]",
        "id_int32; INT32; [1.5,0,0,0,0,0]",
        "id_bool; BOOL; [2,0,0,0,0,0]",
        "id_string; BYTES; [1,2,3,4,5,6]"
      })
  void valuesOutsideTheDatatypeAreA400(String model, String datatype, String data) {
    String body =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\""
            + datatype
            + "\",\"shape\":[2,3],\"data\":"
            + data
            + "}]}";
    HttpResponse<String> response = server.post("/v2/models/" + model + "/infer", body);
    assertEquals(400, response.statusCode(), response.body());
  }
}
