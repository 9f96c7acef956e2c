package dev.edgeinfer.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@link InferenceClient} over the KServe v2 REST API with the JDK's {@link HttpClient}. Inputs go
 * in the binary tensor data extension (a JSON header of {@code Inference-Header-Content-Length}
 * bytes, then each input's bytes, announced by {@code binary_data_size}) and outputs are asked for
 * the same way ({@code binary_data_output}, or {@code binary_data} per requested output); JSON
 * outputs are understood too, for outputs asked as JSON and for servers that answer in JSON.
 * Thread-safe.
 */
final class RestInferenceClient implements InferenceClient {
  private static final String HEADER_LENGTH = "Inference-Header-Content-Length";
  private static final JsonFactory JSON = new JsonFactory();

  private final HttpClient http;
  private final URI base;
  private final ClientOptions options;

  private RestInferenceClient(HttpClient http, URI base, ClientOptions options) {
    this.http = http;
    this.base = base;
    this.options = options;
  }

  static RestInferenceClient create(URI base, ClientOptions options) {
    String scheme = base.getScheme() == null ? "" : base.getScheme();
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "the REST base must be an http:// or https:// URI such as http://localhost:8000, got "
              + base);
    }
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(options.timeout());
    if (options.trustedCertificates().isPresent()) {
      http.sslContext(trusting(options.trustedCertificates().get()));
    }
    String path = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
    return new RestInferenceClient(http.build(), base.resolve(path + "/"), options);
  }

  private static SSLContext trusting(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trusted.setCertificateEntry("trusted-" + i++, certificate);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot trust the certificates in " + pem + ": " + e.getMessage() + "; pass a PEM file",
          e);
    }
  }

  @Override
  public boolean live() {
    return send(get("v2/health/live")).statusCode() == 200;
  }

  @Override
  public boolean ready() {
    return send(get("v2/health/ready")).statusCode() == 200;
  }

  @Override
  public boolean modelReady(String model, Optional<String> version) {
    HttpResponse<byte[]> response = send(get(modelPath(model, version) + "/ready"));
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw failure(response);
    }
    return response.statusCode() == 200;
  }

  @Override
  public InferenceService.ServerMetadata serverMetadata() {
    Map<String, Object> json = object(ok(send(get("v2"))).body(), "server metadata");
    return new InferenceService.ServerMetadata(
        string(json, "name"), string(json, "version"), strings(json.get("extensions")));
  }

  @Override
  public InferenceService.ModelMetadata modelMetadata(String model, Optional<String> version) {
    Map<String, Object> json =
        object(ok(send(get(modelPath(model, version)))).body(), "model metadata");
    try {
      return new InferenceService.ModelMetadata(
          string(json, "name"),
          strings(json.get("versions")),
          string(json, "platform"),
          tensors(json.get("inputs")),
          tensors(json.get("outputs")));
    } catch (RuntimeException e) {
      throw malformed("model metadata", e);
    }
  }

  @Override
  public InferResponse infer(InferRequest request) {
    List<byte[]> body = new ArrayList<>();
    byte[] header = header(request);
    body.add(header);
    for (InferTensor input : request.inputs()) {
      body.add(bytes(input.data()));
    }
    HttpRequest.Builder post =
        request(modelPath(request.model(), request.version()) + "/infer")
            .header("Content-Type", "application/octet-stream")
            .header(HEADER_LENGTH, Integer.toString(header.length))
            .POST(HttpRequest.BodyPublishers.ofByteArrays(body));
    HttpResponse<byte[]> response = ok(send(post));
    try {
      return response(response);
    } catch (IOException | RuntimeException e) {
      throw malformed("inference response", e);
    }
  }

  /**
   * The JSON header of a binary request: every input as binary; outputs as binary unless the
   * request names them, then each as its {@link InferRequest.RequestedOutput#binary()} says.
   */
  private static byte[] header(InferRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      if (request.id().isPresent()) {
        json.writeStringField("id", request.id().get());
      }
      json.writeArrayFieldStart("inputs");
      for (InferTensor input : request.inputs()) {
        json.writeStartObject();
        json.writeStringField("name", input.name());
        json.writeArrayFieldStart("shape");
        for (long dim : input.shape()) {
          json.writeNumber(dim);
        }
        json.writeEndArray();
        json.writeStringField("datatype", input.datatype().name());
        json.writeObjectFieldStart("parameters");
        for (Map.Entry<String, Object> parameter : input.parameters().entrySet()) {
          if (!parameter.getKey().startsWith("binary_data")) {
            writeValue(json, parameter.getKey(), parameter.getValue());
          }
        }
        json.writeNumberField("binary_data_size", input.data().duplicate().position(0).remaining());
        json.writeEndObject();
        json.writeEndObject();
      }
      json.writeEndArray();
      if (!request.outputs().isEmpty()) {
        json.writeArrayFieldStart("outputs");
        for (InferRequest.RequestedOutput output : request.outputs()) {
          json.writeStartObject();
          json.writeStringField("name", output.name());
          json.writeObjectFieldStart("parameters");
          json.writeBooleanField("binary_data", output.binary());
          json.writeEndObject();
          json.writeEndObject();
        }
        json.writeEndArray();
      }
      if (request.outputs().isEmpty() || request.timeout().isPresent()) {
        json.writeObjectFieldStart("parameters");
        if (request.outputs().isEmpty()) {
          json.writeBooleanField("binary_data_output", true);
        }
        if (request.timeout().isPresent()) {
          json.writeNumberField("timeout", request.timeout().get().toNanos() / 1000);
        }
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  private static void writeValue(JsonGenerator json, String name, Object value) throws IOException {
    switch (value) {
      case Boolean b -> json.writeBooleanField(name, b);
      case Long l -> json.writeNumberField(name, l);
      case Integer i -> json.writeNumberField(name, i);
      case Double d -> json.writeNumberField(name, d);
      case Float f -> json.writeNumberField(name, f);
      default -> json.writeStringField(name, String.valueOf(value));
    }
  }

  private static InferResponse response(HttpResponse<byte[]> response) throws IOException {
    byte[] body = response.body();
    Optional<String> length = response.headers().firstValue(HEADER_LENGTH);
    int headerLength = length.isPresent() ? Integer.parseInt(length.get().strip()) : body.length;
    if (headerLength < 0 || headerLength > body.length) {
      throw new IOException(
          HEADER_LENGTH + " is " + headerLength + " but the body has " + body.length + " bytes");
    }
    Map<String, Object> json = object(body, 0, headerLength);
    int offset = headerLength;
    List<InferTensor> outputs = new ArrayList<>();
    for (Object item : list(json.get("outputs"))) {
      Map<String, Object> output = map(item);
      String name = string(output, "name");
      Datatype datatype = Datatype.parse(string(output, "datatype"));
      long[] shape =
          list(output.get("shape")).stream().mapToLong(d -> ((Number) d).longValue()).toArray();
      Map<String, Object> parameters =
          output.containsKey("parameters") ? map(output.get("parameters")) : Map.of();
      long count = 1;
      for (long dim : shape) {
        count = Math.multiplyExact(count, dim);
      }
      ByteBuffer data;
      if (parameters.get("binary_data_size") instanceof Number size) {
        int n = Math.toIntExact(size.longValue());
        if (n < 0 || offset + n > body.length) {
          throw new IOException(
              "output '" + name + "' claims " + n + " binary bytes beyond the body's end");
        }
        data = ByteBuffer.wrap(body, offset, n).slice().order(ByteOrder.LITTLE_ENDIAN);
        offset += n;
      } else {
        data = fromJson(name, datatype, count, output.get("data"));
      }
      GrpcCodec.checkRaw("output '" + name + "'", datatype, count, data);
      Map<String, Object> kept = new LinkedHashMap<>(parameters);
      kept.keySet().removeIf(key -> key.startsWith("binary_data"));
      kept.values()
          .removeIf(value -> value == null || value instanceof Map || value instanceof List);
      outputs.add(new InferTensor(name, datatype, shape, data, kept));
    }
    Object id = json.get("id");
    return new InferResponse(
        string(json, "model_name"),
        json.get("model_version") == null ? "" : String.valueOf(json.get("model_version")),
        id == null ? Optional.empty() : Optional.of(String.valueOf(id)),
        outputs);
  }

  /** JSON {@code data} (flat or nested) in the binary layout. */
  private static ByteBuffer fromJson(String name, Datatype datatype, long count, Object data) {
    List<Object> values = new ArrayList<>();
    flatten(data, values);
    if (values.size() != count) {
      throw new IllegalArgumentException(
          "output '" + name + "' has " + values.size() + " JSON values for " + count + " elements");
    }
    if (datatype == Datatype.BYTES) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Object value : values) {
        byte[] bytes = String.valueOf(value).getBytes(StandardCharsets.UTF_8);
        out.writeBytes(
            ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array());
        out.writeBytes(bytes);
      }
      return ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteBuffer out =
        ByteBuffer.allocate(Math.toIntExact(count * datatype.byteSize()))
            .order(ByteOrder.LITTLE_ENDIAN);
    for (Object value : values) {
      if (datatype == Datatype.BOOL) {
        out.put((byte) (Boolean.TRUE.equals(value) ? 1 : 0));
        continue;
      }
      Number number = (Number) value;
      switch (datatype) {
        case INT8, UINT8 -> out.put((byte) number.longValue());
        case INT16, UINT16 -> out.putShort((short) number.longValue());
        case INT32, UINT32 -> out.putInt((int) number.longValue());
        case INT64, UINT64 -> out.putLong(number.longValue());
        case FP16 -> out.putShort(Float.floatToFloat16(number.floatValue()));
        case FP32 -> out.putFloat(number.floatValue());
        case FP64 -> out.putDouble(number.doubleValue());
        default -> throw new IllegalStateException("unexpected datatype " + datatype);
      }
    }
    return out.flip();
  }

  private static void flatten(Object value, List<Object> into) {
    if (value instanceof List<?> items) {
      for (Object item : items) {
        flatten(item, into);
      }
    } else {
      into.add(value);
    }
  }

  private String modelPath(String model, Optional<String> version) {
    String path = "v2/models/" + encode(model);
    return version.map(v -> path + "/versions/" + encode(v)).orElse(path);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpRequest.Builder get(String path) {
    return request(path).GET();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(options.timeout());
    options.bearerToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
    return request;
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) {
    HttpRequest built = request.build();
    try {
      return http.send(built, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new InferenceClientException(
          ServerException.Code.UNAVAILABLE,
          "no HTTP response",
          "cannot reach "
              + built.uri()
              + " ("
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + "); check that the server is running and the URL's host and port",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InferenceClientException(
          ServerException.Code.UNAVAILABLE,
          "no HTTP response",
          "interrupted calling " + built.uri(),
          e);
    }
  }

  private static HttpResponse<byte[]> ok(HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      throw failure(response);
    }
    return response;
  }

  /** The server's {@code {"error": "..."}} message, or the body as text when it is not JSON. */
  private static InferenceClientException failure(HttpResponse<byte[]> response) {
    String message;
    try {
      Object error = object(response.body(), 0, response.body().length).get("error");
      message =
          error == null
              ? new String(response.body(), StandardCharsets.UTF_8)
              : String.valueOf(error);
    } catch (IOException | RuntimeException e) {
      message = new String(response.body(), StandardCharsets.UTF_8).strip();
    }
    if (message.isEmpty()) {
      message = "HTTP " + response.statusCode() + " from " + response.uri();
    }
    return new InferenceClientException(
        InferenceClientException.fromHttp(response.statusCode()),
        "HTTP " + response.statusCode(),
        message);
  }

  private static InferenceClientException malformed(String what, Exception e) {
    return new InferenceClientException(
        ServerException.Code.INTERNAL,
        "HTTP 200",
        "the server's " + what + " does not decode: " + e.getMessage(),
        e);
  }

  private static Map<String, Object> object(byte[] body, String what) {
    try {
      return object(body, 0, body.length);
    } catch (IOException | RuntimeException e) {
      throw malformed(what, e);
    }
  }

  private static Map<String, Object> object(byte[] body, int offset, int length)
      throws IOException {
    try (JsonParser parser = JSON.createParser(body, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("expected a JSON object");
      }
      return map(value(parser));
    }
  }

  /**
   * Reads the value at the parser's current token as maps, lists, strings, numbers and booleans.
   */
  private static Object value(JsonParser parser) throws IOException {
    return switch (parser.currentToken()) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          parser.nextToken();
          map.put(key, value(parser));
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(parser));
        }
        yield list;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected JSON token " + parser.currentToken());
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    if (!(value instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("expected a JSON object, got " + value);
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?>)) {
      throw new IllegalArgumentException("expected a JSON array, got " + value);
    }
    return (List<Object>) value;
  }

  private static String string(Map<String, Object> json, String key) {
    Object value = json.get(key);
    return value == null ? "" : String.valueOf(value);
  }

  private static List<String> strings(Object value) {
    return list(value).stream().map(String::valueOf).toList();
  }

  private static List<InferenceService.TensorMetadata> tensors(Object value) {
    return list(value).stream()
        .map(RestInferenceClient::map)
        .map(
            tensor ->
                new InferenceService.TensorMetadata(
                    string(tensor, "name"),
                    Datatype.parse(string(tensor, "datatype")),
                    list(tensor.get("shape")).stream().map(d -> ((Number) d).longValue()).toList()))
        .toList();
  }

  private static byte[] bytes(ByteBuffer data) {
    ByteBuffer all = data.duplicate().position(0);
    if (all.hasArray() && all.arrayOffset() == 0 && all.array().length == all.remaining()) {
      return all.array();
    }
    byte[] copy = new byte[all.remaining()];
    all.get(copy);
    return copy;
  }

  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return "REST InferenceClient for " + base;
  }
}
