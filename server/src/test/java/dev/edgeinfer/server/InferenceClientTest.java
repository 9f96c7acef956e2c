package dev.edgeinfer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgeinfer.onnx.proto.TensorProto;
import dev.edgeinfer.runtime.ElementType;
import dev.edgeinfer.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java client over both transports against the real server: the real {@link InferenceService}
 * behind the REST and the gRPC front ends on loopback.
 */
class InferenceClientTest {
  private static final String TOKEN = "client-test-token";
  private static final ElementType[] TYPES = {
    ElementType.FLOAT32,
    ElementType.FLOAT16,
    ElementType.FLOAT64,
    ElementType.INT8,
    ElementType.UINT8,
    ElementType.INT16,
    ElementType.INT32,
    ElementType.INT64,
    ElementType.BOOL,
    ElementType.STRING
  };

  @TempDir static Path repository;
  @TempDir static Path keys;
  private static TestServer server;
  private static GrpcFrontEnd grpc;
  private static ServerFrontEnd guardedRest;
  private static GrpcFrontEnd guardedGrpc;
  private static ServerFrontEnd tlsRest;
  private static GrpcFrontEnd tlsGrpc;
  private static Path certificate;

  /** How a client reaches the server. */
  enum Transport {
    REST,
    GRPC;

    InferenceClient client(ClientOptions options) {
      return this == REST
          ? InferenceClient.rest(URI.create(server.rest.endpoint()), options)
          : InferenceClient.grpc("127.0.0.1", grpc.port(), options);
    }

    InferenceClient guarded(ClientOptions options) {
      return this == REST
          ? InferenceClient.rest(URI.create(guardedRest.endpoint()), options)
          : InferenceClient.grpc("127.0.0.1", guardedGrpc.port(), options);
    }
  }

  @BeforeAll
  static void startServer() throws Exception {
    TestServer.addDigits(repository, "digits", 1);
    TestServer.addDigits(repository, "digits_batched", 1);
    Files.writeString(
        repository.resolve("digits_batched").resolve("config.json"),
        "{\"max_batch_size\": 8, \"dynamic_batching\": {\"max_queue_delay_microseconds\": 2000}}");
    for (ElementType type : TYPES) {
      TestServer.addIdentity(repository, identity(type), onnx(type), 1, 3);
    }
    certificate = selfSignedCertificate(keys);
    server = TestServer.start(ServerSettings.builder().repository(repository).build());
    grpc = GrpcFrontEnd.start(server.service, GrpcSettings.of("127.0.0.1", 0));
    guardedRest =
        ServerFrontEnd.rest(server.service, RestSettings.of("127.0.0.1", 0).withBearerToken(TOKEN));
    guardedGrpc =
        GrpcFrontEnd.start(server.service, GrpcSettings.of("127.0.0.1", 0).withBearerToken(TOKEN));
    Path key = keys.resolve("server.key");
    tlsRest =
        ServerFrontEnd.rest(
            server.service,
            RestSettings.of("127.0.0.1", 0).withTls(new RestSettings.Tls(certificate, key)));
    tlsGrpc =
        GrpcFrontEnd.start(
            server.service, GrpcSettings.of("127.0.0.1", 0).withTls(certificate, key));
  }

