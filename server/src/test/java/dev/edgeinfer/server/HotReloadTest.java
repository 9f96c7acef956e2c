package dev.edgeinfer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HotReloadTest {
  @TempDir Path repo;

  /** Waits (bounded) for a condition that asynchronous work makes true; not a timing assertion. */
  private static void eventually(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never happened: " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void reloadingUnderConcurrentLoadFailsNoRequestAndSwitchesTheVersion() throws Exception {
    TestServer.addDigits(repo, "digits", 1);
    try (TestServer server = TestServer.start(ServerSettings.builder().repository(repo).build())) {
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong answered = new AtomicLong();
      List<String> failures = new CopyOnWriteArrayList<>();
      Set<String> versions = ConcurrentHashMap.newKeySet();
      ExecutorService clients = Executors.newFixedThreadPool(8);
      String body = TestServer.digitsRequest(new float[64], 1);
      List<Future<?>> loops = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        loops.add(
            clients.submit(
                () -> {
                  while (running.get()) {
                    HttpResponse<String> response = server.post("/v2/models/digits/infer", body);
                    if (response.statusCode() != 200) {
                      failures.add(response.statusCode() + " " + response.body());
                    } else {
                      versions.add(TestServer.json(response.body()).get("model_version").asText());
                      answered.incrementAndGet();
                    }
                  }
                }));
      }
      eventually(() -> answered.get() > 50, "requests answered before the reload");
      TestServer.addDigits(repo, "digits", 2);
      assertEquals(200, server.post("/v2/repository/models/digits/load", "").statusCode());
      for (int i = 0; i < 10; i++) {
        long before = answered.get();
        HttpResponse<String> load = server.post("/v2/repository/models/digits/load", "");
        assertEquals(200, load.statusCode(), load.body());
        eventually(() -> answered.get() > before + 10, "requests answered after reload " + i);
      }
      running.set(false);
      for (Future<?> loop : loops) {
        loop.get(30, TimeUnit.SECONDS);
      }
      clients.shutdown();
      assertEquals(List.of(), failures);
      assertEquals(Set.of("1", "2"), versions);
      JsonNode metadata = TestServer.json(server.get("/v2/models/digits").body());
      assertEquals("[\"2\"]", metadata.get("versions").toString());
      eventually(
          () -> server.impl().openSessions() == 1,
          "retired sessions closed (open: " + server.impl().openSessions() + ")");
    }
  }

  @Test
  void repeatedReloadsDoNotAccumulateSessions() throws Exception {
    TestServer.addDigits(repo, "digits", 1);
    try (TestServer server = TestServer.start(ServerSettings.builder().repository(repo).build())) {
      assertEquals(1, server.impl().openSessions());
      for (int i = 0; i < 25; i++) {
        server.service.loadModel("digits");
        assertEquals(
            200,
            server
                .post("/v2/models/digits/infer", TestServer.digitsRequest(new float[64], 1))
                .statusCode());
      }
      eventually(() -> server.impl().openSessions() == 1, "one session left");
      server.service.unloadModel("digits");
      eventually(() -> server.impl().openSessions() == 0, "no session left after unload");
    }
  }

  @Test
  void aFailedLoadKeepsTheOldVersionServing() throws Exception {
    TestServer.addDigits(repo, "digits", 1);
    try (TestServer server = TestServer.start(ServerSettings.builder().repository(repo).build())) {
      Path broken = Files.createDirectories(repo.resolve("digits").resolve("2"));
      Files.writeString(broken.resolve("model.onnx"), "not a model");
      HttpResponse<String> load = server.post("/v2/repository/models/digits/load", "");
      assertEquals(400, load.statusCode(), load.body());
      assertTrue(
          TestServer.json(load.body()).get("error").asText().contains("version 2"), load.body());
      HttpResponse<String> infer =
          server.post("/v2/models/digits/infer", TestServer.digitsRequest(new float[64], 1));
      assertEquals(200, infer.statusCode(), infer.body());
      assertEquals("1", TestServer.json(infer.body()).get("model_version").asText());
      assertEquals(1, server.impl().openSessions());
    }
  }

  @Test
  void unloadedModelsAnswer404AndLoadBringsThemBack() throws IOException {
    TestServer.addDigits(repo, "digits", 1);
    try (TestServer server = TestServer.start(ServerSettings.builder().repository(repo).build())) {
      assertEquals(200, server.post("/v2/repository/models/digits/unload", "").statusCode());
      assertEquals(
          404,
          server
              .post("/v2/models/digits/infer", TestServer.digitsRequest(new float[64], 1))
              .statusCode());
      assertEquals(503, server.get("/v2/models/digits/ready").statusCode());
      JsonNode index = TestServer.json(server.post("/v2/repository/index", "").body());
      assertEquals("UNAVAILABLE", index.get(0).get("state").asText());
      assertEquals(200, server.post("/v2/repository/models/digits/load", "").statusCode());
      assertEquals(200, server.get("/v2/models/digits/ready").statusCode());
      assertEquals(404, server.post("/v2/repository/models/nosuch/load", "").statusCode());
    }
  }

  @Test
  void pollingPicksUpNewVersionsAndNewModels() throws Exception {
    TestServer.addDigits(repo, "digits", 1);
    try (InferenceService service =
        InferenceService.open(
            ServerSettings.builder()
                .repository(repo)
                .control(ServerSettings.ModelControl.POLL)
                .pollInterval(Duration.ofMillis(50))
                .build())) {
      TestServer.addDigits(repo, "digits", 2);
      TestServer.addDigits(repo, "other", 1);
      eventually(
          () -> service.modelMetadata("digits", Optional.empty()).versions().equals(List.of("2")),
          "version 2 served");
      eventually(() -> service.modelReady("other", Optional.empty()), "new model served");
      assertTrue(service.ready());
    }
  }

  @Test
  void versionPoliciesChooseTheServedVersions() throws Exception {
    for (int v = 1; v <= 3; v++) {
      TestServer.addDigits(repo, "digits", v);
    }
    Files.writeString(
        repo.resolve("digits").resolve("config.json"),
        "{\"version_policy\": {\"specific\": {\"versions\": [1, 3]}}}");
    try (InferenceService service =
        InferenceService.open(ServerSettings.builder().repository(repo).build())) {
      assertEquals(List.of("1", "3"), service.modelMetadata("digits", Optional.empty()).versions());
      assertTrue(service.modelReady("digits", Optional.of("1")));
      assertTrue(!service.modelReady("digits", Optional.of("2")));
    }
    Files.writeString(
        repo.resolve("digits").resolve("config.json"),
        "{\"version_policy\": {\"latest\": " + "{\"num_versions\": 2}}}");
    try (InferenceService service =
        InferenceService.open(ServerSettings.builder().repository(repo).build())) {
      assertEquals(List.of("2", "3"), service.modelMetadata("digits", Optional.empty()).versions());
    }
    Files.delete(repo.resolve("digits").resolve("config.json"));
    Files.writeString(
        repo.resolve("digits").resolve("config.yaml"),
        "version_policy: all\nmax_batch_size: 4\n"
            + "dynamic_batching:\n  max_queue_delay_microseconds: 100\n");
    try (InferenceService service =
        InferenceService.open(
            ServerSettings.builder().repository(repo).model("single", TestServer.DIGITS).build())) {
      assertEquals(
          List.of("1", "2", "3"), service.modelMetadata("digits", Optional.empty()).versions());
      assertEquals(List.of("1"), service.modelMetadata("single", Optional.empty()).versions());
      assertTrue(service.repositoryIndex().stream().anyMatch(e -> e.name().equals("single")));
    }
  }

  @Test
  void aBadConfigFailsStartUpWithAMessageNamingTheField() throws Exception {
    TestServer.addDigits(repo, "digits", 1);
    Files.writeString(repo.resolve("digits").resolve("config.json"), "{\"max_batch_size\": -3}");
    ServerException error =
        org.junit.jupiter.api.Assertions.assertThrows(
            ServerException.class,
            () -> InferenceService.open(ServerSettings.builder().repository(repo).build()));
    assertEquals(ServerException.Code.BAD_REQUEST, error.code());
    assertTrue(error.getMessage().contains("max_batch_size must be >= 0"), error.getMessage());
  }
}
