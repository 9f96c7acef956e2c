package dev.edgeinfer.server;

import dev.edgeinfer.runtime.InferenceException;
import dev.edgeinfer.server.grpc.GRPCInferenceServiceGrpc;
import dev.edgeinfer.server.grpc.ModelInferRequest;
import dev.edgeinfer.server.grpc.ModelInferResponse;
import dev.edgeinfer.server.grpc.ModelMetadataRequest;
import dev.edgeinfer.server.grpc.ModelMetadataResponse;
import dev.edgeinfer.server.grpc.ModelReadyRequest;
import dev.edgeinfer.server.grpc.ModelReadyResponse;
import dev.edgeinfer.server.grpc.ModelStatisticsRequest;
import dev.edgeinfer.server.grpc.ModelStatisticsResponse;
import dev.edgeinfer.server.grpc.ModelStreamInferResponse;
import dev.edgeinfer.server.grpc.RepositoryIndexRequest;
import dev.edgeinfer.server.grpc.RepositoryIndexResponse;
import dev.edgeinfer.server.grpc.RepositoryModelLoadRequest;
import dev.edgeinfer.server.grpc.RepositoryModelLoadResponse;
import dev.edgeinfer.server.grpc.RepositoryModelUnloadRequest;
import dev.edgeinfer.server.grpc.RepositoryModelUnloadResponse;
import dev.edgeinfer.server.grpc.ServerLiveRequest;
import dev.edgeinfer.server.grpc.ServerLiveResponse;
import dev.edgeinfer.server.grpc.ServerMetadataRequest;
import dev.edgeinfer.server.grpc.ServerMetadataResponse;
import dev.edgeinfer.server.grpc.ServerReadyRequest;
import dev.edgeinfer.server.grpc.ServerReadyResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The RPCs of {@code inference.GRPCInferenceService}, each translated by {@link GrpcCodec} to a
 * call on the {@link InferenceService}. Failures become the gRPC status of their {@link
 * ServerException.Code} with the one-line message as description; on a stream they become an {@code
 * error_message} and the stream goes on. Thread-safe.
 */
