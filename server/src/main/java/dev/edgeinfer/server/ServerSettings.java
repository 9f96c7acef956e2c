package dev.edgeinfer.server;

import dev.edgeinfer.pipeline.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What an {@link InferenceService} serves and with which resources. Build with {@link #builder()}.
 *
 * @param repositories model repository directories ({@code <model>/<version>/model.onnx})
 * @param models single model files served as version 1 under a name
 * @param control whether the repositories change only through the repository API or are polled
 * @param pollInterval how often {@link ModelControl#POLL} looks for changes
 * @param threads intra-op threads of each session unless its config says otherwise (0 = one per
 *     core)
 * @param workers size of the pool that runs executions (sized to the cores by default)
 * @param ticker monotonic time for queue delays, timeouts and durations
 * @param executor the pool that runs executions; created (and closed) by the service when empty
 * @param scheduler timers for batching delays and polling; created (and closed) by the service when
 *     empty
 */
public record ServerSettings(
    List<Path> repositories,
    Map<String, Path> models,
    ModelControl control,
    Duration pollInterval,
    int threads,
    int workers,
    Ticker ticker,
    Optional<ExecutorService> executor,
    Optional<ScheduledExecutorService> scheduler) {

  public ServerSettings {
    repositories = List.copyOf(repositories);
    models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
    if (repositories.isEmpty() && models.isEmpty()) {
      throw bad("nothing to serve: give a model repository directory or a model file");
    }
    models.keySet().forEach(ModelRepository::checkName);
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw bad("the poll interval must be positive, got " + pollInterval);
    }
    if (threads < 0) {
      throw bad("threads must be >= 0 (0 = one per core), got " + threads);
    }
    if (workers < 1) {
      throw bad("workers must be >= 1, got " + workers);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How the set of served models changes after start-up. */
  public enum ModelControl {
    /** Only through {@code POST /v2/repository/models/{m}/load} and {@code .../unload}. */
    EXPLICIT,
    /**
     * The repositories are also re-read every poll interval: new, changed and removed models are
     * (re)loaded.
     */
    POLL;

    /** Parses {@code explicit} or {@code poll}. */
    public static ModelControl parse(String name) {
      return switch (name.trim().toLowerCase(Locale.ROOT)) {
        case "explicit" -> EXPLICIT;
        case "poll" -> POLL;
        default -> throw bad("unknown model control mode '" + name + "': use explicit or poll");
      };
    }
  }

  /** Collects settings; each call rejects a bad or conflicting value at once, naming it. */
  public static final class Builder {
    private final List<Path> repositories = new ArrayList<>();
    private final Map<String, Path> models = new LinkedHashMap<>();
    private ModelControl control = ModelControl.EXPLICIT;
    private Duration pollInterval = Duration.ofSeconds(5);
    private int threads;
    private int workers = Runtime.getRuntime().availableProcessors();
    private Ticker ticker = Ticker.system();
    private Optional<ExecutorService> executor = Optional.empty();
    private Optional<ScheduledExecutorService> scheduler = Optional.empty();

    private Builder() {}

    public Builder repository(Path directory) {
      repositories.add(directory);
      return this;
    }

    /** Serves {@code file} as version 1 of {@code name}. */
    public Builder model(String name, Path file) {
      ModelRepository.checkName(name);
      Path earlier = models.putIfAbsent(name, file);
      if (earlier != null) {
        throw bad(
            "model name '" + name + "' is already given to " + earlier + "; name the models apart");
      }
      return this;
    }

    public Builder control(ModelControl mode) {
      this.control = mode;
      return this;
    }

    public Builder pollInterval(Duration interval) {
      this.pollInterval = interval;
      return this;
    }

    public Builder threads(int count) {
      this.threads = count;
      return this;
    }

    public Builder workers(int count) {
      this.workers = count;
      return this;
    }

    public Builder ticker(Ticker source) {
      this.ticker = source;
      return this;
    }

    public Builder executor(ExecutorService pool) {
      this.executor = Optional.of(pool);
      return this;
    }

    public Builder scheduler(ScheduledExecutorService timers) {
      this.scheduler = Optional.of(timers);
      return this;
    }

    public ServerSettings build() {
      return new ServerSettings(
          repositories,
          models,
          control,
          pollInterval,
          threads,
          workers,
          ticker,
          executor,
          scheduler);
    }
  }

  private static ServerException bad(String message) {
    return new ServerException(ServerException.Code.BAD_REQUEST, message);
  }
}
