package dev.edgeinfer.server;

import dev.edgeinfer.pipeline.Ticker;
import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.ModelOptions;
import dev.edgeinfer.runtime.ModelSignature;
import dev.edgeinfer.runtime.Tensor;
import dev.edgeinfer.runtime.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link InferenceService} over model repositories and single model files: loads every model,
 * serves requests through one {@link DynamicBatcher} per version on a fixed worker pool, and swaps
 * versions atomically on load, reload (explicit or polled) and unload.
 */
final class RepositoryInferenceService implements InferenceService {
  private static final System.Logger LOG =
      System.getLogger(RepositoryInferenceService.class.getName());
  private static final List<String> EXTENSIONS = List.of("binary_tensor_data", "model_repository");

  /** The versions of one model being served, swapped as a whole. */
  private record Generation(NavigableMap<Long, LoadedVersion> versions, String fingerprint) {}

  private final ServerSettings settings;
  private final List<ModelRepository> repositories;
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsExecutor;
  private final boolean ownsScheduler;
  private final Ticker ticker;
  private final ConcurrentHashMap<String, Generation> served = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> failures = new ConcurrentHashMap<>();
  private final Map<String, String> failedFingerprints = new HashMap<>();
  private final ConcurrentHashMap<String, ModelCounters> counters = new ConcurrentHashMap<>();
  private final AtomicInteger openSessions = new AtomicInteger();
  private final Object control = new Object();
  private volatile boolean closed;
  private ScheduledFuture<?> polling;

  private RepositoryInferenceService(ServerSettings settings, List<ModelRepository> repositories) {
    this.settings = settings;
    this.repositories = repositories;
    this.ownsExecutor = settings.executor().isEmpty();
    this.executor =
        settings
            .executor()
            .orElseGet(
                () -> Executors.newFixedThreadPool(settings.workers(), daemon("edgeinfer-infer-")));
    this.ownsScheduler = settings.scheduler().isEmpty();
    this.scheduler =
        settings
            .scheduler()
            .orElseGet(
                () -> {
                  ScheduledThreadPoolExecutor timers =
                      new ScheduledThreadPoolExecutor(1, daemon("edgeinfer-timer-"));
                  timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
                  timers.setRemoveOnCancelPolicy(true);
                  return timers;
                });
    this.ticker = settings.ticker();
  }

