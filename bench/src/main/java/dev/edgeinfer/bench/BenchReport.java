package dev.edgeinfer.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.edgeinfer.pipeline.LatencyHistogram;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The figures of one benchmark. Latency is per query (a query holds {@code batch} samples);
 * throughput is samples per second.
 *
 * @param scenario the load pattern
 * @param model what ran (a file name)
 * @param details the model's summary (operators, parameters, MACs), when the file could be read
 * @param provider the execution provider it ran on
 * @param threads intra-op threads asked for (0 = one per core)
 * @param batch samples per query
 * @param queries queries measured
 * @param samples samples measured
 * @param durationSeconds time measured
 * @param throughputPerSecond samples per second
 * @param latency per-query latency percentiles in milliseconds
 * @param distribution per-query latency histogram, for plots
 * @param headline the scenario's headline percentile with its early-stopping estimate, when enough
 *     queries ran
 * @param server the server scenario's loads, for that scenario
 * @param accuracy top-1 accuracy on the labelled data, in accuracy mode
 * @param energy energy spent while measuring
 * @param roofline share of the machine's arithmetic peak
 * @param cloud the same work through a modelled cloud round trip, when {@code --network} is given
 * @param bare the bare ONNX Runtime loop, when compared
 * @param machine where it ran
 */
