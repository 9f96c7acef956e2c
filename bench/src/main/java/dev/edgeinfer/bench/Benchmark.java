package dev.edgeinfer.bench;

import dev.edgeinfer.onnx.ModelSummary;
import dev.edgeinfer.onnx.OnnxFormatException;
import dev.edgeinfer.onnx.OnnxModel;
import dev.edgeinfer.pipeline.LatencyHistogram;
import dev.edgeinfer.pipeline.NpyArray;
import dev.edgeinfer.pipeline.Ticker;
import dev.edgeinfer.runtime.ElementType;
import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.ModelFormats;
import dev.edgeinfer.runtime.ModelOptions;
import dev.edgeinfer.runtime.Tensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Runs a scenario against a loaded model on synthetic inputs and reports latency, throughput,
 * energy and the share of the machine's peak. With {@code compareBare}, a bare ONNX Runtime loop on
 * the same model runs in alternating rounds, so both see the same machine noise and the overhead is
 * a ratio measured in one run. Runs on the calling thread (the server scenario adds its own worker
 * pool).
 */
public final class Benchmark {
  private static final int ROUNDS = 6;
  private static final int MAX_BATCH = 1024;
  private static final int PEAK_SEARCH_STEPS = 10;
  private static final long SEED = 42;

  private final SystemUnderTest system;
  private final Optional<Path> modelFile;
  private final ModelOptions options;
  private final BenchConfig config;
  private final Progress progress;
  private final Ticker ticker;
  private final String modelName;
  private final Consumer<String> notes;

  /**
   * @param model the loaded model (the caller closes it)
   * @param modelName how reports name it
   * @param modelFile the file it came from: for the bare baseline and the model summary
   * @param options the options it was loaded with, copied by the bare baseline
   * @param notes one-line remarks for the user (meters that could not be read, ...)
   */
  public Benchmark(
      Model model,
      String modelName,
      Optional<Path> modelFile,
      ModelOptions options,
      BenchConfig config,
      Progress progress,
      Ticker ticker,
      Consumer<String> notes) {
    this(SystemUnderTest.of(model), modelName, modelFile, options, config, progress, ticker, notes);
  }

  /**
   * @param system what to measure: an in-process model or a model behind a server
   * @param modelName how reports name it
   * @param modelFile the model file, when there is one here: for the bare baseline and the model
   *     summary
   * @param options the options it was loaded with, copied by the bare baseline
   * @param notes one-line remarks for the user (meters that could not be read, ...)
   */
  public Benchmark(
      SystemUnderTest system,
      String modelName,
      Optional<Path> modelFile,
      ModelOptions options,
      BenchConfig config,
      Progress progress,
      Ticker ticker,
      Consumer<String> notes) {
    this.system = system;
    this.modelName = modelName;
    this.modelFile = modelFile;
    this.options = options;
    this.config = config;
    this.progress = progress;
    this.ticker = ticker;
    this.notes = notes;
    if (config.compareBare() && modelFile.isEmpty()) {
      throw new BenchException("--compare-bare needs the model as a file");
    }
  }