  static InferenceService open(ServerSettings settings) {
    List<ModelRepository> repositories =
        settings.repositories().stream().map(ModelRepository::open).toList();
    RepositoryInferenceService service = new RepositoryInferenceService(settings, repositories);
    try {
      for (String model : service.modelNames()) {
        service.loadModel(model);
      }
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    if (settings.control() == ServerSettings.ModelControl.POLL) {
      long every = settings.pollInterval().toNanos();
      service.polling =
          service.scheduler.scheduleWithFixedDelay(
              service::poll, every, every, TimeUnit.NANOSECONDS);
    }
    return service;
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger next = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + next.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Explicit model files first, then each repository's models (the first repository holding a name
   * wins).
   */
  private List<String> modelNames() {
    Set<String> names = new LinkedHashSet<>(settings.models().keySet());
    for (ModelRepository repository : repositories) {
      names.addAll(repository.modelNames());
    }
    return List.copyOf(names);
  }

  private Optional<ModelRepository> repositoryOf(String model) {
    if (settings.models().containsKey(model)) {
      return Optional.empty();
    }
    return repositories.stream().filter(r -> r.contains(model)).findFirst();
  }

  @Override
  public ServerMetadata metadata() {
    String version =
        Optional.ofNullable(
                RepositoryInferenceService.class.getPackage().getImplementationVersion())
            .orElse("development");
    return new ServerMetadata("edgeinfer", version, EXTENSIONS);
  }

  @Override
  public boolean live() {
    return !closed;
  }

  @Override
  public boolean ready() {
    return !closed && failures.isEmpty();
  }

  @Override
  public boolean modelReady(String model, Optional<String> version) {
    try {
      return !closed && find(model, version).isPresent();
    } catch (ServerException e) {
      return false;
    }
  }

  @Override
  public ModelMetadata modelMetadata(String model, Optional<String> version) {
    LoadedVersion loaded = find(model, version).orElseThrow(() -> notLoaded(model, version));
    ModelSignature signature = loaded.session.signature();
    Generation generation = served.get(model);
    List<String> versions =
        generation == null
            ? List.of(loaded.versionLabel())
            : generation.versions().keySet().stream().map(String::valueOf).toList();
    return new ModelMetadata(
        model,
        versions,
        "onnxruntime_onnx",
        signature.inputs().stream().map(WireTensors::metadata).toList(),
        signature.outputs().stream().map(WireTensors::metadata).toList());
  }

  private Optional<LoadedVersion> find(String model, Optional<String> version) {
    ModelRepository.checkName(model);
    Generation generation = served.get(model);
    if (generation == null) {
      return Optional.empty();
    }
    if (version.isEmpty()) {
      return Optional.of(generation.versions().lastEntry().getValue());
    }
    return Optional.ofNullable(
        generation.versions().get(ModelRepository.checkVersion(model, version.get())));
  }

  private ServerException notLoaded(String model, Optional<String> version) {
    Generation generation = served.get(model);
    if (generation != null) {
      return new ServerException(
          ServerException.Code.NOT_FOUND,
          "model '"
              + model
              + "' has no version "
              + version.orElse("")
              + " loaded; its versions are "
              + generation.versions().keySet());
    }
    String reason = failures.get(model);
    return new ServerException(
        ServerException.Code.NOT_FOUND,
        "model '"
            + model
            + "' is not loaded"
            + (reason == null ? "" : " (" + reason + ")")
            + "; the loaded models are "
            + new TreeMap<>(served).keySet());
  }

  private LoadedVersion acquire(String model, Optional<String> version) {
    while (true) {
      LoadedVersion loaded = find(model, version).orElseThrow(() -> notLoaded(model, version));
      if (loaded.tryAcquire()) {
        return loaded;
      }
      Thread.onSpinWait();
    }
  }

  @Override
  public CompletableFuture<InferResponse> infer(InferRequest request) {
    long arrived = ticker.nanos();
    if (closed) {
      return CompletableFuture.failedFuture(
          new ServerException(ServerException.Code.UNAVAILABLE, "the server is shutting down"));
    }
    LoadedVersion loaded;
    try {
      loaded = acquire(request.model(), request.version());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(ServerException.from(e));
    }
    ModelCounters count = loaded.counters;
    Map<String, Tensor> inputs;
    Set<String> outputs;
    long rows;
    try {
      ModelSignature signature = loaded.session.signature();
      outputs = requestedOutputs(request, signature);
      inputs = WireTensors.inputs(request.model(), signature.inputs(), request.inputs());
      try {
        rows = loaded.config.maxBatchSize() > 0 ? WireTensors.rows(inputs) : 1;
      } catch (RuntimeException e) {
        inputs.values().forEach(Tensor::close);
        throw e;
      }
    } catch (RuntimeException e) {
      count.failure.increment();
      loaded.release();
      return CompletableFuture.failedFuture(ServerException.from(e));
    }
    long decoded = ticker.nanos();
    CompletableFuture<InferResponse> response = new CompletableFuture<>();
    loaded
        .batcher()
        .submit(inputs, rows, outputs, request.timeout())
        .whenComplete(
            (result, failure) -> {
              try {
                inputs.values().forEach(Tensor::close);
                if (failure != null) {
                  count.failure.increment();
                  response.completeExceptionally(ServerException.from(failure));
                  return;
                }
                long encodeStart = ticker.nanos();
                List<InferTensor> wire = new ArrayList<>(result.outputs().size());
                try {
                  for (var entry : ordered(result.outputs(), request)) {
                    wire.add(WireTensors.toWire(entry.getKey(), entry.getValue()));
                  }
                } finally {
                  result.outputs().values().forEach(Tensor::close);
                }
                long done = ticker.nanos();
                count.success.increment();
                count.inferences.add(rows);
                count.requestNanos.add(done - arrived);
                count.queueNanos.add(result.queueNanos());
                count.computeInputNanos.add(decoded - arrived + result.inputNanos());
                count.computeInferNanos.add(result.inferNanos());
                count.computeOutputNanos.add(result.outputNanos() + done - encodeStart);
                response.complete(
                    new InferResponse(request.model(), loaded.versionLabel(), request.id(), wire));
              } catch (RuntimeException e) {
                count.failure.increment();
                response.completeExceptionally(ServerException.from(e));
              } finally {
                loaded.release();
              }
            });
    return response;
  }

  private static Set<String> requestedOutputs(InferRequest request, ModelSignature signature) {
    Set<String> names = new LinkedHashSet<>();
    for (InferRequest.RequestedOutput output : request.outputs()) {
      if (signature.output(output.name()).isEmpty()) {
        throw new ServerException(
            ServerException.Code.BAD_REQUEST,
            "model '"
                + request.model()
                + "' has no output '"
                + output.name()
                + "'; its outputs are "
                + signature.outputs().stream().map(TensorSpec::name).toList());
      }
      names.add(output.name());
    }
    return names;
  }

  /** The outputs in the order the request named them, or else the model's order. */
  private static List<Map.Entry<String, Tensor>> ordered(
      Map<String, Tensor> outputs, InferRequest request) {
    if (request.outputs().isEmpty()) {
      return List.copyOf(outputs.entrySet());
    }
    List<Map.Entry<String, Tensor>> ordered = new ArrayList<>();
    for (InferRequest.RequestedOutput output : request.outputs()) {
      Tensor tensor = outputs.get(output.name());
      if (tensor != null && ordered.stream().noneMatch(e -> e.getKey().equals(output.name()))) {
        ordered.add(Map.entry(output.name(), tensor));
      }
    }
    return ordered;
  }

  @Override
  public List<RepositoryEntry> repositoryIndex() {
    List<RepositoryEntry> entries = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>(modelNames());
    names.addAll(served.keySet());
    for (String name : names.stream().sorted().toList()) {
      Generation generation = served.get(name);
      if (generation != null) {
        generation
            .versions()
            .keySet()
            .forEach(v -> entries.add(new RepositoryEntry(name, v.toString(), "READY", "")));
      } else {
        entries.add(
            new RepositoryEntry(name, "", "UNAVAILABLE", failures.getOrDefault(name, "unloaded")));
      }
    }
    return entries;
  }

  @Override
  public void loadModel(String model) {
    ModelRepository.checkName(model);
    checkOpen();
    synchronized (control) {
      checkOpen();
      Generation next;
      try {
        next = build(model);
      } catch (RuntimeException e) {
        ServerException failure = ServerException.from(e);
        if (!served.containsKey(model)) {
          failures.put(model, failure.getMessage());
        }
        if (served.containsKey(model)) {
          LOG.log(
              System.Logger.Level.WARNING,
              "reloading model '"
                  + model
                  + "' failed, the loaded versions keep "
                  + "serving: "
                  + failure.getMessage());
        }
        throw failure;
      }
      failures.remove(model);
      failedFingerprints.remove(model);
      Generation old = served.put(model, next);
      if (old != null) {
        old.versions().values().forEach(LoadedVersion::retire);
      }
      LOG.log(
          System.Logger.Level.INFO,
          "serving model '" + model + "' versions " + next.versions().keySet());
    }
  }

  private Generation build(String model) {
    Path file = settings.models().get(model);
    if (file != null) {
      return new Generation(
          loadVersions(model, new TreeMap<>(Map.of(1L, file)), Optional.empty()), "");
    }
    ModelRepository repository =
        repositoryOf(model)
            .orElseThrow(
                () ->
                    new ServerException(
                        ServerException.Code.NOT_FOUND,
                        "model '"
                            + model
                            + "' is in no model repository and was not given as a "
                            + "file; the known models are "
                            + modelNames()));
    String fingerprint = repository.fingerprint(model);
    Optional<ModelConfig> config = repository.config(model);
    NavigableMap<Long, Path> files =
        repository.versions(
            model,
            config.map(ModelConfig::versionPolicy).orElse(new ModelConfig.VersionPolicy.Latest(1)));
    return new Generation(loadVersions(model, files, config), fingerprint);
  }

  private NavigableMap<Long, LoadedVersion> loadVersions(
      String model, NavigableMap<Long, Path> files, Optional<ModelConfig> config) {
    NavigableMap<Long, LoadedVersion> loaded = new TreeMap<>();
    try {
      for (var entry : files.entrySet()) {
        loaded.put(entry.getKey(), loadVersion(model, entry.getKey(), entry.getValue(), config));
      }
      return loaded;
    } catch (RuntimeException e) {
      loaded.values().forEach(LoadedVersion::retire);
      throw e;
    }
  }

  private LoadedVersion loadVersion(
      String model, long version, Path file, Optional<ModelConfig> configured) {
    int threads =
        configured.map(ModelConfig::threads).filter(t -> t > 0).orElse(settings.threads());
    ModelOptions options =
        ModelOptions.builder()
            .intraOpThreads(threads)
            .providers(
                configured
                    .map(ModelConfig::provider)
                    .orElse(dev.edgeinfer.runtime.ExecutionProvider.CPU))
            .build();
    Model session;
    try {
      session = Model.open(file, options);
    } catch (RuntimeException e) {
      ServerException failure = ServerException.from(e);
      throw new ServerException(
          failure.code(),
          "model '" + model + "' version " + version + ": " + failure.getMessage(),
          e);
    }
    openSessions.incrementAndGet();
    ModelSignature signature = session.signature();
    boolean batchable = batchable(signature);
    ModelConfig config =
        configured
            .map(c -> c.withThreads(threads))
            .orElseGet(() -> ModelConfig.inferred(batchable));
    ModelCounters count =
        counters.computeIfAbsent(
            model + "\u0000" + version, k -> new ModelCounters(model, Long.toString(version)));
    LoadedVersion loaded =
        new LoadedVersion(model, version, session, config, count, openSessions::decrementAndGet);
    try {
      check(model, version, signature, config, batchable);
      loaded.batcher(
          DynamicBatcher.create(
              "'" + model + "' version " + version,
              session,
              config,
              executor,
              scheduler,
              ticker,
              count));
      warmUp(session, config.warmupRuns());
      return loaded;
    } catch (RuntimeException e) {
      loaded.retire();
      throw e;
    }
  }

  private static boolean batchable(ModelSignature signature) {
    return signature.inputs().stream().allMatch(TensorSpec::hasBatchAxis)
        && signature.outputs().stream().allMatch(TensorSpec::hasBatchAxis);
  }

  private static void check(
      String model, long version, ModelSignature signature, ModelConfig config, boolean batchable) {
    String what = "model '" + model + "' version " + version;
    for (TensorSpec spec : concat(signature.inputs(), signature.outputs())) {
      if (WireTensors.datatype(spec.type()).isEmpty()) {
        throw new ServerException(
            ServerException.Code.BAD_REQUEST,
            what
                + ": '"
                + spec.name()
                + "' is "
                + spec.type()
                + ", which the KServe v2 protocol has no datatype for; cast it to float32 in the model");
      }
    }
    if (config.maxBatchSize() > 0 && !batchable) {
      throw new ServerException(
          ServerException.Code.BAD_REQUEST,
          what
              + " has max_batch_size "
              + config.maxBatchSize()
              + " but not every input and output has a symbolic first axis "
              + concat(signature.inputs(), signature.outputs())
              + "; set max_batch_size 0");
    }
  }

  private static List<TensorSpec> concat(List<TensorSpec> a, List<TensorSpec> b) {
    List<TensorSpec> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void warmUp(Model session, int runs) {
    for (int i = 0; i < runs; i++) {
      Map<String, Tensor> inputs = new HashMap<>();
      try {
        for (TensorSpec spec : session.signature().inputs()) {
          long[] shape = spec.concreteShape(1, Map.of(), 1);
          inputs.put(spec.name(), Tensor.zeros(spec.type(), shape));
        }
        // the first runs allocate ONNX Runtime's arenas and pick kernels; the outputs are not
        // needed
        session.run(inputs).close();
      } finally {
        inputs.values().forEach(Tensor::close);
      }
    }
  }

  @Override
  public void unloadModel(String model) {
    ModelRepository.checkName(model);
    synchronized (control) {
      Generation old = served.remove(model);
      failures.remove(model);
      if (old == null) {
        throw new ServerException(
            ServerException.Code.NOT_FOUND,
            "model '"
                + model
                + "' is not loaded; the loaded "
                + "models are "
                + new TreeMap<>(served).keySet());
      }
      old.versions().values().forEach(LoadedVersion::retire);
      LOG.log(System.Logger.Level.INFO, "unloaded model '" + model + "'");
    }
  }

  /**
   * Polling: loads new and changed repository models, unloads removed ones; a failed load keeps the
   * old one.
   */
  void poll() {
    if (closed) {
      return;
    }
    synchronized (control) {
      for (String model : modelNames()) {
        Optional<ModelRepository> repository = repositoryOf(model);
        if (repository.isEmpty()) {
          continue;
        }
        try {
          String fingerprint = repository.get().fingerprint(model);
          Generation current = served.get(model);
          if ((current != null && current.fingerprint().equals(fingerprint))
              || fingerprint.equals(failedFingerprints.get(model))) {
            continue;
          }
          try {
            loadModel(model);
          } catch (RuntimeException e) {
            failedFingerprints.put(model, fingerprint);
            if (current == null) {
              LOG.log(
                  System.Logger.Level.WARNING,
                  "model '" + model + "' failed to load: " + e.getMessage());
            }
          }
        } catch (RuntimeException e) {
          LOG.log(
              System.Logger.Level.WARNING,
              "polling model '" + model + "' failed: " + e.getMessage());
        }
      }
      for (String model : List.copyOf(served.keySet())) {
        if (!settings.models().containsKey(model)
            && repositories.stream().noneMatch(r -> r.contains(model))) {
          unloadModel(model);
        }
      }
    }
  }

  @Override
  public List<ModelStatistics> statistics() {
    return counters.values().stream()
        .map(ModelCounters::snapshot)
        .sorted(
            Comparator.comparing(ModelStatistics::model)
                .thenComparing(s -> Long.parseLong(s.version())))
        .toList();
  }

  /** Sessions open now, across all models and retired versions still draining. */
  int openSessions() {
    return openSessions.get();
  }

  private void checkOpen() {
    if (closed) {
      throw new ServerException(ServerException.Code.UNAVAILABLE, "the server is shutting down");
    }
  }

  @Override
  public void close() {
    synchronized (control) {
      if (closed) {
        return;
      }
      closed = true;
      if (polling != null) {
        polling.cancel(false);
      }
      for (String model : List.copyOf(served.keySet())) {
        Generation old = served.remove(model);
        if (old != null) {
          old.versions().values().forEach(version -> version.batcher().shutDown());
          old.versions().values().forEach(LoadedVersion::retire);
        }
      }
    }
    if (ownsExecutor) {
      shutDown(executor);
    }
    if (ownsScheduler) {
      shutDown(scheduler);
    }
  }

  private static void shutDown(ExecutorService pool) {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
