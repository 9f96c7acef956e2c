package dev.edgeinfer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgeinfer.pipeline.Ticker;
import dev.edgeinfer.runtime.ModelOptions;
import dev.edgeinfer.server.ClientOptions;
import dev.edgeinfer.server.GrpcFrontEnd;
import dev.edgeinfer.server.GrpcSettings;
import dev.edgeinfer.server.InferenceClient;
import dev.edgeinfer.server.InferenceService;
import dev.edgeinfer.server.ModelStatistics;
import dev.edgeinfer.server.RestSettings;
import dev.edgeinfer.server.ServerFrontEnd;
import dev.edgeinfer.server.ServerSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The benchmark driving the real server over loopback, through the project's own client. */
class RemoteBenchmarkTest {
  static InferenceService service;
  static ServerFrontEnd rest;
  static GrpcFrontEnd grpc;

  @BeforeAll
  static void startServer() {
    service =
        InferenceService.open(
            ServerSettings.builder().model("digits", ScenarioTest.DIGITS).build());
    rest = ServerFrontEnd.rest(service, RestSettings.of("127.0.0.1", 0));
    grpc = GrpcFrontEnd.start(service, GrpcSettings.of("127.0.0.1", 0));
  }

  @AfterAll
  static void stopServer() {
    grpc.close();
    rest.close();
    service.close();
  }

  private static URI url(String transport) {
    return URI.create(
        transport.equals("grpc") ? "grpc://127.0.0.1:" + grpc.port() : rest.endpoint());
  }

  private static BenchConfig config(
      Scenario scenario, OptionalDouble qps, Optional<Path> data, Optional<Path> labels) {
    return new BenchConfig(
        scenario,
        Duration.ofMillis(500),
        Duration.ofMillis(50),
        10,
        OptionalInt.empty(),
        Map.of(),
        false,
        qps,
        false,
        Duration.ofMillis(50),
        0,
        data,
        labels,
        Optional.empty(),
        15.0,
        false);
  }

  private static BenchReport run(String transport, BenchConfig config, List<String> notes) {
    URI url = url(transport);
    try (InferenceClient client = InferenceClient.connect(url, ClientOptions.defaults())) {
      return new Benchmark(
              SystemUnderTest.remote(client, "digits", url.toString()),
              "digits",
              Optional.empty(),
              ModelOptions.defaults(),
              config,
              Progress.none(),
              Ticker.system(),
              notes::add)
          .run();
    }
  }

  private static long served() {
    return service.statistics().stream().mapToLong(ModelStatistics::success).sum();
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "grpc"})
  void everyQueryReachesTheServerAndTheHeldOutDigitsScoreAsInProcess(String transport) {
    long before = served();
    List<String> notes = new ArrayList<>();
    BenchReport r =
        run(
            transport,
            config(
                Scenario.SINGLE_STREAM,
                OptionalDouble.empty(),
                Optional.of(ScenarioTest.TEST_X),
                Optional.of(ScenarioTest.TEST_Y)),
            notes);
    assertEquals(0.9778, r.accuracy().orElseThrow(), 1e-4, "the same model, now over " + transport);
    assertTrue(r.queries() >= 10, "queries " + r.queries());
    // the measured queries, the warm-up and the accuracy batches all went to the server
    assertTrue(served() - before >= r.queries(), "served " + (served() - before));
    assertEquals(url(transport).toString(), r.provider());
    assertTrue(r.energy().isEmpty(), "energy of a remote model cannot be metered here");
    assertTrue(notes.stream().anyMatch(n -> n.contains("energy")), notes.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "grpc"})
  void theServerScenarioOffersPoissonLoadToTheServer(String transport) {
    BenchReport r =
        run(
            transport,
            config(Scenario.SERVER, OptionalDouble.of(100), Optional.empty(), Optional.empty()),
            new ArrayList<>());
    LoadPoint step = r.server().orElseThrow().steps().getFirst();
    assertEquals(100, step.offeredQps());
    // 0.5 s at 100/s is 50 expected arrivals; 5 standard deviations either side
    assertTrue(r.queries() > 50 - 5 * Math.sqrt(50) && r.queries() < 50 + 5 * Math.sqrt(50));
    assertTrue(step.p99Millis() >= step.p50Millis() && step.p50Millis() > 0, step.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "grpc"})
  void offlineBatchesTravelAsOneRequest(String transport) {
    BenchReport r =
        run(
            transport,
            new BenchConfig(
                Scenario.OFFLINE,
                Duration.ofMillis(300),
                Duration.ofMillis(20),
                5,
                OptionalInt.of(16),
                Map.of(),
                false,
                OptionalDouble.empty(),
                false,
                Duration.ofMillis(10),
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                15.0,
                false),
            new ArrayList<>());
    assertEquals(16, r.batch());
    assertEquals(r.queries() * 16, r.samples());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "grpc"})
  void aModelTheServerLacksIsNamedInTheError(String transport) {
    URI url = url(transport);
    try (InferenceClient client = InferenceClient.connect(url, ClientOptions.defaults())) {
      BenchException e =
          assertThrows(
              BenchException.class, () -> SystemUnderTest.remote(client, "nope", url.toString()));
      assertTrue(e.getMessage().contains("'nope' is not ready"), e.getMessage());
    }
  }
}
