package dev.edgeinfer.server;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the server's protocol front ends (REST, gRPC) call: health, metadata and inference over the
 * models of a repository. Thread-safe. Failures are {@link ServerException}s (thrown, or completing
 * the future exceptionally for {@link #infer}).
 */
public interface InferenceService extends AutoCloseable {

  /**
   * Opens a service over the settings' repositories and model files and loads every model in them
   * (in both control modes). Start-up is strict: if any model fails to load, what was loaded is
   * closed and the failure is thrown, so a server never starts half-configured. Later failures (a
   * reload, a poll) keep the old versions serving; a model that never loaded is listed in {@link
   * #repositoryIndex()} with its reason and makes {@link #ready()} false. Polling starts in {@code
   * POLL} mode.
   */
  static InferenceService open(ServerSettings settings) {
    return RepositoryInferenceService.open(settings);
  }

  /** Server name, version and the protocol extensions it supports. */
  ServerMetadata metadata();

  boolean live();

  /** True when every model the repository asks for is loaded. */
  boolean ready();

  boolean modelReady(String model, Optional<String> version);

  ModelMetadata modelMetadata(String model, Optional<String> version);

  /**
   * Queues the request (dynamic batching where the model allows) and completes with its own rows.
   */
  CompletableFuture<InferResponse> infer(InferRequest request);

  /** Every model the repositories and model files hold, loaded or not, with its state. */
  List<RepositoryEntry> repositoryIndex();

  /**
   * Loads or reloads a model from its repository and swaps its versions in atomically: requests in
   * flight finish on the old sessions; if loading fails the old versions keep serving and the
   * failure is thrown ({@code NOT_FOUND} for an unknown model, {@code BAD_REQUEST} for a bad one).
   */
  void loadModel(String model);

  /**
   * Stops serving a model; requests in flight finish first. {@code NOT_FOUND} if it is not loaded.
   */
  void unloadModel(String model);

  /** Counters per served model version, for {@code /metrics}. */
  List<ModelStatistics> statistics();

  /**
   * Waits for requests in flight, then frees every session and the pools the service created.
   * Idempotent.
   */
  @Override
  void close();

  /**
   * One model of the repository index.
   *
   * @param name the model name
   * @param version the version, or empty for a model that is not loaded
   * @param state {@code READY}, {@code UNAVAILABLE} or {@code LOADING}
   * @param reason why it is not ready, empty when it is
   */
  record RepositoryEntry(String name, String version, String state, String reason) {}

  /**
   * @param name the server's name
   * @param version its version
   * @param extensions protocol extensions, e.g. {@code binary_tensor_data}, {@code
   *     model_repository}
   */
  record ServerMetadata(String name, String version, List<String> extensions) {
    public ServerMetadata {
      extensions = List.copyOf(extensions);
    }
  }

  /**
   * @param name the model name
   * @param versions the versions being served
   * @param platform {@code onnxruntime_onnx}
   * @param inputs input names, datatypes and shapes (-1 for a dynamic dimension)
   * @param outputs output names, datatypes and shapes
   */
  record ModelMetadata(
      String name,
      List<String> versions,
      String platform,
      List<TensorMetadata> inputs,
      List<TensorMetadata> outputs) {
    public ModelMetadata {
      versions = List.copyOf(versions);
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
    }
  }

  /**
   * @param name tensor name
   * @param datatype protocol datatype
   * @param shape dimensions, -1 where dynamic
   */
  record TensorMetadata(String name, Datatype datatype, List<Long> shape) {
    public TensorMetadata {
      shape = List.copyOf(shape);
    }
  }
}
