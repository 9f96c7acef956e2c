package dev.edgeinfer.pipeline;

import dev.edgeinfer.pipeline.spi.Sink;
import dev.edgeinfer.pipeline.spi.Source;
import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.Outputs;
import dev.edgeinfer.runtime.Tensor;
import dev.edgeinfer.runtime.TensorSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The real-time loop: source → pre-process → model → post-process → sinks, one frame at a time on
 * the calling thread. Every frame is timestamped at capture (T_start) and at result (T_end).
 *
 * <p>Paced mode ({@code fps > 0}) behaves like a camera: frame {@code i} is captured at {@code
 * start + i / fps}, and its latency counts from then, so a slow model shows up as latency instead
 * of hiding behind a stalled clock. When processing falls behind, the pipeline takes the newest
 * frame, like a camera's driver; the frames superseded meanwhile are taken from the source and
 * counted as {@code dropped}, never silently lost. Results slower than one frame interval count as
 * {@code late}. Flat-out mode ({@code fps = 0}) captures each frame when it is read.
 *
 * <p>Not thread-safe; one instance runs once.
 */
public final class RealtimePipeline {
  private static final long STATUS_EVERY_NANOS = 100_000_000L;

  private final Model model;
  private final String modelName;
  private final Source source;
  private final Preprocessor preprocessor;
  private final Classifier classifier;
  private final List<Sink> sinks;
  private final Settings settings;
  private final Ticker ticker;
  private final InstantSource wallClock;
  private final Consumer<String> warnings;
  private final TensorSpec input;
  private final Set<String> outputName;

  /**
   * When to stop and how fast to go.
   *
   * @param fps frames per second to pace at; 0 = as fast as possible
   * @param maxSamples stop after this many results (0 = no limit)
   * @param duration stop after this long (empty = no limit)
   * @param processStart when the process started, to report time to first result
   */
  public record Settings(
      double fps, long maxSamples, Optional<Duration> duration, Optional<Instant> processStart) {
    public Settings {
      if (fps < 0 || Double.isNaN(fps)) {
        throw new PipelineException(
            PipelineException.Code.INVALID_SPEC, "fps must be >= 0 (0 = flat out), got " + fps);
      }
      if (maxSamples < 0) {
        throw new PipelineException(
            PipelineException.Code.INVALID_SPEC, "max samples must be >= 0, got " + maxSamples);
      }
      duration.ifPresent(
          d -> {
            if (d.isNegative() || d.isZero()) {
              throw new PipelineException(
                  PipelineException.Code.INVALID_SPEC, "duration must be positive, got " + d);
            }
          });
    }
  }

