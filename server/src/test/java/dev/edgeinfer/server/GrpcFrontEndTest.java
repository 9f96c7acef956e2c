package dev.edgeinfer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.edgeinfer.onnx.proto.TensorProto;
import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.Outputs;
import dev.edgeinfer.runtime.Tensor;
import dev.edgeinfer.server.grpc.GRPCInferenceServiceGrpc;
import dev.edgeinfer.server.grpc.InferParameter;
import dev.edgeinfer.server.grpc.InferTensorContents;
import dev.edgeinfer.server.grpc.ModelInferRequest;
import dev.edgeinfer.server.grpc.ModelInferResponse;
import dev.edgeinfer.server.grpc.ModelMetadataRequest;
import dev.edgeinfer.server.grpc.ModelMetadataResponse;
import dev.edgeinfer.server.grpc.ModelReadyRequest;
import dev.edgeinfer.server.grpc.ModelStatistics;
import dev.edgeinfer.server.grpc.ModelStatisticsRequest;
import dev.edgeinfer.server.grpc.ModelStatisticsResponse;
import dev.edgeinfer.server.grpc.ModelStreamInferResponse;
import dev.edgeinfer.server.grpc.RepositoryIndexRequest;
import dev.edgeinfer.server.grpc.RepositoryIndexResponse;
import dev.edgeinfer.server.grpc.RepositoryModelLoadRequest;
import dev.edgeinfer.server.grpc.RepositoryModelUnloadRequest;
import dev.edgeinfer.server.grpc.ServerLiveRequest;
import dev.edgeinfer.server.grpc.ServerMetadataRequest;
import dev.edgeinfer.server.grpc.ServerMetadataResponse;
import dev.edgeinfer.server.grpc.ServerReadyRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gRPC front end on loopback over the real {@link InferenceService}, driven by grpc-java stubs
 * generated from our {@code grpc_service.proto}, as a Triton or KServe gRPC client would drive it.
 */
class GrpcFrontEndTest {
  private static final String TOKEN = "s3cret-token";

  @TempDir static Path repository;
  private static InferenceService service;
  private static GrpcFrontEnd grpc;
  private static GrpcFrontEnd guarded;
  private static ManagedChannel channel;
  private static ManagedChannel guardedChannel;
  private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

  /** The datatypes ONNX Runtime's Java API serves, each with an Identity model and three values. */
  enum Sample {
    FP32(TensorProto.DataType.FLOAT),
    FP16(TensorProto.DataType.FLOAT16),
    FP64(TensorProto.DataType.DOUBLE),
    INT8(TensorProto.DataType.INT8),
    UINT8(TensorProto.DataType.UINT8),
    INT16(TensorProto.DataType.INT16),
    INT32(TensorProto.DataType.INT32),
    INT64(TensorProto.DataType.INT64),
    BOOL(TensorProto.DataType.BOOL),
    BYTES(TensorProto.DataType.STRING);

    final TensorProto.DataType onnx;

    Sample(TensorProto.DataType onnx) {
      this.onnx = onnx;
    }

    String model() {
      return "identity_" + name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Three elements with the extremes of the type, as typed contents. */
    InferTensorContents typed() {
      InferTensorContents.Builder contents = InferTensorContents.newBuilder();
      return switch (this) {
        case FP32 -> contents.addAllFp32Contents(List.of(1.5f, -2.25f, 3.0e10f)).build();
        case FP64 -> contents.addAllFp64Contents(List.of(1.0e-300, -0.5, Double.MAX_VALUE)).build();
        case INT8 -> contents.addAllIntContents(List.of(-128, 0, 127)).build();
        case UINT8 -> contents.addAllUintContents(List.of(0, 128, 255)).build();
        case INT16 -> contents.addAllIntContents(List.of(-32768, 1, 32767)).build();
        case INT32 ->
            contents.addAllIntContents(List.of(Integer.MIN_VALUE, 0, Integer.MAX_VALUE)).build();
        case INT64 ->
            contents.addAllInt64Contents(List.of(Long.MIN_VALUE, 0L, Long.MAX_VALUE)).build();
        case BOOL -> contents.addAllBoolContents(List.of(true, false, true)).build();
        case BYTES ->
            contents
                .addBytesContents(ByteString.copyFromUtf8("a"))
                .addBytesContents(ByteString.EMPTY)
                .addBytesContents(ByteString.copyFromUtf8("héllo"))
                .build();
        case FP16 -> throw new IllegalStateException("FP16 has no typed contents");
      };
    }

    /** The same three elements in the raw layout. */
    byte[] raw() {
      ByteBuffer out = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
      switch (this) {
        case FP32 -> out.putFloat(1.5f).putFloat(-2.25f).putFloat(3.0e10f);
        case FP16 ->
            out.putShort(Float.floatToFloat16(1.0f))
                .putShort(Float.floatToFloat16(-2.5f))
                .putShort(Float.floatToFloat16(0.125f));
        case FP64 -> out.putDouble(1.0e-300).putDouble(-0.5).putDouble(Double.MAX_VALUE);
        case INT8 -> out.put((byte) -128).put((byte) 0).put((byte) 127);
        case UINT8 -> out.put((byte) 0).put((byte) 128).put((byte) 255);
        case INT16 -> out.putShort((short) -32768).putShort((short) 1).putShort((short) 32767);
        case INT32 -> out.putInt(Integer.MIN_VALUE).putInt(0).putInt(Integer.MAX_VALUE);
        case INT64 -> out.putLong(Long.MIN_VALUE).putLong(0).putLong(Long.MAX_VALUE);
        case BOOL -> out.put((byte) 1).put((byte) 0).put((byte) 1);
        case BYTES -> {
          for (String s : new String[] {"a", "", "héllo"}) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            out.putInt(bytes.length).put(bytes);
          }
        }
      }
      byte[] bytes = new byte[out.position()];
      out.flip().get(bytes);
      return bytes;
    }
  }

