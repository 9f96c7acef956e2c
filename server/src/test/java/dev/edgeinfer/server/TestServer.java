package dev.edgeinfer.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeinfer.onnx.ModelBuilder;
import dev.edgeinfer.onnx.proto.TensorProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The real service and REST front end on loopback, an ephemeral port, and a JDK HttpClient to call
 * them.
 */
final class TestServer implements AutoCloseable {
  static final Path DIGITS = Path.of("../models/digits/digits.onnx").toAbsolutePath().normalize();
  static final ObjectMapper JSON = new ObjectMapper();

  final InferenceService service;
  final ServerFrontEnd rest;
  final HttpClient http;
  final String base;
  private final Map<String, String> headers;

  private TestServer(
      InferenceService service, ServerFrontEnd rest, HttpClient http, Map<String, String> headers) {
    this.service = service;
    this.rest = rest;
    this.http = http;
    this.base = rest.endpoint();
    this.headers = headers;
  }

  static TestServer start(ServerSettings settings) {
    return start(settings, RestSettings.of("127.0.0.1", 0), Map.of());
  }

  static TestServer start(ServerSettings settings, RestSettings rest, Map<String, String> headers) {
    InferenceService service = InferenceService.open(settings);
    try {
      return new TestServer(
          service, ServerFrontEnd.rest(service, rest), HttpClient.newHttpClient(), headers);
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
  }

  /** Copies the digits model to {@code repo/<name>/<version>/model.onnx}. */
  static void addDigits(Path repo, String name, int version) throws IOException {
    Path dir = Files.createDirectories(repo.resolve(name).resolve(Integer.toString(version)));
    Files.copy(DIGITS, dir.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Writes an Identity model {@code x -> y} of this element type and shape to {@code
   * repo/<name>/1/model.onnx}.
   */
  static void addIdentity(Path repo, String name, TensorProto.DataType type, Object... dims)
      throws IOException {
    Path dir = Files.createDirectories(repo.resolve(name).resolve("1"));
    ModelBuilder.create()
        .input("x", type, dims)
        .node("Identity", List.of("x"), List.of("y"))
        .output("y", type, dims)
        .build()
        .write(dir.resolve("model.onnx"));
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  HttpResponse<String> post(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json"));
  }

  HttpResponse<byte[]> postBytes(String path, byte[] body, Map<String, String> extra) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    extra.forEach(request::header);
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    headers.forEach(request::header);
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The infer body for digits images, flat data. */
  static String digitsRequest(float[] pixels, int batch) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < pixels.length; i++) {
      data.append(i == 0 ? "" : ",").append(pixels[i]);
    }
    return "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"FP32\",\"shape\":["
        + batch
        + ",1,8,8],\"data\":["
        + data
        + "]}]}";
  }

  static float[] floats(JsonNode data) {
    float[] values = new float[data.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) data.get(i).asDouble();
    }
    return values;
  }

  RepositoryInferenceService impl() {
    return (RepositoryInferenceService) service;
  }

  @Override
  public void close() {
    rest.close();
    service.close();
  }
}