public record BenchReport(
    Scenario scenario,
    String model,
    Optional<dev.edgeinfer.onnx.ModelSummary> details,
    String provider,
    int threads,
    int batch,
    long queries,
    long samples,
    double durationSeconds,
    double throughputPerSecond,
    LatencyHistogram.LatencySummary latency,
    List<LatencyHistogram.Bucket> distribution,
    Optional<Headline> headline,
    Optional<ServerLoad> server,
    OptionalDouble accuracy,
    Optional<EnergyFigures> energy,
    Optional<Roofline> roofline,
    Optional<CloudComparison> cloud,
    Optional<BareComparison> bare,
    Machine machine) {

  public BenchReport {
    distribution = List.copyOf(distribution);
  }

  /**
   * The scenario's headline latency percentile (p90 single-stream, p99 multi-stream and server).
   *
   * @param percentile which percentile
   * @param millis its measured value
   * @param earlyStoppingMillis a conservative estimate of the true percentile at 99 % confidence
   */
  public record Headline(double percentile, double millis, double earlyStoppingMillis) {}

  /**
   * The bare {@code OrtSession.run} loop measured in the same run.
   *
   * @param batch its batch size (for offline, the fastest it found)
   * @param throughputPerSecond its samples per second
   * @param latency its per-query latency
   */
  public record BareComparison(
      int batch, double throughputPerSecond, LatencyHistogram.LatencySummary latency) {
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

  /** Writes every figure as one JSON object. */
  public void writeJson(Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      writeJson(out);
    } catch (IOException e) {
      throw new BenchException(
          "cannot write the report to "
              + file
              + " ("
              + e.getMessage()
              + "); check the folder exists and is writable");
    }
  }

  /** Writes every figure as one JSON object. */
  public void writeJson(OutputStream out) throws IOException {
    try (JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
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
      if (headline.isPresent()) {
        Headline h = headline.get();
        json.writeObjectFieldStart("headline");
        json.writeNumberField("percentile", h.percentile());
        json.writeNumberField("latency_ms", round(h.millis()));
        json.writeNumberField("early_stopping_ms", round(h.earlyStoppingMillis()));
        json.writeEndObject();
      }
      json.writeArrayFieldStart("latency_histogram");
      for (LatencyHistogram.Bucket b : distribution) {
        json.writeStartArray();
        json.writeNumber(round(b.upToMillis()));
        json.writeNumber(b.count());
        json.writeEndArray();
      }
      json.writeEndArray();
      if (server.isPresent()) {
        ServerLoad s = server.get();
        json.writeObjectFieldStart("server");
        json.writeNumberField("latency_bound_ms", s.latencyBoundMillis());
        json.writeNumberField("peak_qps", round(s.peakQps()));
        json.writeArrayFieldStart("steps");
        for (LoadPoint p : s.steps()) {
          json.writeStartObject();
          json.writeNumberField("offered_qps", round(p.offeredQps()));
          json.writeNumberField("achieved_qps", round(p.achievedQps()));
          json.writeNumberField("p50_ms", round(p.p50Millis()));
          json.writeNumberField("p99_ms", round(p.p99Millis()));
          json.writeBooleanField("within_bound", p.withinBound());
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      if (accuracy.isPresent()) {
        json.writeNumberField("accuracy", round(accuracy.getAsDouble()));
      }
      if (energy.isPresent()) {
        EnergyFigures e = energy.get();
        json.writeStringField("energy_source", e.source());
        json.writeStringField("energy_description", e.description());
        json.writeNumberField("energy_j", round(e.joules()));
        json.writeNumberField("energy_j_per_inference", e.joulesPerInference());
        json.writeNumberField("inferences_per_j", round(e.inferencesPerJoule()));
      }
      if (roofline.isPresent()) {
        Roofline r = roofline.get();
        json.writeObjectFieldStart("roofline");
        json.writeNumberField("macs_per_inference", r.macsPerInference());
        json.writeBooleanField("macs_lower_bound", r.macsLowerBound());
        json.writeNumberField("achieved_gmac_per_s", round(r.achievedGmacPerSecond()));
        json.writeNumberField("peak_gmac_per_s", round(r.peakGmacPerSecond()));
        json.writeNumberField("%_of_peak", round(r.percentOfPeak()));
        json.writeStringField("peak_derivation", r.peakDerivation());
        json.writeArrayFieldStart("cpu_features");
        for (String f : r.cpuFeatures()) {
          json.writeString(f);
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      if (cloud.isPresent()) {
        CloudComparison c = cloud.get();
        json.writeObjectFieldStart("edge_vs_cloud");
        json.writeNumberField("rtt_ms", c.rttMillis());
        json.writeNumberField("bandwidth_mbit", c.bandwidthMbit());
        json.writeNumberField("bytes_up_per_sample", c.bytesUpPerSample());
        json.writeNumberField("bytes_down_per_sample", c.bytesDownPerSample());
        json.writeNumberField("local_p50_ms", round(c.localP50Millis()));
        json.writeNumberField("local_p99_ms", round(c.localP99Millis()));
        json.writeNumberField("cloud_p50_ms", round(c.cloudP50Millis()));
        json.writeNumberField("cloud_p99_ms", round(c.cloudP99Millis()));
        json.writeEndObject();
      }
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
      if (details.isPresent()) {
        var d = details.get();
        json.writeObjectFieldStart("model_details");
        json.writeNumberField("file_bytes", d.fileSizeBytes());
        json.writeNumberField("parameters", d.parameterCount());
        json.writeNumberField("nodes", d.nodeCount());
        json.writeNumberField("macs", d.macs());
        json.writeObjectFieldStart("op_types");
        for (var e : d.opHistogram().entrySet()) {
          json.writeNumberField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
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
    }
    out.write('\n');
  }

  private static void writeLatency(
      JsonGenerator json, String field, LatencyHistogram.LatencySummary l) throws IOException {
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
    text.append(
        String.format(
            Locale.ROOT,
            "scenario   %s, batch %d, %s, threads %s%n",
            scenario,
            batch,
            provider,
            threads == 0 ? "auto" : Integer.toString(threads)));
    text.append(
        String.format(
            Locale.ROOT,
            "throughput %.1f samples/s (%d queries in %.2f s)%n",
            throughputPerSecond,
            queries,
            durationSeconds));
    text.append(
        String.format(
            Locale.ROOT,
            "latency    p50 %.4f ms  p90 %.4f ms  p99 %.4f ms  max %.4f ms  mean %.4f ms%n",
            latency.p50(),
            latency.p90(),
            latency.p99(),
            latency.max(),
            latency.mean()));
    headline.ifPresent(
        h ->
            text.append(
                String.format(
                    Locale.ROOT,
                    "headline   p%.0f %.4f ms (early-stopping estimate %.4f ms)%n",
                    h.percentile(),
                    h.millis(),
                    h.earlyStoppingMillis())));
    server.ifPresent(
        s -> {
          for (LoadPoint p : s.steps()) {
            text.append(
                String.format(
                    Locale.ROOT,
                    "load       offered %.1f q/s -> %.1f q/s, p50 %.3f ms, p99 %.3f ms%s%n",
                    p.offeredQps(),
                    p.achievedQps(),
                    p.p50Millis(),
                    p.p99Millis(),
                    p.withinBound() ? "" : "  (over bound)"));
          }
          text.append(
              String.format(
                  Locale.ROOT,
                  "server     %.1f q/s with p99 under %.1f ms%n",
                  s.peakQps(),
                  s.latencyBoundMillis()));
        });
    accuracy.ifPresent(
        a -> text.append(String.format(Locale.ROOT, "accuracy   %.2f %%%n", a * 100)));
    energy.ifPresent(
        e ->
            text.append(
                String.format(
                    Locale.ROOT,
                    "energy     %.6f J/inference, %.1f inferences/J (%s)%n",
                    e.joulesPerInference(),
                    e.inferencesPerJoule(),
                    e.isEstimate() ? e.description() : e.source())));
    roofline.ifPresent(
        r ->
            text.append(
                String.format(
                    Locale.ROOT,
                    "roofline   %.2f GMAC/s of %.1f peak = %.1f %% (%s)%n",
                    r.achievedGmacPerSecond(),
                    r.peakGmacPerSecond(),
                    r.percentOfPeak(),
                    r.peakDerivation())));
    cloud.ifPresent(
        c ->
            text.append(
                String.format(
                    Locale.ROOT,
                    "cloud      p50 %.3f ms, p99 %.3f ms via %.0f ms RTT at %.1f Mbit/s (edge p50 %.3f ms)%n",
                    c.cloudP50Millis(),
                    c.cloudP99Millis(),
                    c.rttMillis(),
                    c.bandwidthMbit(),
                    c.localP50Millis())));
    bare.ifPresent(
        b ->
            text.append(
                String.format(
                    Locale.ROOT,
                    "bare ORT   batch %d: %.1f samples/s, p50 %.4f ms -> ours/bare p50 %.3fx (%+.1f us), throughput %.3fx%n",
                    b.batch(),
                    b.throughputPerSecond(),
                    b.latency().p50(),
                    p50Ratio().orElseThrow(),
                    p50OverheadMicros().orElseThrow(),
                    throughputRatio().orElseThrow())));
    text.append(
        String.format(
            Locale.ROOT,
            "machine    %s, %d cores, %s, Java %s, ONNX Runtime %s%n",
            machine.cpu(),
            machine.cores(),
            machine.os(),
            machine.java(),
            machine.onnxRuntime()));
    return text.toString();
  }

  private static double round(double value) {
    return Math.round(value * 1e5) / 1e5;
  }
}