final class GrpcInferenceEndpoint extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  private static final System.Logger LOG = System.getLogger(GrpcInferenceEndpoint.class.getName());

  private final InferenceService service;
  private final Executor control;

  /**
   * @param service what answers the calls
   * @param control where the repository calls run, off the event loops: loading a model blocks
   */
  GrpcInferenceEndpoint(InferenceService service, Executor control) {
    this.service = service;
    this.control = control;
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> answer) {
    unary(answer, () -> ServerLiveResponse.newBuilder().setLive(service.live()).build());
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> answer) {
    unary(answer, () -> ServerReadyResponse.newBuilder().setReady(service.ready()).build());
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> answer) {
    unary(
        answer,
        () ->
            ModelReadyResponse.newBuilder()
                .setReady(
                    service.modelReady(model(request.getName()), version(request.getVersion())))
                .build());
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> answer) {
    unary(
        answer,
        () -> {
          InferenceService.ServerMetadata metadata = service.metadata();
          return ServerMetadataResponse.newBuilder()
              .setName(metadata.name())
              .setVersion(metadata.version())
              .addAllExtensions(metadata.extensions())
              .build();
        });
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> answer) {
    unary(
        answer,
        () ->
            GrpcCodec.metadata(
                service.modelMetadata(model(request.getName()), version(request.getVersion()))));
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> answer) {
    infer(request)
        .whenComplete(
            (response, failure) -> {
              try {
                if (failure != null) {
                  answer.onError(status(failure));
                } else {
                  answer.onNext(GrpcCodec.response(response));
                  answer.onCompleted();
                }
              } catch (RuntimeException e) {
                answer.onError(status(e));
              }
            });
  }

  /**
   * Runs each request of the stream as it arrives (so they batch with each other and with other
   * clients) and answers in request order, a failed one with its error message.
   */
  @Override
  public StreamObserver<ModelInferRequest> modelStreamInfer(
      StreamObserver<ModelStreamInferResponse> answers) {
    ServerCallStreamObserver<ModelStreamInferResponse> call =
        (ServerCallStreamObserver<ModelStreamInferResponse>) answers;
    return new StreamObserver<>() {
      private CompletableFuture<Void> sent = CompletableFuture.completedFuture(null);

      @Override
      public void onNext(ModelInferRequest request) {
        CompletableFuture<ModelStreamInferResponse> answer =
            infer(request)
                .handle(
                    (response, failure) -> {
                      ModelStreamInferResponse.Builder message =
                          ModelStreamInferResponse.newBuilder();
                      if (failure != null) {
                        return message.setErrorMessage(message(failure)).build();
                      }
                      try {
                        return message.setInferResponse(GrpcCodec.response(response)).build();
                      } catch (RuntimeException e) {
                        return message.setErrorMessage(message(e)).build();
                      }
                    });
        synchronized (this) {
          sent = sent.thenCombine(answer, (previous, message) -> send(message));
        }
      }

      private Void send(ModelStreamInferResponse message) {
        if (!call.isCancelled()) {
          try {
            call.onNext(message);
          } catch (RuntimeException e) {
            // the client went away between the check and the send; nothing to answer
          }
        }
        return null;
      }

      @Override
      public void onError(Throwable t) {
        // the client cancelled or the connection broke: there is no one left to answer
      }

      @Override
      public void onCompleted() {
        CompletableFuture<Void> last;
        synchronized (this) {
          last = sent;
        }
        last.whenComplete(
            (ignored, failure) -> {
              if (!call.isCancelled()) {
                call.onCompleted();
              }
            });
      }
    };
  }

  /**
   * Triton's statistics extension from the service's counters; per-batch-size stats are left out.
   */
  @Override
  public void modelStatistics(
      ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> answer) {
    unary(
        answer,
        () -> {
          ModelStatisticsResponse.Builder response = ModelStatisticsResponse.newBuilder();
          for (ModelStatistics counters : service.statistics()) {
            if ((request.getName().isEmpty() || request.getName().equals(counters.model()))
                && (request.getVersion().isEmpty()
                    || request.getVersion().equals(counters.version()))) {
              response.addModelStats(GrpcCodec.statistics(counters));
            }
          }
          if (!request.getName().isEmpty() && response.getModelStatsCount() == 0) {
            throw new ServerException(
                ServerException.Code.NOT_FOUND,
                "no statistics for model '"
                    + request.getName()
                    + "'"
                    + (request.getVersion().isEmpty() ? "" : " version " + request.getVersion())
                    + ": it is not being served");
          }
          return response.build();
        });
  }

  @Override
  public void repositoryIndex(
      RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> answer) {
    onControl(
        answer,
        () -> {
          RepositoryIndexResponse.Builder index = RepositoryIndexResponse.newBuilder();
          for (InferenceService.RepositoryEntry entry : service.repositoryIndex()) {
            if (!request.getReady() || entry.state().equals("READY")) {
              index.addModels(
                  RepositoryIndexResponse.ModelIndex.newBuilder()
                      .setName(entry.name())
                      .setVersion(entry.version())
                      .setState(entry.state())
                      .setReason(entry.reason()));
            }
          }
          return index.build();
        });
  }

  /** Reloads from the repository; Triton's config and file overrides are refused, not ignored. */
  @Override
  public void repositoryModelLoad(
      RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> answer) {
    onControl(
        answer,
        () -> {
          if (request.getParametersCount() > 0) {
            throw new ServerException(
                ServerException.Code.BAD_REQUEST,
                "load parameters "
                    + request.getParametersMap().keySet()
                    + " are not supported: EdgeInfer loads models only from the repository; put the"
                    + " files and config there and load again");
          }
          service.loadModel(model(request.getModelName()));
          return RepositoryModelLoadResponse.getDefaultInstance();
        });
  }

  @Override
  public void repositoryModelUnload(
      RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> answer) {
    onControl(
        answer,
        () -> {
          service.unloadModel(model(request.getModelName()));
          return RepositoryModelUnloadResponse.getDefaultInstance();
        });
  }

  private CompletableFuture<InferResponse> infer(ModelInferRequest request) {
    try {
      return service.infer(GrpcCodec.request(request));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Runs a blocking call on the control thread, one at a time, as the REST front end does. */
  private <T> void onControl(StreamObserver<T> answer, Supplier<T> call) {
    try {
      control.execute(() -> unary(answer, call));
    } catch (RejectedExecutionException e) {
      answer.onError(
          Status.UNAVAILABLE.withDescription("the server is shutting down").asRuntimeException());
    }
  }

  private static <T> void unary(StreamObserver<T> answer, Supplier<T> call) {
    T response;
    try {
      response = call.get();
    } catch (RuntimeException e) {
      answer.onError(status(e));
      return;
    }
    answer.onNext(response);
    answer.onCompleted();
  }

  private static String model(String name) {
    if (name.isEmpty()) {
      throw new ServerException(ServerException.Code.BAD_REQUEST, "the model name is empty");
    }
    return name;
  }

  private static Optional<String> version(String version) {
    return version.isEmpty() ? Optional.empty() : Optional.of(version);
  }

  /** The gRPC status for a failure: its code's status, its message as description. */
  static StatusRuntimeException status(Throwable failure) {
    Throwable cause = unwrap(failure);
    Status status =
        switch (cause) {
          case StatusRuntimeException e -> e.getStatus();
          case ServerException e ->
              Status.fromCode(Status.Code.valueOf(e.code().grpcStatus()))
                  .withDescription(e.getMessage());
          case InferenceException e ->
              Status.fromCode(
                      switch (e.code().httpStatus()) {
                        case 400 -> Status.Code.INVALID_ARGUMENT;
                        case 404 -> Status.Code.NOT_FOUND;
                        case 503 -> Status.Code.UNAVAILABLE;
                        default -> Status.Code.INTERNAL;
                      })
                  .withDescription(e.getMessage());
          default -> {
            LOG.log(System.Logger.Level.WARNING, "gRPC call failed unexpectedly", cause);
            yield Status.INTERNAL.withDescription(
                "internal error: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
          }
        };
    return status.asRuntimeException();
  }

  /** The one-line message a stream answers a failed request with. */
  private static String message(Throwable failure) {
    Status status = status(failure).getStatus();
    return status.getDescription() == null ? status.getCode().name() : status.getDescription();
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