  @AfterAll
  static void stopServer() {
    grpc.close();
    guardedRest.close();
    guardedGrpc.close();
    tlsRest.close();
    tlsGrpc.close();
    server.close();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void theServerIsLiveAndReady(Transport transport) {
    try (InferenceClient client = transport.client(ClientOptions.defaults())) {
      assertTrue(client.live());
      assertTrue(client.ready());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void serverMetadataNamesTheServerAndItsExtensions(Transport transport) {
    try (InferenceClient client = transport.client(ClientOptions.defaults())) {
      assertEquals(server.service.metadata(), client.serverMetadata());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aModelIsReadyWhenLoadedAndNotWhenTheServerLacksIt(Transport transport) {
    try (InferenceClient client = transport.client(ClientOptions.defaults())) {
      assertTrue(client.modelReady("digits"));
      assertTrue(client.modelReady("digits", Optional.of("1")));
      assertFalse(client.modelReady("no_such_model"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void modelMetadataIsWhatTheServiceDescribes(Transport transport) {
    try (InferenceClient client = transport.client(ClientOptions.defaults())) {
      assertEquals(
          server.service.modelMetadata("digits", Optional.empty()), client.modelMetadata("digits"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void inferOnTensorsGivesTheInProcessLogits(Transport transport) {
    float[] pixels = GrpcFrontEndTest.pixels(3);
    try (InferenceClient client = transport.client(ClientOptions.defaults());
        Tensor image = Tensor.ofFloats(pixels, 3, 1, 8, 8)) {
      Map<String, Tensor> outputs = client.infer("digits", Map.of("image", image));

      assertEquals(1, outputs.size());
      try (Tensor logits = outputs.values().iterator().next()) {
        assertArrayEquals(new long[] {3, 10}, logits.shape());
        assertArrayEquals(
            GrpcFrontEndTest.inProcessLogits(pixels, 3), logits.toFloatArray(), 1e-5f);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void concurrentClientsOfABatchedModelEachGetTheirOwnRows(Transport transport) throws Exception {
    int clients = 16;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try (InferenceClient client = transport.client(ClientOptions.defaults())) {
      List<Future<float[][]>> answers = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int rows = 1 + c % 3;
        answers.add(
            pool.submit(
                () -> {
                  float[] pixels = GrpcFrontEndTest.pixels(rows);
                  try (Tensor image = Tensor.ofFloats(pixels, rows, 1, 8, 8);
                      Tensor logits =
                          client.infer("digits_batched", Map.of("image", image)).get("logits")) {
                    return new float[][] {
                      GrpcFrontEndTest.inProcessLogits(pixels, rows), logits.toFloatArray()
                    };
                  }
                }));
      }
      for (Future<float[][]> answer : answers) {
        float[][] expectedAndActual = answer.get(60, TimeUnit.SECONDS);
        assertArrayEquals(expectedAndActual[0], expectedAndActual[1], 1e-4f);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static Stream<Arguments> everyTensorType() {
    List<Arguments> cases = new ArrayList<>();
    for (Transport transport : Transport.values()) {
      for (ElementType type : TYPES) {
        cases.add(Arguments.of(transport, type));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("everyTensorType")
  void everyTensorTypeComesBackUnchangedFromAnIdentityModel(Transport transport, ElementType type) {
    try (InferenceClient client = transport.client(ClientOptions.defaults());
        Tensor input = sample(type)) {
      Map<String, Tensor> outputs = client.infer(identity(type), Map.of("x", input));

      try (Tensor output = outputs.get("y")) {
        assertEquals(type, output.type());
        assertArrayEquals(new long[] {1, 3}, output.shape());
        if (type == ElementType.STRING) {
          assertArrayEquals(input.toStrings(), output.toStrings());
        } else {
          assertEquals(input.buffer(), output.buffer());
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void theLowLevelInferEchoesTheRequestIdAndNamesTheVersionThatRan(Transport transport) {
    try (InferenceClient client = transport.client(ClientOptions.defaults());
        Tensor input = sample(ElementType.INT64)) {
      InferTensor wire = ClientTensorCodec.wire("x", input);
      InferResponse response =
          client.infer(
              new InferRequest(
                  identity(ElementType.INT64),
                  Optional.of("1"),
                  Optional.of("request-7"),
                  List.of(wire),
                  List.of(new InferRequest.RequestedOutput("y", true))));

      assertEquals(identity(ElementType.INT64), response.model());
      assertEquals("1", response.version());
      assertEquals(Optional.of("request-7"), response.id());
      assertEquals(Datatype.INT64, response.outputs().getFirst().datatype());
      assertEquals(wire.data().duplicate().position(0), response.outputs().getFirst().data());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = ElementType.class,
      names = {"FLOAT32", "FLOAT64", "INT8", "UINT8", "INT32", "INT64", "BOOL", "STRING"})
  void outputsAskedForAsJsonOverRestDecodeToTheSameTensor(ElementType type) {
    try (InferenceClient client = Transport.REST.client(ClientOptions.defaults());
        Tensor input = sample(type)) {
      InferResponse response =
          client.infer(
              new InferRequest(
                  identity(type),
                  Optional.empty(),
                  Optional.empty(),
                  List.of(ClientTensorCodec.wire("x", input)),
                  List.of(new InferRequest.RequestedOutput("y", false))));

      try (Tensor output = ClientTensorCodec.tensor(response.outputs().getFirst())) {
        if (type == ElementType.STRING) {
          assertArrayEquals(input.toStrings(), output.toStrings());
        } else {
          assertEquals(input.buffer(), output.buffer());
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anUnknownModelFailsAsNotFoundWithTheServersMessage(Transport transport) {
    try (InferenceClient client = transport.client(ClientOptions.defaults());
        Tensor input = sample(ElementType.FLOAT32)) {
      InferenceClientException e =
          assertThrows(
              InferenceClientException.class,
              () -> client.infer("no_such_model", Map.of("x", input)));

      assertEquals(ServerException.Code.NOT_FOUND, e.code());
      assertEquals(transport == Transport.REST ? "HTTP 404" : "gRPC NOT_FOUND", e.status());
      assertTrue(e.getMessage().contains("no_such_model"), e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aWrongShapeFailsAsABadRequest(Transport transport) {
    try (InferenceClient client = transport.client(ClientOptions.defaults());
        Tensor image = Tensor.ofFloats(new float[16], 1, 1, 4, 4)) {
      InferenceClientException e =
          assertThrows(
              InferenceClientException.class, () -> client.infer("digits", Map.of("image", image)));

      assertEquals(ServerException.Code.BAD_REQUEST, e.code());
      assertTrue(e.getMessage().contains("image"), e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aWrongTokenFailsAsUnauthorized(Transport transport) {
    try (InferenceClient client =
            transport.guarded(ClientOptions.defaults().withBearerToken("wrong"));
        Tensor input = sample(ElementType.FLOAT32)) {
      InferenceClientException e =
          assertThrows(
              InferenceClientException.class,
              () -> client.infer(identity(ElementType.FLOAT32), Map.of("x", input)));

      assertEquals(ServerException.Code.UNAUTHORIZED, e.code());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void theRightTokenIsServed(Transport transport) {
    try (InferenceClient client =
            transport.guarded(ClientOptions.defaults().withBearerToken(TOKEN));
        Tensor input = sample(ElementType.FLOAT32)) {
      Map<String, Tensor> outputs = client.infer(identity(ElementType.FLOAT32), Map.of("x", input));

      try (Tensor output = outputs.get("y")) {
        assertEquals(input.buffer(), output.buffer());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aClientTrustingTheServersCertificateTalksTls(Transport transport) {
    ClientOptions options = ClientOptions.defaults().withTrustedCertificates(certificate);
    try (InferenceClient client =
            transport == Transport.REST
                ? InferenceClient.rest(URI.create(tlsRest.endpoint()), options)
                : InferenceClient.grpc("localhost", tlsGrpc.port(), options);
        Tensor input = sample(ElementType.STRING)) {
      assertTrue(tlsRest.endpoint().startsWith("https://"), tlsRest.endpoint());
      assertEquals("grpcs", tlsGrpc.protocol());
      assertTrue(client.live());
      try (Tensor output =
          client.infer(identity(ElementType.STRING), Map.of("x", input)).get("y")) {
        assertArrayEquals(input.toStrings(), output.toStrings());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aServerThatIsNotThereIsUnavailable(Transport transport) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (InferenceClient client =
        transport == Transport.REST
            ? InferenceClient.rest(URI.create("http://127.0.0.1:" + port))
            : InferenceClient.grpc("127.0.0.1", port)) {
      InferenceClientException e = assertThrows(InferenceClientException.class, client::live);

      assertEquals(ServerException.Code.UNAVAILABLE, e.code());
    }
  }

  @Test
  void aBfloat16InputIsRefusedBeforeAnythingIsSent() {
    try (InferenceClient client = Transport.GRPC.client(ClientOptions.defaults());
        Tensor input = Tensor.ofFloats(ElementType.BFLOAT16, new float[] {1, 2, 3}, 1, 3)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> client.infer("digits", Map.of("x", input)));

      assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
    }
  }

  @Test
  void optionsNeverShowTheToken() {
    assertFalse(ClientOptions.defaults().withBearerToken(TOKEN).toString().contains(TOKEN));
    assertFalse(GrpcSettings.of("0.0.0.0", 0).withBearerToken(TOKEN).toString().contains(TOKEN));
  }

  private static String identity(ElementType type) {
    return "identity_" + type;
  }

  private static TensorProto.DataType onnx(ElementType type) {
    return switch (type) {
      case FLOAT32 -> TensorProto.DataType.FLOAT;
      case FLOAT16 -> TensorProto.DataType.FLOAT16;
      case FLOAT64 -> TensorProto.DataType.DOUBLE;
      case INT8 -> TensorProto.DataType.INT8;
      case UINT8 -> TensorProto.DataType.UINT8;
      case INT16 -> TensorProto.DataType.INT16;
      case INT32 -> TensorProto.DataType.INT32;
      case INT64 -> TensorProto.DataType.INT64;
      case BOOL -> TensorProto.DataType.BOOL;
      case STRING -> TensorProto.DataType.STRING;
      case BFLOAT16 -> TensorProto.DataType.BFLOAT16;
    };
  }

  /** A [1,3] tensor of the type with varied bytes (bools 0 or 1, strings with non-ASCII text). */
  private static Tensor sample(ElementType type) {
    if (type == ElementType.STRING) {
      return Tensor.ofStrings(new String[] {"edge", "", "ünïcode ✓"}, 1, 3);
    }
    Tensor tensor = Tensor.zeros(type, 1, 3);
    ByteBuffer buffer = tensor.buffer();
    SplittableRandom random = new SplittableRandom(type.ordinal());
    for (int i = 0; i < buffer.capacity(); i++) {
      buffer.put(i, type == ElementType.BOOL ? (byte) (i % 2) : (byte) random.nextInt(256));
    }
    if (type.isFloatingPoint()) {
      tensor.setFloats(0, new float[] {1.5f, -0.25f, 1024f});
    }
    return tensor;
  }

  /**
   * A self-signed certificate for localhost and 127.0.0.1 and its key as PEM files, made with the
   * JDK's keytool so the test needs nothing outside the JDK.
   */
  private static Path selfSignedCertificate(Path dir) throws Exception {
    Path store = dir.resolve("server.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String log = new String(process.getInputStream().readAllBytes());
    assertEquals(0, process.waitFor(), log);
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, "changeit".toCharArray());
    }
    PrivateKey key = (PrivateKey) keyStore.getKey("server", "changeit".toCharArray());
    Certificate cert = keyStore.getCertificate("server");
    Path certFile = dir.resolve("server.crt");
    Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(dir.resolve("server.key"), pem("PRIVATE KEY", key.getEncoded()));
    return certFile;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
