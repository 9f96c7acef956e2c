package dev.edgeinfer.server;

import dev.edgeinfer.server.grpc.GRPCInferenceServiceGrpc;
import dev.edgeinfer.server.grpc.ModelMetadataRequest;
import dev.edgeinfer.server.grpc.ModelReadyRequest;
import dev.edgeinfer.server.grpc.ServerLiveRequest;
import dev.edgeinfer.server.grpc.ServerMetadataRequest;
import dev.edgeinfer.server.grpc.ServerMetadataResponse;
import dev.edgeinfer.server.grpc.ServerReadyRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link InferenceClient} over gRPC ({@code inference.GRPCInferenceService}) with grpc-java's
 * blocking stubs on one HTTP/2 channel. Inputs go as raw_input_contents, as Triton's clients send
 * them. Thread-safe.
 */
final class GrpcInferenceClient implements InferenceClient {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;
  private final ClientOptions options;

  private GrpcInferenceClient(ManagedChannel channel, ClientOptions options) {
    this.channel = channel;
    this.options = options;
    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking =
        GRPCInferenceServiceGrpc.newBlockingStub(channel);
    if (options.bearerToken().isPresent()) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + options.bearerToken().get());
      blocking = blocking.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    this.stub = blocking;
  }

  static GrpcInferenceClient create(String host, int port, ClientOptions options) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("gRPC port must be 1..65535, got " + port);
    }
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(host, port, credentials(options))
            .maxInboundMessageSize(Integer.MAX_VALUE)
            .build();
    return new GrpcInferenceClient(channel, options);
  }

  private static ChannelCredentials credentials(ClientOptions options) {
    if (!options.tls()) {
      return InsecureChannelCredentials.create();
    }
    if (options.trustedCertificates().isEmpty()) {
      return TlsChannelCredentials.create();
    }
    try {
      return TlsChannelCredentials.newBuilder()
          .trustManager(options.trustedCertificates().get().toFile())
          .build();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read trusted certificates "
              + options.trustedCertificates().get()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public boolean live() {
    return call(s -> s.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
  }

  @Override
  public boolean ready() {
    return call(s -> s.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
  }

  @Override
  public boolean modelReady(String model, Optional<String> version) {
    ModelReadyRequest.Builder request = ModelReadyRequest.newBuilder().setName(model);
    version.ifPresent(request::setVersion);
    try {
      return call(s -> s.modelReady(request.build()).getReady());
    } catch (InferenceClientException e) {
      if (e.code() == ServerException.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public InferenceService.ServerMetadata serverMetadata() {
    ServerMetadataResponse metadata =
        call(s -> s.serverMetadata(ServerMetadataRequest.getDefaultInstance()));
    return new InferenceService.ServerMetadata(
        metadata.getName(), metadata.getVersion(), metadata.getExtensionsList());
  }

  @Override
  public InferenceService.ModelMetadata modelMetadata(String model, Optional<String> version) {
    ModelMetadataRequest.Builder request = ModelMetadataRequest.newBuilder().setName(model);
    version.ifPresent(request::setVersion);
    var response = call(s -> s.modelMetadata(request.build()));
    return decode(() -> GrpcCodec.metadata(response));
  }

  @Override
  public InferResponse infer(InferRequest request) {
    var response = call(s -> s.modelInfer(GrpcCodec.request(request)));
    return decode(() -> GrpcCodec.response(response));
  }

  private <T> T call(Function<GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub, T> rpc) {
    try {
      return rpc.apply(stub.withDeadlineAfter(options.timeout().toNanos(), TimeUnit.NANOSECONDS));
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      String message =
          status.getDescription() != null
              ? status.getDescription()
              : status.getCause() != null ? status.getCause().toString() : status.getCode().name();
      throw new InferenceClientException(
          InferenceClientException.fromGrpc(status.getCode().name()),
          "gRPC " + status.getCode().name(),
          message,
          e);
    }
  }

  /** A response that does not decode is the server's fault, reported as such. */
  private static <T> T decode(Supplier<T> decoding) {
    try {
      return decoding.get();
    } catch (ServerException e) {
      throw new InferenceClientException(
          ServerException.Code.INTERNAL,
          "gRPC OK",
          "the server's answer does not decode: " + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "gRPC InferenceClient for " + channel.authority();
  }
}
