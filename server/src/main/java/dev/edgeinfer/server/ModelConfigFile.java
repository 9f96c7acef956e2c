package dev.edgeinfer.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeinfer.runtime.ExecutionProvider;
import dev.edgeinfer.runtime.InferenceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads a model's {@code config.json} or {@code config.yaml} into a {@link ModelConfig}. */
final class ModelConfigFile {
  private static final JsonFactory JSON = new JsonFactory();

  private final Path file;

  private ModelConfigFile(Path file) {
    this.file = file;
  }

  /** The config file of a model directory, if it has one ({@code config.json} first). */
  static Optional<Path> in(Path modelDir) {
    for (String name : List.of("config.json", "config.yaml", "config.yml")) {
      Path candidate = modelDir.resolve(name);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Parses a config file; fields it leaves out take Triton's defaults (max_batch_size 0, latest 1
   * version).
   */
  static ModelConfig read(Path file) {
    return new ModelConfigFile(file).parse();
  }

  private ModelConfig parse() {
    Map<String, Object> root;
    try {
      root = asMap(file.toString().endsWith(".json") ? readJson() : readYaml(), "the file");
    } catch (IOException | RuntimeException e) {
      if (e instanceof ServerException se) {
        throw se;
      }
      throw bad("cannot parse: " + firstLine(e.getMessage()));
    }
    int maxBatch = integer(root, "max_batch_size", 0);
    Optional<ModelConfig.DynamicBatching> dynamic =
        Optional.ofNullable(root.get("dynamic_batching"))
            .map(value -> dynamicBatching(asMap(value, "dynamic_batching")));
    int instances = integer(root, "instance_count", 1);
    if (root.get("instance_group") instanceof List<?> groups && !groups.isEmpty()) {
      instances = integer(asMap(groups.getFirst(), "instance_group[0]"), "count", instances);
    }
    ExecutionProvider provider = ExecutionProvider.CPU;
    if (root.get("execution_provider") instanceof String name) {
      try {
        provider = ExecutionProvider.parse(name);
      } catch (InferenceException e) {
        throw bad(e.getMessage());
      }
    }
    int threads = integer(root, "threads", 0);
    ModelConfig.VersionPolicy policy =
        root.containsKey("version_policy")
            ? versionPolicy(root.get("version_policy"))
            : new ModelConfig.VersionPolicy.Latest(1);
    int warmup =
        switch (root.get("warmup")) {
          case null -> 0;
          case Boolean b -> b ? 1 : 0;
          case Number n -> n.intValue();
          default ->
              throw bad("warmup must be true, false or a run count, got " + root.get("warmup"));
        };
    try {
      return new ModelConfig(maxBatch, dynamic, instances, provider, threads, policy, warmup);
    } catch (ServerException e) {
      throw bad(e.getMessage());
    }
  }

  private ModelConfig.DynamicBatching dynamicBatching(Map<String, Object> map) {
    List<Integer> preferred = new ArrayList<>();
    switch (map.get("preferred_batch_size")) {
      case null -> {}
      case Number n -> preferred.add(n.intValue());
      case List<?> list ->
          list.forEach(item -> preferred.add(number(item, "preferred_batch_size").intValue()));
      default -> throw bad("preferred_batch_size must be a number or a list of numbers");
    }
    Map<String, Object> queue =
        map.get("default_queue_policy") instanceof Map<?, ?> policy
            ? asMap(policy, "default_queue_policy")
            : map;
    return new ModelConfig.DynamicBatching(
        preferred,
        longValue(map, "max_queue_delay_microseconds", 0),
        integer(map, "max_queue_size", integer(queue, "max_queue_size", 0)),
        longValue(
            map,
            "default_timeout_microseconds",
            longValue(queue, "default_timeout_microseconds", 0)));
  }

  private ModelConfig.VersionPolicy versionPolicy(Object value) {
    if (value instanceof String word) {
      return switch (word) {
        case "all" -> new ModelConfig.VersionPolicy.All();
        case "latest" -> new ModelConfig.VersionPolicy.Latest(1);
        default ->
            throw bad(
                "version_policy '"
                    + word
                    + "' is unknown: use all, {latest: {num_versions: n}} "
                    + "or {specific: {versions: [..]}}");
      };
    }
    Map<String, Object> map = asMap(value, "version_policy");
    if (map.get("latest") != null) {
      return new ModelConfig.VersionPolicy.Latest(
          integer(asMap(map.get("latest"), "latest"), "num_versions", 1));
    }
    if (map.containsKey("all")) {
      return new ModelConfig.VersionPolicy.All();
    }
    if (map.get("specific") != null) {
      Object versions = asMap(map.get("specific"), "specific").get("versions");
      if (!(versions instanceof List<?> list)) {
        throw bad("version_policy specific needs versions: [1, 2, ...]");
      }
      return new ModelConfig.VersionPolicy.Specific(
          list.stream().map(v -> number(v, "versions").longValue()).toList());
    }
    throw bad("version_policy needs one of latest, all or specific, got " + map.keySet());
  }

  private Object readJson() throws IOException {
    try (InputStream in = Files.newInputStream(file);
        JsonParser parser = JSON.createParser(in)) {
      parser.nextToken();
      return jsonValue(parser);
    }
  }

  static Object jsonValue(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw new IOException("the document is empty");
    }
    return switch (token) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          map.put(name, jsonValue(parser));
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(jsonValue(parser));
        }
        yield list;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT -> parser.getLongValue();
      case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> Optional.empty();
      default -> throw new IOException("unexpected " + token);
    };
  }

  private Object readYaml() throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      Object value = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      if (value == null) {
        throw new IOException("the document is empty");
      }
      return value;
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> asMap(Object value, String what) {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw bad(what + " must be an object, got " + value);
  }

  private int integer(Map<String, Object> map, String key, int fallback) {
    return Math.toIntExact(longValue(map, key, fallback));
  }

  private long longValue(Map<String, Object> map, String key, long fallback) {
    Object value = map.get(key);
    return value == null ? fallback : number(value, key).longValue();
  }

  private Number number(Object value, String key) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n;
    }
    if (value instanceof String s && s.matches("-?\\d{1,18}")) {
      return Long.parseLong(s);
    }
    throw bad(key + " must be a whole number, got " + value);
  }

  private ServerException bad(String message) {
    return new ServerException(
        ServerException.Code.BAD_REQUEST, "model config " + file + ": " + message);
  }

  static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    String line = message.strip();
    int newline = line.indexOf('\n');
    return newline < 0 ? line : line.substring(0, newline);
  }
}
