package dev.edgeinfer.server;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the server's protocol front ends (REST, gRPC) call: health, metadata and inference over
 * the models of a repository. Thread-safe. Failures are {@link ServerException}s (thrown, or
 * completing the future exceptionally for {@link #infer}).
 */
public interface InferenceService extends AutoCloseable {

  /** Server name, version and the protocol extensions it supports. */
  ServerMetadata metadata();

  boolean live();

  /** True when every model the repository asks for is loaded. */
  boolean ready();

  boolean modelReady(String model, Optional<String> version);

  ModelMetadata modelMetadata(String model, Optional<String> version);

  /** Queues the request (dynamic batching where the model allows) and completes with its own rows. */
  CompletableFuture<InferResponse> infer(InferRequest request);

  @Override
  void close();

  /**
   * @param name the server's name
   * @param version its version
   * @param extensions protocol extensions, e.g. {@code binary_tensor_data}, {@code model_repository}
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
  record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
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