  private RealtimePipeline(Builder b) {
    this.model = Objects.requireNonNull(b.model, "model");
    this.modelName = b.modelName;
    this.source = Objects.requireNonNull(b.source, "source");
    this.preprocessor = Objects.requireNonNull(b.preprocessor, "preprocessor");
    this.classifier = Objects.requireNonNull(b.classifier, "classifier");
    this.sinks = List.copyOf(b.sinks);
    this.settings = b.settings;
    this.ticker = b.ticker;
    this.wallClock = b.wallClock;
    this.warnings = b.warnings;
    this.input = model.signature().inputs().getFirst();
    this.outputName =
        b.outputName.map(Set::of).orElse(Set.of(model.signature().outputs().getFirst().name()));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Runs until the source ends or a limit is reached, and returns the figures. */
  public RunSummary run() {
    String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    LatencyHistogram latencies = new LatencyHistogram();
    double fps = settings.fps();
    long interval = fps > 0 ? Math.round(1e9 / fps) : 0;
    long deadline = settings.duration().map(Duration::toNanos).orElse(Long.MAX_VALUE);
    long samples = 0;
    long dropped = 0;
    long late = 0;
    long failed = 0;
    long labelled = 0;
    long correct = 0;
    long frameIndex = 0;
    long lastStatus = Long.MIN_VALUE;
    long lastEnd = 0;
    Optional<Instant> firstResult = Optional.empty();
    Optional<SampleResult> last = Optional.empty();

    long[] shape = preprocessorShape();
    long start = ticker.nanos();
    Instant startWall = wallClock.instant();
    try (Tensor tensor = Tensor.zeros(input.type(), shape)) {
      Map<String, Tensor> feed = Map.of(input.name(), tensor);
      while (settings.maxSamples() == 0 || samples < settings.maxSamples()) {
        long captured;
        if (interval > 0) {
          long now = ticker.nanos();
          long newest = (long) Math.floor((now - start) * fps / 1e9);
          if (newest > frameIndex) {
            long superseded = newest - frameIndex;
            long skipped = skip(superseded);
            dropped += skipped;
            frameIndex = newest;
            if (skipped < superseded) {
              break;
            }
          }
          long scheduled = start + Math.round(frameIndex * 1e9 / fps);
          if (scheduled - start >= deadline) {
            break;
          }
          if (now < scheduled) {
            ticker.sleepUntil(scheduled);
          }
          captured = scheduled;
        } else {
          captured = ticker.nanos();
          if (captured - start >= deadline) {
            break;
          }
        }
        frameIndex++;
        Optional<Frame> next;
        try {
          next = source.next();
        } catch (PipelineException e) {
          if (e.code() != PipelineException.Code.UNDECODABLE_SAMPLE) {
            throw e;
          }
          failed++;
          warnings.accept(e.getMessage());
          continue;
        }
        if (next.isEmpty()) {
          break;
        }
        Frame frame = next.get();
        preprocessor.write(frame, tensor);
        Prediction prediction;
        try (Outputs outputs = model.run(feed, outputName)) {
          prediction = classifier.classify(outputs.get(0).toFloatArray());
        }
        long end = ticker.nanos();
        long latency = end - captured;
        latencies.record(latency);
        if (interval > 0 && latency > interval) {
          late++;
        }
        SampleResult result =
            new SampleResult(
                runId + "-" + samples,
                samples,
                frame.origin(),
                startWall.plusNanos(captured - start),
                latency,
                prediction,
                frame.label());
        samples++;
        lastEnd = end;
        if (result.correct().isPresent()) {
          labelled++;
          correct += result.correct().get() ? 1 : 0;
        }
        if (firstResult.isEmpty()) {
          firstResult = Optional.of(wallClock.instant());
        }
        last = Optional.of(result);
        for (Sink sink : sinks) {
          sink.accept(result);
        }
        if (lastStatus == Long.MIN_VALUE || end - lastStatus >= STATUS_EVERY_NANOS) {
          lastStatus = end;
          RunStatus status =
              status(samples, end - start, latencies, dropped, failed, labelled, correct, last);
          for (Sink sink : sinks) {
            sink.status(status);
          }
        }
      }
    }
    long elapsed = Math.max(1, (samples > 0 ? lastEnd : ticker.nanos()) - start);
    RunStatus status =
        status(samples, elapsed, latencies, dropped, failed, labelled, correct, last);
    for (Sink sink : sinks) {
      sink.status(status);
    }
    Optional<Instant> first = firstResult;
    OptionalDouble startup =
        settings
            .processStart()
            .flatMap(p -> first.map(f -> Duration.between(p, f).toNanos() / 1e6))
            .map(OptionalDouble::of)
            .orElse(OptionalDouble.empty());
    RunSummary summary =
        new RunSummary(
            modelName,
            model.provider().toString(),
            source.describe(),
            fps,
            samples,
            dropped,
            late,
            failed,
            elapsed / 1e9,
            samples / (elapsed / 1e9),
            startup,
            latencies.summary(),
            ProcessFootprint.peakRssMb(),
            labelled > 0 ? OptionalDouble.of((double) correct / labelled) : OptionalDouble.empty(),
            labelled);
    for (Sink sink : sinks) {
      sink.finish(summary);
    }
    return summary;
  }

  private long[] preprocessorShape() {
    return input.concreteShape(1, Map.of(), 1);
  }

  /** Takes up to {@code count} superseded frames from the source; returns how many there were. */
  private long skip(long count) {
    long skipped = 0;
    while (skipped < count) {
      try {
        if (source.next().isEmpty()) {
          return skipped;
        }
      } catch (PipelineException e) {
        if (e.code() != PipelineException.Code.UNDECODABLE_SAMPLE) {
          throw e;
        }
      }
      skipped++;
    }
    return skipped;
  }

  private static RunStatus status(
      long samples,
      long elapsed,
      LatencyHistogram latencies,
      long dropped,
      long failed,
      long labelled,
      long correct,
      Optional<SampleResult> last) {
    return new RunStatus(
        samples,
        elapsed,
        samples / Math.max(elapsed / 1e9, 1e-9),
        latencies.percentileMillis(50),
        latencies.percentileMillis(99),
        dropped,
        failed,
        labelled > 0 ? OptionalDouble.of((double) correct / labelled) : OptionalDouble.empty(),
        last);
  }

  /** Assembles a pipeline; {@link #build()} checks that every stage is set. */
  public static final class Builder {
    private Model model;
    private String modelName = "model";
    private Source source;
    private Preprocessor preprocessor;
    private Classifier classifier;
    private final List<Sink> sinks = new ArrayList<>();
    private Settings settings = new Settings(0, 0, Optional.empty(), Optional.empty());
    private Ticker ticker = Ticker.system();
    private InstantSource wallClock = InstantSource.system();
    private Consumer<String> warnings = message -> {};
    private Optional<String> outputName = Optional.empty();

    private Builder() {}

    public Builder model(Model model, String name) {
      if (model.signature().inputs().size() != 1) {
        throw new PipelineException(
            PipelineException.Code.SHAPE_MISMATCH,
            "the pipeline feeds single-input models; "
                + name
                + " has inputs "
                + model.signature().inputs().stream().map(TensorSpec::name).toList());
      }
      this.model = model;
      this.modelName = name;
      return this;
    }

    public Builder source(Source source) {
      this.source = source;
      return this;
    }

    public Builder preprocessor(Preprocessor preprocessor) {
      this.preprocessor = preprocessor;
      return this;
    }

    public Builder classifier(Classifier classifier) {
      this.classifier = classifier;
      return this;
    }

    /** Uses the output named {@code name} instead of the model's first output. */
    public Builder output(String name) {
      this.outputName = Optional.of(name);
      return this;
    }

    public Builder sink(Sink sink) {
      this.sinks.add(sink);
      return this;
    }

    public Builder settings(Settings settings) {
      this.settings = settings;
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    public Builder wallClock(InstantSource wallClock) {
      this.wallClock = wallClock;
      return this;
    }

    /** Receives one-line warnings about skipped frames. */
    public Builder warnings(Consumer<String> warnings) {
      this.warnings = warnings;
      return this;
    }

    public RealtimePipeline build() {
      return new RealtimePipeline(this);
    }
  }
}
