package dev.edgeinfer.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.edgeinfer.pipeline.LatencyHistogram;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The figures of one benchmark. Latency is per query (a query holds {@code batch} samples);
 * throughput is samples per second.
 *
 * @param scenario the load pattern
 * @param model what ran
 * @param provider the execution provider it ran on
 * @param threads intra-op threads asked for (0 = one per core)
 * @param batch samples per query
 * @param queries queries measured
 * @param samples samples measured
 * @param durationSeconds time measured
 * @param throughputPerSecond samples per second
 * @param latency per-query latency percentiles in milliseconds
 * @param bare the bare ONNX Runtime loop, when compared
 * @param machine where it ran
 */
public record BenchReport(Scenario scenario, String model, String provider, int threads, int batch, long queries,
                          long samples, double durationSeconds, double throughputPerSecond,
                          LatencyHistogram.LatencySummary latency, Optional<BareComparison> bare, Machine machine) {

  static BenchReport of(Scenario scenario, String model, String provider, int threads, Measurement m,
                        Optional<BareComparison> bare, Machine machine) {
    return new BenchReport(scenario, model, provider, threads, m.batch(), m.queries(), m.samples(), m.nanos() / 1e9,
        m.samplesPerSecond(), m.latencies().summary(), bare, machine);
  }

  /**
   * The bare {@code OrtSession.run} loop measured in the same run.
   *
   * @param batch its batch size (for offline, the fastest it found)
   * @param throughputPerSecond its samples per second
   * @param latency its per-query latency
   */
  public record BareComparison(int batch, double throughputPerSecond, LatencyHistogram.LatencySummary latency) {
    static BareComparison of(Measurement m) {
      return new BareComparison(m.batch(), m.samplesPerSecond(), m.latencies().summary());
    }
  }

  /** Our p50 over the bare loop's p50 (1.0 = no overhead). */
  public Optional<Double> p50Ratio() {
    return bare.map(b -> latency.p50() / b.latency().p50());
  }

  /** Our p50 minus the bare loop's p50, in microseconds. */
  public Optional<Double> p50OverheadMicros() {
    return bare.map(b -> (latency.p50() - b.latency().p50()) * 1000);
  }

  /** Our throughput over the bare loop's. */
  public Optional<Double> throughputRatio() {
    return bare.map(b -> throughputPerSecond / b.throughputPerSecond());
  }

  public void writeJson(Path file) {
    try (OutputStream out = Files.newOutputStream(file);
         JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("scenario", scenario.toString());
      json.writeStringField("model", model);
      json.writeStringField("provider", provider);
      json.writeNumberField("threads", threads);
      json.writeNumberField("batch", batch);
      json.writeNumberField("queries", queries);
      json.writeNumberField("samples", samples);
      json.writeNumberField("duration_s", round(durationSeconds));
      json.writeNumberField("throughput_per_s", round(throughputPerSecond));
      writeLatency(json, "latency_ms", latency);
      if (bare.isPresent()) {
        BareComparison b = bare.get();
        json.writeObjectFieldStart("bare_ort");
        json.writeNumberField("batch", b.batch());
        json.writeNumberField("throughput_per_s", round(b.throughputPerSecond()));
        writeLatency(json, "latency_ms", b.latency());
        json.writeNumberField("p50_ratio", round(p50Ratio().orElseThrow()));
        json.writeNumberField("p50_overhead_us", round(p50OverheadMicros().orElseThrow()));
        json.writeNumberField("throughput_ratio", round(throughputRatio().orElseThrow()));
        json.writeEndObject();
      }
      json.writeObjectFieldStart("machine");
      json.writeStringField("cpu", machine.cpu());
      json.writeNumberField("cores", machine.cores());
      json.writeStringField("os", machine.os());
      json.writeStringField("java", machine.java());
      json.writeStringField("onnxruntime", machine.onnxRuntime());
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new BenchException("cannot write the report to " + file + " (" + e.getMessage()
          + "); check the folder exists and is writable");
    }
  }

  private static void writeLatency(JsonGenerator json, String field, LatencyHistogram.LatencySummary l) throws IOException {
    json.writeObjectFieldStart(field);
    json.writeNumberField("p50", round(l.p50()));
    json.writeNumberField("p90", round(l.p90()));
    json.writeNumberField("p99", round(l.p99()));
    json.writeNumberField("max", round(l.max()));
    json.writeNumberField("mean", round(l.mean()));
    json.writeEndObject();
  }

  /** A few human-readable lines. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "scenario   %s, batch %d, %s, threads %s%n", scenario, batch, provider,
        threads == 0 ? "auto" : Integer.toString(threads)));
    text.append(String.format(Locale.ROOT, "throughput %.1f samples/s (%d queries in %.2f s)%n", throughputPerSecond,
        queries, durationSeconds));
    text.append(String.format(Locale.ROOT, "latency    p50 %.4f ms  p90 %.4f ms  p99 %.4f ms  max %.4f ms  mean %.4f ms%n",
        latency.p50(), latency.p90(), latency.p99(), latency.max(), latency.mean()));
    bare.ifPresent(b -> text.append(String.format(Locale.ROOT,
        "bare ORT   batch %d: %.1f samples/s, p50 %.4f ms -> ours/bare p50 %.3fx (%+.1f us), throughput %.3fx%n",
        b.batch(), b.throughputPerSecond(), b.latency().p50(), p50Ratio().orElseThrow(), p50OverheadMicros().orElseThrow(),
        throughputRatio().orElseThrow())));
    text.append(String.format(Locale.ROOT, "machine    %s, %d cores, %s, Java %s, ONNX Runtime %s%n", machine.cpu(),
        machine.cores(), machine.os(), machine.java(), machine.onnxRuntime()));
    return text.toString();
  }

  private static double round(double value) {
    return Math.round(value * 1e5) / 1e5;
  }
}
