package dev.edgeinfer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRepositoryTest {
  @TempDir Path repo;

  @Test
  void modelNamesThatCouldLeaveTheRepositoryAreRefused() {
    ModelRepository repository = ModelRepository.open(repo);
    for (String name :
        List.of("..", "../etc", "a/b", ".hidden", "", "a\\b", "x".repeat(200), "-flag")) {
      ServerException error =
          assertThrows(ServerException.class, () -> repository.config(name), name);
      assertEquals(ServerException.Code.BAD_REQUEST, error.code());
    }
  }

  @Test
  void onlyNumberedVersionFoldersWithAModelFileCount() throws IOException {
    TestServer.addDigits(repo, "digits", 1);
    TestServer.addDigits(repo, "digits", 10);
    Files.createDirectories(repo.resolve("digits").resolve("2"));
    Files.createDirectories(repo.resolve("digits").resolve("latest"));
    Files.createDirectories(repo.resolve("not a model name!"));
    ModelRepository repository = ModelRepository.open(repo);
    assertEquals(List.of("digits"), repository.modelNames());
    assertEquals(List.of(1L, 10L), List.copyOf(repository.allVersions("digits").keySet()));
  }

  @Test
  void aVersionMayHoldAModelTfliteAndModelOnnxWinsWhenBothAreThere() throws IOException {
    Path one = Files.createDirectories(repo.resolve("face").resolve("1"));
    Files.write(one.resolve("model.tflite"), new byte[] {1});
    Path two = Files.createDirectories(repo.resolve("face").resolve("2"));
    Files.write(two.resolve("model.tflite"), new byte[] {1});
    Files.write(two.resolve("model.onnx"), new byte[] {1});
    var versions = ModelRepository.open(repo).allVersions("face");
    assertEquals(one.resolve("model.tflite"), versions.get(1L));
    assertEquals(two.resolve("model.onnx"), versions.get(2L));
  }

  @Test
  void tritonStyleConfigFieldsAreRead() throws IOException {
    TestServer.addDigits(repo, "digits", 1);
    Files.writeString(
        repo.resolve("digits").resolve("config.json"),
        """
        {"name": "digits", "platform": "onnxruntime_onnx", "max_batch_size": 16,
         "dynamic_batching": {"preferred_batch_size": [4, 8], "max_queue_delay_microseconds": 200,
                              "default_queue_policy": {"max_queue_size": 32, "default_timeout_microseconds": 5000}},
         "instance_group": [{"count": 2, "kind": "KIND_CPU"}],
         "version_policy": {"latest": {"num_versions": 2}}, "execution_provider": "cpu", "threads": 1,
         "warmup": 2}
        """);
    ModelConfig config = ModelRepository.open(repo).config("digits").orElseThrow();
    assertEquals(16, config.maxBatchSize());
    assertEquals(
        new ModelConfig.DynamicBatching(List.of(4, 8), 200, 32, 5000),
        config.dynamicBatching().orElseThrow());
    assertEquals(2, config.instanceCount());
    assertEquals(new ModelConfig.VersionPolicy.Latest(2), config.versionPolicy());
    assertEquals(1, config.threads());
    assertEquals(2, config.warmupRuns());
  }

  @Test
  void yamlConfigsUseTheFlatSpellings() throws IOException {
    TestServer.addDigits(repo, "digits", 1);
    Files.writeString(
        repo.resolve("digits").resolve("config.yaml"),
        """
        max_batch_size: 8
        dynamic_batching:
          max_queue_size: 10
          default_timeout_microseconds: 100
        instance_count: 3
        version_policy:
          specific:
            versions: [1]
        """);
    ModelConfig config = ModelRepository.open(repo).config("digits").orElseThrow();
    assertEquals(
        Optional.of(new ModelConfig.DynamicBatching(List.of(), 0, 10, 100)),
        config.dynamicBatching());
    assertEquals(3, config.instanceCount());
    assertEquals(new ModelConfig.VersionPolicy.Specific(List.of(1L)), config.versionPolicy());
  }

  @Test
  void badConfigValuesNameTheFileAndTheField() throws IOException {
    TestServer.addDigits(repo, "digits", 1);
    Path file = repo.resolve("digits").resolve("config.json");
    for (String json :
        List.of(
            "{\"max_batch_size\": \"lots\"}",
            "{\"dynamic_batching\": {}}",
            "{\"max_batch_size\": 4, \"dynamic_batching\": {\"preferred_batch_size\": [8]}}",
            "{\"version_policy\": \"newest\"}",
            "{broken",
            "{\"instance_count\": 0}")) {
      Files.writeString(file, json);
      ServerException error =
          assertThrows(
              ServerException.class, () -> ModelRepository.open(repo).config("digits"), json);
      assertEquals(ServerException.Code.BAD_REQUEST, error.code());
      assertTrue(error.getMessage().contains("config.json"), error.getMessage());
    }
  }

  @Test
  void aMissingRepositoryIsNotFound() {
    ServerException error =
        assertThrows(ServerException.class, () -> ModelRepository.open(repo.resolve("none")));
    assertEquals(ServerException.Code.NOT_FOUND, error.code());
  }
}