  public BenchReport run() {
    Optional<ModelSummary> details = modelFile.flatMap(Benchmark::summary);
    OptionalDouble accuracy =
        config.data().isEmpty() || config.labels().isEmpty()
            ? OptionalDouble.empty()
            : OptionalDouble.of(
                AccuracyCheck.run(
                    system,
                    NpyArray.read(config.data().get()),
                    NpyArray.read(config.labels().get())));
    boolean batched = system.signature().inputs().stream().allMatch(s -> s.hasBatchAxis());
    if (config.batch().isPresent() && config.batch().getAsInt() > 1 && !batched) {
      throw new BenchException(
          "--batch "
              + config.batch().getAsInt()
              + " needs a model whose inputs have a symbolic "
              + "first axis; this model's inputs are "
              + system.signature().inputs());
    }
    if (!system.meteredHere()) {
      notes.accept(
          "energy is not reported for a model behind a server: the meters here cannot tell its work"
              + " from the load generator's; bench the model file on the server's machine instead");
    }
    try (EnergyMeter meter =
        EnergyMeter.detect(energyOptions(), system.meteredHere() ? notes : note -> {})) {
      Result result =
          config.scenario() == Scenario.SERVER ? server(meter) : closedLoop(meter, batched);
      progress.update("done", 1);
      Measurement m = result.measured();
      LatencyHistogram latencies = m.latencies();
      double percentile = config.scenario().headlinePercentile();
      Optional<BenchReport.Headline> headline =
          latencies.earlyStoppingMillis(percentile).stream()
              .mapToObj(
                  estimate ->
                      new BenchReport.Headline(
                          percentile, latencies.percentileMillis(percentile), estimate))
              .findFirst();
      double throughput = m.samplesPerSecond();
      Optional<EnergyFigures> energy =
          system.meteredHere()
              ? Optional.of(
                  new EnergyFigures(
                      meter.source(), meter.description(), result.joules(), result.energySamples()))
              : Optional.empty();
      Optional<Roofline> roofline =
          details.filter(d -> d.macs() > 0 && !config.dryRun()).map(d -> roofline(d, throughput));
      Optional<CloudComparison> cloud = config.network().map(n -> cloud(n, m));
      return new BenchReport(
          config.scenario(),
          modelName,
          details,
          config.dryRun() ? "none (dry run)" : system.provider(),
          options.intraOpThreads(),
          m.batch(),
          m.queries(),
          m.samples(),
          m.nanos() / 1e9,
          throughput,
          latencies.summary(),
          latencies.distribution(),
          headline,
          result.server(),
          accuracy,
          energy,
          roofline,
          cloud,
          result.bare(),
          Machine.detect());
    }
  }

  /** What a scenario measured. */
  private record Result(
      Measurement measured,
      Optional<BenchReport.BareComparison> bare,
      Optional<ServerLoad> server,
      double joules,
      long energySamples) {}

  private Result closedLoop(EnergyMeter meter, boolean batched) {
    IntFunction<InferenceTarget> ours = b -> target(b, batched);
    IntFunction<InferenceTarget> bare =
        b ->
            new BareOrtTarget(
                modelFile.orElseThrow(), options, system.signature(), b, config.shapes(), SEED);
    boolean sweep =
        config.batch().isEmpty()
            && config.scenario() == Scenario.OFFLINE
            && batched
            && !config.dryRun();
    int oursBatch =
        sweep
            ? bestBatch(ours, "batch sweep")
            : config
                .batch()
                .orElse(
                    config.scenario() == Scenario.MULTI_STREAM ? Scenario.MULTI_STREAM_SAMPLES : 1);
    int bareBatch =
        !config.compareBare() ? 0 : sweep ? bestBatch(bare, "batch sweep (bare ORT)") : oursBatch;

    try (InferenceTarget target = ours.apply(oursBatch);
        InferenceTarget baseline = config.compareBare() ? bare.apply(bareBatch) : null) {
      progress.update("warm-up", 0.3);
      warm(target);
      if (baseline != null) {
        warm(baseline);
      }
      Measurement measured = Measurement.empty(target.batch());
      Measurement bareMeasured = Measurement.empty(bareBatch);
      int rounds = baseline == null ? 1 : ROUNDS;
      long roundNanos = config.duration().toNanos() / rounds / (baseline == null ? 1 : 2);
      long minQueries = Math.max(1, config.minQueries() / rounds);
      double joules = 0;
      for (int round = 0; round < rounds; round++) {
        double base = 0.3 + 0.7 * round / rounds;
        double step = 0.7 / rounds;
        meter.start();
        Measurement m =
            measure(target, roundNanos, minQueries, base, baseline == null ? step : step / 2);
        joules += meter.stop();
        measured = measured.plus(m);
        if (baseline != null) {
          bareMeasured =
              bareMeasured.plus(
                  measure(baseline, roundNanos, minQueries, base + step / 2, step / 2));
        }
      }
      return new Result(
          measured,
          baseline == null
              ? Optional.empty()
              : Optional.of(BenchReport.BareComparison.of(bareMeasured)),
          Optional.empty(),
          joules,
          measured.samples());
    }
  }

