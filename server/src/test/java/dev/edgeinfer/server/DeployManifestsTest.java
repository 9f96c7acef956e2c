package dev.edgeinfer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The container recipe and KServe manifests in deploy/ parse and start the server the way the CLI
 * expects.
 */
class DeployManifestsTest {
  private static final Path DEPLOY = Path.of("../deploy");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> load(String file) throws IOException {
    return (Map<String, Object>)
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(Files.readString(DEPLOY.resolve(file)));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theServingRuntimeParsesAndRunsServeOnTheV2Ports() throws IOException {
    Map<String, Object> runtime = load("kserve-servingruntime.yaml");
    assertEquals("ServingRuntime", runtime.get("kind"));
    Map<String, Object> spec = (Map<String, Object>) runtime.get("spec");
    assertEquals(List.of("v2", "grpc-v2"), spec.get("protocolVersions"));
    Map<String, Object> container = ((List<Map<String, Object>>) spec.get("containers")).getFirst();
    List<String> args = (List<String>) container.get("args");
    assertEquals("serve", args.getFirst());
    assertTrue(
        args.contains("--http-port=8080") && args.contains("--model-repository=/mnt/models"),
        args.toString());
  }

  @Test
  void theInferenceServiceNamesTheRuntime() throws IOException {
    Map<String, Object> service = load("kserve-inferenceservice.yaml");
    assertEquals("InferenceService", service.get("kind"));
    assertTrue(service.toString().contains("runtime=edgeinfer"), service.toString());
  }

  @Test
  void theContainerRecipeStartsServe() throws IOException {
    String recipe = Files.readString(DEPLOY.resolve("Containerfile"));
    assertTrue(recipe.contains("ENTRYPOINT") && recipe.contains("\"serve\""), recipe);
  }
}