  @BeforeAll
  static void startServer() throws Exception {
    TestServer.addDigits(repository, "digits", 1);
    for (Sample sample : Sample.values()) {
      TestServer.addIdentity(repository, sample.model(), sample.onnx, 1, 3);
    }
    service = InferenceService.open(ServerSettings.builder().repository(repository).build());
    grpc = GrpcFrontEnd.start(service, GrpcSettings.of("127.0.0.1", 0));
    guarded = GrpcFrontEnd.start(service, GrpcSettings.of("127.0.0.1", 0).withBearerToken(TOKEN));
    channel = channel(grpc.port());
    guardedChannel = channel(guarded.port());
    stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  private static ManagedChannel channel(int port) {
    return Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
        .build();
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    guardedChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    grpc.close();
    guarded.close();
    service.close();
  }

  @Test
  void theFrontEndReportsTheEphemeralPortItBound() {
    assertTrue(grpc.port() > 0);
    assertEquals("grpc://127.0.0.1:" + grpc.port(), grpc.endpoint());
  }

  @Test
  void serverLiveAndServerReadyAnswerTrue() {
    assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    assertTrue(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
  }

  @Test
  void modelReadyIsTrueForALoadedModelAndFalseForAnUnknownOne() {
    assertTrue(
        stub.modelReady(ModelReadyRequest.newBuilder().setName("digits").build()).getReady());
    assertFalse(stub.modelReady(ModelReadyRequest.newBuilder().setName("nope").build()).getReady());
  }

  @Test
  void serverMetadataNamesTheServerAndItsExtensions() {
    ServerMetadataResponse metadata =
        stub.serverMetadata(ServerMetadataRequest.getDefaultInstance());

    assertEquals("edgeinfer", metadata.getName());
    assertFalse(metadata.getVersion().isEmpty());
    assertEquals(service.metadata().extensions(), metadata.getExtensionsList());
  }

  @Test
  void modelMetadataDescribesTheDigitsInputAndOutput() {
    ModelMetadataResponse metadata =
        stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("digits").build());

    assertEquals("digits", metadata.getName());
    assertEquals(List.of("1"), metadata.getVersionsList());
    assertEquals("onnxruntime_onnx", metadata.getPlatform());
    assertEquals("image", metadata.getInputs(0).getName());
    assertEquals("FP32", metadata.getInputs(0).getDatatype());
    assertEquals(List.of(-1L, 1L, 8L, 8L), metadata.getInputs(0).getShapeList());
    InferenceService.ModelMetadata expected =
        service.modelMetadata("digits", java.util.Optional.empty());
    assertEquals(expected.outputs().getFirst().name(), metadata.getOutputs(0).getName());
    assertEquals(expected.outputs().getFirst().shape(), metadata.getOutputs(0).getShapeList());
  }

  @Test
  void digitsWithRawContentsGivesTheInProcessLogits() {
    float[] pixels = pixels(2);
    ByteBuffer raw = ByteBuffer.allocate(pixels.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(pixels);
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("digits")
            .setId("raw-1")
            .addInputs(digitsInput(2))
            .addRawInputContents(ByteString.copyFrom(raw))
            .build();

    ModelInferResponse response = stub.modelInfer(request);

    assertEquals("digits", response.getModelName());
    assertEquals("1", response.getModelVersion());
    assertEquals("raw-1", response.getId());
    assertEquals(1, response.getOutputsCount());
    assertEquals("FP32", response.getOutputs(0).getDatatype());
    assertEquals(List.of(2L, 10L), response.getOutputs(0).getShapeList());
    assertArrayEquals(inProcessLogits(pixels, 2), floats(response.getRawOutputContents(0)), 1e-5f);
  }

  @Test
  void digitsWithTypedContentsGivesTheInProcessLogits() {
    float[] pixels = pixels(1);
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float pixel : pixels) {
      contents.addFp32Contents(pixel);
    }
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("digits")
            .setModelVersion("1")
            .addInputs(digitsInput(1).setContents(contents))
            .build();

    ModelInferResponse response = stub.modelInfer(request);

    assertEquals("", response.getId());
    assertArrayEquals(inProcessLogits(pixels, 1), floats(response.getRawOutputContents(0)), 1e-5f);
  }

  @ParameterizedTest
  @EnumSource(value = Sample.class, names = "FP16", mode = EnumSource.Mode.EXCLUDE)
  void everyDatatypeInTypedContentsComesBackAsTheSameRawBytes(Sample sample) {
    ModelInferResponse response =
        stub.modelInfer(
            identityRequest(sample)
                .setInputs(0, identityInput(sample).setContents(sample.typed()))
                .build());

    assertIdentity(sample, response);
  }

  @ParameterizedTest
  @EnumSource(Sample.class)
  void everyDatatypeInRawContentsComesBackAsTheSameRawBytes(Sample sample) {
    ModelInferResponse response =
        stub.modelInfer(
            identityRequest(sample).addRawInputContents(ByteString.copyFrom(sample.raw())).build());

    assertIdentity(sample, response);
  }

  @Test
  void fp16InTypedContentsIsAnInvalidArgumentThatSaysToSendRawContents() {
    ModelInferRequest request =
        identityRequest(Sample.FP16)
            .setInputs(
                0,
                identityInput(Sample.FP16)
                    .setContents(
                        InferTensorContents.newBuilder().addAllFp32Contents(List.of(1f, 2f, 3f))))
            .build();

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(request));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(
        e.getStatus().getDescription().contains("raw contents"), e.getStatus().getDescription());
  }

