package dev.edgeinfer.server;

import dev.edgeinfer.runtime.Tensor;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Java client of KServe v2 / Open Inference Protocol servers (EdgeInfer, Triton, KServe runtimes)
 * over REST with the binary tensor extension or over gRPC:
 *
 * <pre>{@code
 * try (InferenceClient client = InferenceClient.grpc("localhost", 8001);
 *      Tensor image = Tensor.ofFloats(pixels, 1, 1, 8, 8)) {
 *   Map<String, Tensor> outputs = client.infer("digits", Map.of("input", image));
 * }
 * }</pre>
 *
 * <p>Every failure the server reports, and every failure to reach it, is an {@link
 * InferenceClientException} carrying the transport status and the server's one-line message.
 * Thread-safe: share one client between threads; close it to release its connections.
 */
public interface InferenceClient extends AutoCloseable {

  /**
   * A client for a server URL: {@code http://HOST:PORT} or {@code https://...} for REST, {@code
   * grpc://HOST:PORT} for gRPC, {@code grpcs://...} for gRPC over TLS.
   *
   * @throws IllegalArgumentException for any other scheme, or a gRPC URL without host and port
   */
  static InferenceClient connect(URI url, ClientOptions options) {
    String scheme =
        url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
    return switch (scheme) {
      case "http", "https" -> rest(url, options);
      case "grpc", "grpcs" -> {
        if (url.getHost() == null || url.getPort() < 0) {
          throw new IllegalArgumentException(
              "gRPC URL " + url + " needs a host and a port, e.g. grpc://localhost:8001");
        }
        yield grpc(
            url.getHost(), url.getPort(), scheme.equals("grpcs") ? options.withTls() : options);
      }
      default ->
          throw new IllegalArgumentException(
              "server URL "
                  + url
                  + " must start with http://, https://, grpc:// or grpcs://, e.g."
                  + " http://localhost:8000 or grpc://localhost:8001");
    };
  }

  /** A REST client of the server at {@code base} (e.g. {@code http://localhost:8000}). */
  static InferenceClient rest(URI base) {
    return rest(base, ClientOptions.defaults());
  }

  /** A REST client; {@code https} bases use TLS, trusting what the options say. */
  static InferenceClient rest(URI base, ClientOptions options) {
    return RestInferenceClient.create(base, options);
  }

  /** A plaintext gRPC client of the server at {@code host:port}. */
  static InferenceClient grpc(String host, int port) {
    return grpc(host, port, ClientOptions.defaults());
  }

  /** A gRPC client; TLS when the options ask for it. */
  static InferenceClient grpc(String host, int port, ClientOptions options) {
    return GrpcInferenceClient.create(host, port, options);
  }

  /** Whether the server is live. */
  boolean live();

  /** Whether the server is ready for inference. */
  boolean ready();

  /** Whether the model's default version is ready; false also for a model the server lacks. */
  default boolean modelReady(String model) {
    return modelReady(model, Optional.empty());
  }

  /** Whether a version of the model is ready; false also for a model the server lacks. */
  boolean modelReady(String model, Optional<String> version);

  /** The server's name, version and protocol extensions. */
  InferenceService.ServerMetadata serverMetadata();

  /** The model's versions, platform, inputs and outputs. */
  default InferenceService.ModelMetadata modelMetadata(String model) {
    return modelMetadata(model, Optional.empty());
  }

  InferenceService.ModelMetadata modelMetadata(String model, Optional<String> version);

  /**
   * Runs the model's default version on named inputs and returns every output by name, in the
   * server's order. The caller owns (and closes) the returned tensors.
   *
   * @throws IllegalArgumentException when an input is bfloat16, which the protocol cannot carry, or
   *     an output is UINT16/32/64, which runtime tensors cannot hold (use {@link
   *     #infer(InferRequest)} for those)
   */
  default Map<String, Tensor> infer(String model, Map<String, Tensor> inputs) {
    List<InferTensor> wire =
        inputs.entrySet().stream()
            .map(input -> ClientTensorCodec.wire(input.getKey(), input.getValue()))
            .toList();
    InferResponse response =
        infer(new InferRequest(model, Optional.empty(), Optional.empty(), wire, List.of()));
    Map<String, Tensor> outputs = new LinkedHashMap<>();
    for (InferTensor output : response.outputs()) {
      outputs.put(output.name(), ClientTensorCodec.tensor(output));
    }
    return outputs;
  }

  /** Sends one request as it is and returns the server's answer as it is. */
  InferResponse infer(InferRequest request);

  /** Idempotent: closes the connections. */
  @Override
  void close();
}