  private InferenceTarget target(int samples, boolean batched) {
    if (config.dryRun()) {
      return new NoopTarget(samples);
    }
    if (samples > 1 && !batched) {
      return new RepeatedTarget(new QueryTarget(system, 1, config.shapes(), SEED), samples);
    }
    return new QueryTarget(system, samples, config.shapes(), SEED);
  }

  private Result server(EnergyMeter meter) {
    int workers =
        config.workers() > 0 ? config.workers() : Runtime.getRuntime().availableProcessors();
    long bound = config.latencyBound().toNanos();
    try (InferenceTarget target = target(config.batch().orElse(1), true)) {
      progress.update("warm-up", 0.05);
      warm(target);
      PoissonLoad load =
          new PoissonLoad(target, workers, ticker, Executors::newFixedThreadPool, SEED);
      meter.start();
      List<PoissonLoad.Step> steps;
      if (config.targetQps().isPresent()) {
        double qps = config.targetQps().getAsDouble();
        progress.update(String.format(java.util.Locale.ROOT, "offering %.0f q/s", qps), 0.1);
        steps =
            List.of(
                load.offer(qps, config.duration().toNanos(), PoissonLoad.backlogFor(qps, bound)));
      } else {
        long stepNanos =
            Math.max(Duration.ofMillis(500).toNanos(), config.duration().toNanos() / 8);
        double start = startingRate(target, workers);
        steps =
            load.findPeak(
                start,
                stepNanos,
                bound,
                PEAK_SEARCH_STEPS,
                (i, max, step) ->
                    progress.update(
                        String.format(
                            java.util.Locale.ROOT, "step %d: %.0f q/s", i, step.offeredQps()),
                        0.1 + 0.9 * i / max));
      }
      double joules = meter.stop();
      long energySamples = steps.stream().mapToLong(s -> s.completed() * target.batch()).sum();
      List<LoadPoint> points =
          steps.stream()
              .map(
                  s ->
                      new LoadPoint(
                          s.offeredQps(),
                          s.achievedQps(),
                          s.latencies().percentileMillis(50),
                          s.latencies().percentileMillis(99),
                          PoissonLoad.withinBound(s, bound)))
              .toList();
      PoissonLoad.Step chosen =
          config.targetQps().isPresent()
              ? steps.getFirst()
              : steps.stream()
                  .filter(s -> PoissonLoad.withinBound(s, bound))
                  .max(Comparator.comparingDouble(PoissonLoad.Step::offeredQps))
                  .orElse(steps.getFirst());
      double peak =
          steps.stream()
              .filter(s -> PoissonLoad.withinBound(s, bound))
              .mapToDouble(PoissonLoad.Step::offeredQps)
              .max()
              .orElse(0);
      Measurement measured =
          new Measurement(target.batch(), chosen.completed(), chosen.nanos(), chosen.latencies());
      return new Result(
          measured,
          Optional.empty(),
          Optional.of(new ServerLoad(config.latencyBound().toNanos() / 1e6, peak, points)),
          joules,
          energySamples);
    }
  }

  /** Half of what the workers could do back to back, judged from a short closed-loop run. */
  private double startingRate(InferenceTarget target, int workers) {
    Measurement probe = measure(target, Duration.ofMillis(300).toNanos(), 3, 0.05, 0);
    double perWorker = probe.queries() / Math.max(probe.nanos() / 1e9, 1e-9);
    return Math.max(
        1, perWorker * Math.min(workers, Runtime.getRuntime().availableProcessors()) / 2);
  }

  private EnergyMeter.Options energyOptions() {
    return EnergyMeter.Options.defaults()
        .withWattsPerCore(config.wattsPerCore())
        .withGpu(system.gpu());
  }

