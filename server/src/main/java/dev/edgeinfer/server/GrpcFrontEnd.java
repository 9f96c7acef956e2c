package dev.edgeinfer.server;

/**
 * The KServe v2 / Open Inference Protocol gRPC front end ({@code inference.GRPCInferenceService}):
 * health, metadata, {@code ModelInfer} and Triton's {@code ModelStreamInfer}, answered by an {@link
 * InferenceService}. Standard KServe v2 and Triton gRPC clients work against it unchanged.
 *
 * <pre>{@code
 * try (GrpcFrontEnd grpc = GrpcFrontEnd.start(service, GrpcSettings.of("0.0.0.0", 8001))) {
 *   System.out.println("gRPC on " + grpc.endpoint());
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. Closing stops accepting calls, lets those in flight finish for the settings'
 * grace period, then cancels the rest; it does not close the {@link InferenceService}, which the
 * caller owns.
 */
public interface GrpcFrontEnd extends ServerFrontEnd {

  /**
   * Binds and starts serving.
   *
   * @throws ServerException {@code UNAVAILABLE} when the address cannot be bound or the TLS files
   *     cannot be used
   */
  static GrpcFrontEnd start(InferenceService service, GrpcSettings settings) {
    return GrpcNettyFrontEnd.start(service, settings);
  }

  /** {@code grpc}, or {@code grpcs} with TLS. */
  @Override
  String protocol();

  /** The port actually bound: the settings' port, or the one the OS chose for port 0. */
  default int port() {
    return address().getPort();
  }

  /** Idempotent: graceful shutdown, as described on the type. */
  @Override
  void close();
}
