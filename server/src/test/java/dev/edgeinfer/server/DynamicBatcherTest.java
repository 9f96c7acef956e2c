package dev.edgeinfer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.Outputs;
import dev.edgeinfer.runtime.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamicBatcherTest {
  @TempDir Path repo;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final CountDownLatch gate = new CountDownLatch(1);

  @AfterEach
  void stop() {
    gate.countDown();
    pool.shutdownNow();
  }

  /** Holds the pool's threads until the test opens the gate, so requests pile up in the queue. */
  private void closeGate() {
    for (int i = 0; i < 2; i++) {
      pool.execute(
          () -> {
            try {
              gate.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
  }

  private InferenceService serve(String config) throws IOException {
    TestServer.addDigits(repo, "digits", 1);
    Files.writeString(repo.resolve("digits").resolve("config.json"), config);
    return InferenceService.open(ServerSettings.builder().repository(repo).executor(pool).build());
  }

  private static float[] image(long seed, int rows) {
    Random random = new Random(seed);
    float[] values = new float[64 * rows];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat();
    }
    return values;
  }

  private static InferRequest request(float[] pixels, int rows) {
    ByteBuffer data = ByteBuffer.allocate(pixels.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    data.asFloatBuffer().put(pixels);
    return new InferRequest(
        "digits",
        Optional.empty(),
        Optional.empty(),
        List.of(
            new InferTensor("image", Datatype.FP32, new long[] {rows, 1, 8, 8}, data, Map.of())),
        List.of());
  }

  private static float[] logits(InferResponse response) {
    ByteBuffer data =
        response.outputs().getFirst().data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[data.remaining() / 4];
    data.asFloatBuffer().get(values);
    return values;
  }

  @Test
  void concurrentRequestsAreBatchedAndEachGetsItsOwnRows() throws Exception {
    int requests = 40;
    try (InferenceService service = serve("{\"max_batch_size\": 8, \"dynamic_batching\": {}}");
        Model reference = Model.open(TestServer.DIGITS)) {
      closeGate();
      List<CompletableFuture<InferResponse>> answers = new ArrayList<>();
      List<float[]> expected = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        int rows = 1 + i % 3;
        float[] pixels = image(i, rows);
        try (Tensor input = Tensor.ofFloats(pixels, rows, 1, 8, 8);
            Outputs out = reference.predict(input)) {
          expected.add(out.get(0).toFloatArray());
        }
        answers.add(service.infer(request(pixels, rows)));
      }
      gate.countDown();
      for (int i = 0; i < requests; i++) {
        assertArrayEquals(
            expected.get(i),
            logits(answers.get(i).get(30, TimeUnit.SECONDS)),
            1e-5f,
            "request " + i);
      }
      ModelStatistics stats = service.statistics().getFirst();
      assertEquals(requests, stats.success());
      assertEquals(expected.stream().mapToLong(e -> e.length / 10).sum(), stats.inferences());
      assertTrue(
          stats.executions() < requests, "executions " + stats.executions() + " for " + requests);
    }
  }

  @Test
  void concurrentClientsOnRealThreadsGetTheirOwnRows() throws Exception {
    try (InferenceService service =
            serve(
                "{\"max_batch_size\": 16, \"warmup\": true, \"dynamic_batching\": "
                    + "{\"max_queue_delay_microseconds\": 500}}");
        Model reference = Model.open(TestServer.DIGITS)) {
      ExecutorService clients = Executors.newFixedThreadPool(16);
      try {
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          long seed = i;
          checks.add(
              CompletableFuture.runAsync(
                  () -> {
                    float[] pixels = image(seed, 1);
                    float[] expected;
                    try (Tensor input = Tensor.ofFloats(pixels, 1, 1, 8, 8);
                        Outputs out = reference.predict(input)) {
                      expected = out.get(0).toFloatArray();
                    }
                    assertArrayEquals(
                        expected, logits(service.infer(request(pixels, 1)).join()), 1e-5f);
                  },
                  clients));
        }
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      } finally {
        clients.shutdownNow();
      }
      assertEquals(200, service.statistics().getFirst().success());
    }
  }

  @Test
  void aFullQueueRefusesWith429() throws Exception {
    try (InferenceService service =
        serve("{\"max_batch_size\": 1, \"dynamic_batching\": {\"max_queue_size\": 2}}")) {
      closeGate();
      List<CompletableFuture<InferResponse>> accepted = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        accepted.add(service.infer(request(image(i, 1), 1)));
      }
      ExecutionException refused =
          assertThrows(
              ExecutionException.class,
              () -> service.infer(request(image(9, 1), 1)).get(10, TimeUnit.SECONDS));
      ServerException error = (ServerException) refused.getCause();
      assertEquals(429, error.code().httpStatus());
      assertTrue(error.getMessage().contains("max_queue_size 2"), error.getMessage());
      gate.countDown();
      for (CompletableFuture<InferResponse> answer : accepted) {
        answer.get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aRequestWaitingPastItsTimeoutFailsWith503() throws Exception {
    try (InferenceService service =
        serve(
            "{\"max_batch_size\": 1, \"dynamic_batching\": "
                + "{\"default_timeout_microseconds\": 1000}}")) {
      closeGate();
      CompletableFuture<InferResponse> first = service.infer(request(image(1, 1), 1));
      ExecutionException late =
          assertThrows(
              ExecutionException.class,
              () -> service.infer(request(image(2, 1), 1)).get(30, TimeUnit.SECONDS));
      ServerException error = (ServerException) late.getCause();
      assertEquals(ServerException.Code.TIMEOUT, error.code());
      assertEquals(503, error.code().httpStatus());
      gate.countDown();
      first.get(30, TimeUnit.SECONDS);
      assertEquals(1, service.statistics().getFirst().failure());
    }
  }

  @Test
  void aRequestsOwnTimeoutParameterOverridesTheModelsNone() throws Exception {
    try (InferenceService service = serve("{\"max_batch_size\": 1, \"dynamic_batching\": {}}")) {
      closeGate();
      CompletableFuture<InferResponse> patient = service.infer(request(image(1, 1), 1));
      ExecutionException late =
          assertThrows(
              ExecutionException.class,
              () ->
                  service
                      .infer(request(image(2, 1), 1).withTimeout(Duration.ofMillis(1)))
                      .get(30, TimeUnit.SECONDS));
      ServerException error = (ServerException) late.getCause();
      assertEquals(ServerException.Code.TIMEOUT, error.code());
      assertTrue(error.getMessage().contains("timeout of 1000 us"), error.getMessage());
      gate.countDown();
      assertEquals(10, logits(patient.get(30, TimeUnit.SECONDS)).length);
    }
  }

  @Test
  void aRequestLargerThanMaxBatchSizeIsA400() throws Exception {
    try (InferenceService service = serve("{\"max_batch_size\": 2, \"dynamic_batching\": {}}")) {
      ExecutionException refused =
          assertThrows(
              ExecutionException.class,
              () -> service.infer(request(image(1, 3), 3)).get(10, TimeUnit.SECONDS));
      assertEquals(ServerException.Code.BAD_REQUEST, ((ServerException) refused.getCause()).code());
    }
  }

  @Test
  void preferredBatchSizesDispatchWithoutWaitingForTheDelay() throws Exception {
    try (InferenceService service =
        serve(
            "{\"max_batch_size\": 8, \"dynamic_batching\": "
                + "{\"preferred_batch_size\": [4], \"max_queue_delay_microseconds\": 60000000}}")) {
      List<CompletableFuture<InferResponse>> answers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        answers.add(service.infer(request(image(i, 1), 1)));
      }
      for (CompletableFuture<InferResponse> answer : answers) {
        answer.get(30, TimeUnit.SECONDS);
      }
      assertEquals(1, service.statistics().getFirst().executions());
    }
  }
}