  @Test
  void contentsInTheWrongFieldAreAnInvalidArgumentNamingTheRightOne() {
    ModelInferRequest request =
        identityRequest(Sample.FP32)
            .setInputs(0, identityInput(Sample.FP32).setContents(Sample.INT32.typed()))
            .build();

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(request));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(
        e.getStatus().getDescription().contains("fp32_contents"), e.getStatus().getDescription());
  }

  @Test
  void rawContentsOfTheWrongSizeAreAnInvalidArgument() {
    ModelInferRequest request =
        identityRequest(Sample.INT32)
            .addRawInputContents(ByteString.copyFrom(new byte[11]))
            .build();

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(request));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("11 bytes"), e.getStatus().getDescription());
  }

  @Test
  void theClassificationExtensionIsRefusedRatherThanIgnored() {
    ModelInferRequest request =
        identityRequest(Sample.FP32)
            .addRawInputContents(ByteString.copyFrom(Sample.FP32.raw()))
            .addOutputs(
                ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                    .setName("y")
                    .putParameters(
                        "classification", InferParameter.newBuilder().setInt64Param(2).build()))
            .build();

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(request));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(
        e.getStatus().getDescription().contains("classification"), e.getStatus().getDescription());
  }

  @Test
  void aMessageOverTheSizeLimitIsRefusedAsResourceExhausted() throws InterruptedException {
    try (GrpcFrontEnd small =
        GrpcFrontEnd.start(service, GrpcSettings.of("127.0.0.1", 0).withMaxMessageBytes(1024))) {
      ManagedChannel smallChannel = channel(small.port());
      try {
        ModelInferRequest request =
            ModelInferRequest.newBuilder()
                .setModelName("digits")
                .addInputs(digitsInput(8))
                .addRawInputContents(ByteString.copyFrom(new byte[8 * 64 * 4]))
                .build();

        StatusRuntimeException e =
            assertThrows(
                StatusRuntimeException.class,
                () -> GRPCInferenceServiceGrpc.newBlockingStub(smallChannel).modelInfer(request));

        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
      } finally {
        smallChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anUnknownModelIsNotFound() {
    ModelInferRequest request =
        identityRequest(Sample.FP32)
            .setModelName("no_such_model")
            .addRawInputContents(ByteString.copyFrom(Sample.FP32.raw()))
            .build();

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(request));

    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertTrue(
        e.getStatus().getDescription().contains("no_such_model"), e.getStatus().getDescription());
  }

  @Test
  void aWrongShapeIsAnInvalidArgumentNamingTheExpectedShape() {
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("digits")
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("image")
                    .setDatatype("FP32")
                    .addAllShape(List.of(1L, 1L, 4L, 4L)))
            .addRawInputContents(ByteString.copyFrom(new byte[16 * 4]))
            .build();

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(request));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("8"), e.getStatus().getDescription());
  }

  @Test
  void modelMetadataOfAnUnknownModelIsNotFound() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("nope").build()));

    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  @Test
  void aStreamAnswersEveryRequestInOrderAndABadOneDoesNotEndIt() throws InterruptedException {
    List<ModelStreamInferResponse> answers = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<ModelInferRequest> requests =
        GRPCInferenceServiceGrpc.newStub(channel)
            .modelStreamInfer(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ModelStreamInferResponse answer) {
                    answers.add(answer);
                  }

                  @Override
                  public void onError(Throwable t) {
                    failure.set(t);
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    done.countDown();
                  }
                });
    ByteString raw = ByteString.copyFrom(Sample.INT64.raw());
    requests.onNext(identityRequest(Sample.INT64).setId("first").addRawInputContents(raw).build());
    requests.onNext(
        identityRequest(Sample.INT64)
            .setId("bad")
            .setModelName("no_such_model")
            .addRawInputContents(raw)
            .build());
    requests.onNext(identityRequest(Sample.INT64).setId("third").addRawInputContents(raw).build());
    requests.onCompleted();

    assertTrue(done.await(60, TimeUnit.SECONDS), "the stream did not complete");
    assertEquals(null, failure.get());
    assertEquals(3, answers.size());
    assertEquals("first", answers.get(0).getInferResponse().getId());
    assertEquals(raw, answers.get(0).getInferResponse().getRawOutputContents(0));
    assertTrue(
        answers.get(1).getErrorMessage().contains("no_such_model"),
        answers.get(1).getErrorMessage());
    assertFalse(answers.get(1).hasInferResponse());
    assertEquals("", answers.get(0).getErrorMessage());
    assertEquals("third", answers.get(2).getInferResponse().getId());
    assertEquals(raw, answers.get(2).getInferResponse().getRawOutputContents(0));
  }

  @Test
  void inferenceWithoutATokenIsUnauthenticated() {
    var unauthenticated = GRPCInferenceServiceGrpc.newBlockingStub(guardedChannel);

    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                unauthenticated.modelInfer(
                    identityRequest(Sample.FP32)
                        .addRawInputContents(ByteString.copyFrom(Sample.FP32.raw()))
                        .build()));

    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
  }

  @Test
  void inferenceWithAWrongTokenIsUnauthenticated() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                withToken("wrong-token")
                    .modelInfer(
                        identityRequest(Sample.FP32)
                            .addRawInputContents(ByteString.copyFrom(Sample.FP32.raw()))
                            .build()));

    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("wrong"), e.getStatus().getDescription());
  }

  @Test
  void inferenceWithTheRightTokenIsServed() {
    ModelInferResponse response =
        withToken(TOKEN)
            .modelInfer(
                identityRequest(Sample.FP32)
                    .addRawInputContents(ByteString.copyFrom(Sample.FP32.raw()))
                    .build());

    assertIdentity(Sample.FP32, response);
  }

  @Test
  void healthNeedsNoTokenWhereInferenceDoes() {
    var unauthenticated = GRPCInferenceServiceGrpc.newBlockingStub(guardedChannel);

    assertTrue(unauthenticated.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    assertTrue(
        unauthenticated
            .modelReady(ModelReadyRequest.newBuilder().setName("digits").build())
            .getReady());
  }

  @Test
  void modelStatisticsCountTheInferencesOfAModel() {
    stub.modelInfer(
        identityRequest(Sample.INT16)
            .addRawInputContents(ByteString.copyFrom(Sample.INT16.raw()))
            .build());

    ModelStatisticsResponse statistics =
        stub.modelStatistics(
            ModelStatisticsRequest.newBuilder().setName(Sample.INT16.model()).build());

    assertEquals(1, statistics.getModelStatsCount());
    ModelStatistics model = statistics.getModelStats(0);
    assertEquals(Sample.INT16.model(), model.getName());
    assertEquals("1", model.getVersion());
    assertTrue(model.getInferenceCount() >= 1, model.toString());
    assertTrue(model.getExecutionCount() >= 1, model.toString());
    assertTrue(model.getInferenceStats().getSuccess().getCount() >= 1, model.toString());
  }

  @Test
  void statisticsOfAnUnknownModelAreNotFound() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.modelStatistics(ModelStatisticsRequest.newBuilder().setName("nope").build()));

    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  @Test
  void theRepositoryIndexListsEveryModelAsReady() {
    RepositoryIndexResponse index =
        stub.repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(true).build());

    List<String> names =
        index.getModelsList().stream().map(RepositoryIndexResponse.ModelIndex::getName).toList();
    assertTrue(names.contains("digits"), names.toString());
    assertTrue(
        names.containsAll(List.of("digits", "identity_fp32", "identity_bytes")), names.toString());
    index.getModelsList().forEach(model -> assertEquals("READY", model.getState()));
  }

  @Test
  void aModelUnloadedOverGrpcIsNotReadyUntilItIsLoadedAgain(@TempDir Path own) throws Exception {
    TestServer.addIdentity(own, "reloadable", TensorProto.DataType.FLOAT, 1, 3);
    ModelReadyRequest reloadable = ModelReadyRequest.newBuilder().setName("reloadable").build();
    try (InferenceService ownService =
            InferenceService.open(ServerSettings.builder().repository(own).build());
        GrpcFrontEnd ownFrontEnd =
            GrpcFrontEnd.start(ownService, GrpcSettings.of("127.0.0.1", 0))) {
      ManagedChannel ownChannel = channel(ownFrontEnd.port());
      try {
        var ownStub = GRPCInferenceServiceGrpc.newBlockingStub(ownChannel);

        ownStub.repositoryModelUnload(
            RepositoryModelUnloadRequest.newBuilder().setModelName("reloadable").build());
        assertFalse(ownStub.modelReady(reloadable).getReady());

        ownStub.repositoryModelLoad(
            RepositoryModelLoadRequest.newBuilder().setModelName("reloadable").build());
        assertTrue(ownStub.modelReady(reloadable).getReady());

        StatusRuntimeException e =
            assertThrows(
                StatusRuntimeException.class,
                () ->
                    ownStub.repositoryModelLoad(
                        RepositoryModelLoadRequest.newBuilder()
                            .setModelName("no_such_model")
                            .build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
      } finally {
        ownChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void repositoryCallsNeedTheToken() {
    var unauthenticated = GRPCInferenceServiceGrpc.newBlockingStub(guardedChannel);

    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> unauthenticated.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()));

    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
  }

  private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub withToken(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return GRPCInferenceServiceGrpc.newBlockingStub(guardedChannel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static ModelInferRequest.InferInputTensor.Builder identityInput(Sample sample) {
    return ModelInferRequest.InferInputTensor.newBuilder()
        .setName("x")
        .setDatatype(sample.name())
        .addAllShape(List.of(1L, 3L));
  }

  private static ModelInferRequest.Builder identityRequest(Sample sample) {
    return ModelInferRequest.newBuilder()
        .setModelName(sample.model())
        .addInputs(identityInput(sample));
  }

  private static void assertIdentity(Sample sample, ModelInferResponse response) {
    assertEquals(sample.model(), response.getModelName());
    assertEquals("y", response.getOutputs(0).getName());
    assertEquals(sample.name(), response.getOutputs(0).getDatatype());
    assertEquals(List.of(1L, 3L), response.getOutputs(0).getShapeList());
    assertFalse(response.getOutputs(0).hasContents());
    assertArrayEquals(sample.raw(), response.getRawOutputContents(0).toByteArray());
  }

  private static ModelInferRequest.InferInputTensor.Builder digitsInput(int batch) {
    return ModelInferRequest.InferInputTensor.newBuilder()
        .setName("image")
        .setDatatype("FP32")
        .addAllShape(List.of((long) batch, 1L, 8L, 8L));
  }

  static float[] pixels(int batch) {
    SplittableRandom random = new SplittableRandom(42 + batch);
    float[] pixels = new float[batch * 64];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextDouble(0, 16);
    }
    return pixels;
  }

  static float[] inProcessLogits(float[] pixels, int batch) {
    try (Model model = Model.open(TestServer.DIGITS);
        Tensor image = Tensor.ofFloats(pixels, batch, 1, 8, 8);
        Outputs outputs = model.run(Map.of("image", image));
        Tensor logits = outputs.get(0)) {
      return logits.toFloatArray();
    }
  }

  private static float[] floats(ByteString raw) {
    ByteBuffer buffer = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[buffer.remaining() / 4];
    buffer.asFloatBuffer().get(values);
    return values;
  }
}