  private Roofline roofline(ModelSummary details, double samplesPerSecond) {
    CpuPeak peak =
        CpuPeak.detect(
            Path.of("/proc"), Path.of("/sys"), Runtime.getRuntime().availableProcessors());
    double achieved = details.macs() * samplesPerSecond / 1e9;
    return new Roofline(
        details.macs(),
        details.macsAreLowerBound(),
        achieved,
        peak.peakGmacPerSecond(),
        peak.features(),
        peak.derivation());
  }

  private CloudComparison cloud(NetworkModel network, Measurement m) {
    int batch = Math.max(1, m.batch());
    long up = 0;
    long down = 0;
    try (QueryTarget probe = new QueryTarget(system, 1, config.shapes(), SEED)) {
      for (Tensor t : probe.inputs().values()) {
        up += bytes(t);
      }
      for (Tensor t : system.predict(probe.inputs())) {
        try (t) {
          down += bytes(t);
        }
      }
    }
    double transfer = network.transferMillis(up * batch, down * batch);
    var local = m.latencies().summary();
    return new CloudComparison(
        network.rttMillis(),
        network.bandwidthMbit(),
        up,
        down,
        local.p50(),
        local.p99(),
        local.p50() + transfer,
        local.p99() + transfer);
  }

  private static long bytes(Tensor t) {
    if (t.type() == ElementType.STRING) {
      long total = 0;
      for (String s : t.toStrings()) {
        total += s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      }
      return total;
    }
    return t.elementCount() * t.type().byteSize();
  }

  private static Optional<ModelSummary> summary(Path file) {
    try {
      return Optional.of(ModelSummary.of(OnnxModel.read(ModelFormats.onnxFile(file))));
    } catch (OnnxFormatException e) {
      return Optional.empty();
    }
  }

  private void warm(InferenceTarget target) {
    long until = ticker.nanos() + config.warmup().toNanos();
    int runs = 0;
    do {
      target.infer();
      runs++;
    } while (ticker.nanos() < until || runs < 3);
  }

  private Measurement measure(
      InferenceTarget target,
      long nanos,
      long minQueries,
      double progressBase,
      double progressSpan) {
    LatencyHistogram latencies = new LatencyHistogram();
    long start = ticker.nanos();
    long end = start + nanos;
    long queries = 0;
    long now = start;
    long lastProgress = start;
    while (now < end || queries < minQueries) {
      long before = now;
      target.infer();
      now = ticker.nanos();
      latencies.record(now - before);
      queries++;
      if (progressSpan > 0 && now - lastProgress > 100_000_000L) {
        lastProgress = now;
        progress.update(
            "measure", progressBase + progressSpan * Math.min(1, (double) (now - start) / nanos));
      }
    }
    return new Measurement(target.batch(), queries, now - start, latencies);
  }

  /** Tries batch sizes 1, 2, 4... and returns the one with the highest samples/s. */
  private int bestBatch(IntFunction<InferenceTarget> factory, String phase) {
    long budget = Math.max(Duration.ofMillis(150).toNanos(), config.duration().toNanos() / 40);
    int best = 1;
    double bestRate = 0;
    int worse = 0;
    for (int batch = 1; batch <= MAX_BATCH; batch *= 2) {
      progress.update(phase + " " + batch, 0.3 * Math.log(batch + 1) / Math.log(MAX_BATCH + 1));
      double rate;
      long single;
      try (InferenceTarget target = factory.apply(batch)) {
        long t0 = ticker.nanos();
        target.infer();
        single = ticker.nanos() - t0;
        rate = measure(target, budget, 2, 0, 0).samplesPerSecond();
      }
      if (rate > bestRate) {
        bestRate = rate;
        best = batch;
        worse = 0;
      } else if (++worse >= 2) {
        break;
      }
      if (single > budget) {
        break;
      }
    }
    return best;
  }
}
