package dev.edgeinfer.bench;

import dev.edgeinfer.pipeline.Ticker;
import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.ModelOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Runs a scenario against a loaded model on synthetic inputs and reports latency and throughput.
 * With {@code compareBare}, a bare ONNX Runtime loop on the same model runs in alternating rounds,
 * so both see the same machine noise and the overhead is a ratio measured in one run.
 */
public final class Benchmark {
  private static final int ROUNDS = 6;
  private static final int MAX_BATCH = 1024;
  private static final long SEED = 42;

  private final Model model;
  private final Optional<Path> modelFile;
  private final ModelOptions options;
  private final BenchConfig config;
  private final Progress progress;
  private final Ticker ticker;
  private final String modelName;

  /**
   * @param model the loaded model (the caller closes it)
   * @param modelName how reports name it
   * @param modelFile the file it came from, needed for the bare baseline
   * @param options the options it was loaded with, copied by the bare baseline
   */
  public Benchmark(Model model, String modelName, Optional<Path> modelFile, ModelOptions options, BenchConfig config,
                   Progress progress, Ticker ticker) {
    this.model = model;
    this.modelName = modelName;
    this.modelFile = modelFile;
    this.options = options;
    this.config = config;
    this.progress = progress;
    this.ticker = ticker;
    if (config.compareBare() && modelFile.isEmpty()) {
      throw new BenchException("--compare-bare needs the model as a file");
    }
  }

  public BenchReport run() {
    boolean sweep = config.batch().isEmpty() && config.scenario() == Scenario.OFFLINE;
    boolean batched = model.signature().inputs().stream().allMatch(s -> s.hasBatchAxis());
    if (config.batch().isPresent() && config.batch().getAsInt() > 1 && !batched) {
      throw new BenchException("--batch " + config.batch().getAsInt() + " needs a model whose inputs have a symbolic "
          + "first axis; this model's inputs are " + model.signature().inputs());
    }
    IntFunction<InferenceTarget> ours = b -> new ModelTarget(model, b, config.shapes(), SEED);
    IntFunction<InferenceTarget> bare = b -> new BareOrtTarget(modelFile.orElseThrow(), options, model, b, config.shapes(), SEED);

    int oursBatch = sweep && batched ? bestBatch(ours, "batch sweep") : config.batch().orElse(1);
    int bareBatch = !config.compareBare() ? 0 : sweep && batched ? bestBatch(bare, "batch sweep (bare ORT)") : oursBatch;

    try (InferenceTarget target = ours.apply(oursBatch);
         InferenceTarget baseline = config.compareBare() ? bare.apply(bareBatch) : null) {
      progress.update("warm-up", 0.3);
      warm(target);
      if (baseline != null) {
        warm(baseline);
      }
      Measurement measured = Measurement.empty(oursBatch);
      Measurement bareMeasured = Measurement.empty(bareBatch);
      int rounds = baseline == null ? 1 : ROUNDS;
      long roundNanos = config.duration().toNanos() / rounds / (baseline == null ? 1 : 2);
      long minQueries = Math.max(1, config.minQueries() / rounds);
      for (int round = 0; round < rounds; round++) {
        double base = 0.3 + 0.7 * round / rounds;
        double step = 0.7 / rounds;
        measured = measured.plus(measure(target, roundNanos, minQueries, base, baseline == null ? step : step / 2));
        if (baseline != null) {
          bareMeasured = bareMeasured.plus(measure(baseline, roundNanos, minQueries, base + step / 2, step / 2));
        }
      }
      progress.update("done", 1);
      Optional<BenchReport.BareComparison> comparison = baseline == null ? Optional.empty()
          : Optional.of(BenchReport.BareComparison.of(bareMeasured));
      return BenchReport.of(config.scenario(), modelName, model.provider().toString(), options.intraOpThreads(),
          measured, comparison, Machine.detect());
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

  private Measurement measure(InferenceTarget target, long nanos, long minQueries, double progressBase, double progressSpan) {
    var latencies = new dev.edgeinfer.pipeline.LatencyHistogram();
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
      if (now - lastProgress > 100_000_000L) {
        lastProgress = now;
        progress.update("measure", progressBase + progressSpan * Math.min(1, (double) (now - start) / nanos));
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
