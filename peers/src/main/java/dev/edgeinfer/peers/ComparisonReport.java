package dev.edgeinfer.peers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one comparison: every engine's figures at every batch size, each engine's best,
 * and EdgeInfer's ratios against the bare ORT loop and against DJL.
 *
 * @param config what was compared
 * @param machine where, with the load average at the start
 * @param loadAverageAfter the 1-minute load average at the end
 * @param outputDifference each engine's largest absolute difference from bare ORT's first output
 * @param figures one entry per engine per batch size, batch by batch in engine order
 */
record ComparisonReport(
    ComparisonConfig config,
    Machine machine,
    double loadAverageAfter,
    Map<String, Double> outputDifference,
    List<EngineFigures> figures) {
  static final String OURS = "edgeinfer";
  static final List<String> PEERS = List.of("bare-ort", "djl");

  ComparisonReport {
    outputDifference = Map.copyOf(outputDifference);
    figures = List.copyOf(figures);
  }

  /** Each engine at its batch size with the most samples per second, in engine order. */
  List<EngineFigures> best() {
    Map<String, EngineFigures> best = new LinkedHashMap<>();
    for (EngineFigures f : figures) {
      best.merge(f.engine(), f, (a, b) -> b.samplesPerSecond() > a.samplesPerSecond() ? b : a);
    }
    return List.copyOf(best.values());
  }

  /** EdgeInfer over {@code peer}, each engine at its best batch size. */
  Ratio ratio(String peer) {
    EngineFigures ours = best(OURS);
    EngineFigures theirs = best(peer);
    return new Ratio(
        peer,
        ours.p50Micros() / theirs.p50Micros(),
        ours.p90Micros() / theirs.p90Micros(),
        ours.p99Micros() / theirs.p99Micros(),
        ours.samplesPerSecond() / theirs.samplesPerSecond(),
        ours.batch() == theirs.batch());
  }

  private EngineFigures best(String engine) {
    return best().stream()
        .filter(f -> f.engine().equals(engine))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no figures for engine " + engine));
  }

  /**
   * EdgeInfer's figures divided by a peer's: latency ratios above 1 and a throughput ratio below 1
   * mean EdgeInfer is slower.
   *
   * @param peer the engine compared against
   * @param p50 median latency ratio
   * @param p90 90th percentile latency ratio
   * @param p99 99th percentile latency ratio
   * @param samplesPerSecond throughput ratio
   * @param sameBatch whether both ran at the same batch size, so that latency ratios mean something
   */
  record Ratio(
      String peer,
      double p50,
      double p90,
      double p99,
      double samplesPerSecond,
      boolean sameBatch) {}

  /** Prints the figures as a plain-text table. */
  void print(PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%n%s, %s, %d intra-op thread%s, %d rounds x %s per engine (warm-up %s)%n",
        config.label(),
        config.scenario().label(),
        config.intraOpThreads(),
        config.intraOpThreads() == 1 ? "" : "s",
        config.rounds(),
        seconds(config.roundDuration().toNanos()),
        seconds(config.warmup().toNanos()));
    out.printf(
        Locale.ROOT,
        "machine: %s, %d cores, load average %.2f -> %.2f; ONNX Runtime %s, DJL %s%n",
        machine.cpu(),
        machine.cores(),
        machine.loadAverage(),
        loadAverageAfter,
        machine.onnxRuntime(),
        machine.djl());
    if (config.scenario() == Scenario.OFFLINE) {
      printSweep(out);
    }
    out.printf(
        Locale.ROOT,
        "%-14s %6s %9s %10s %10s %10s %12s   %s%n",
        "engine",
        "batch",
        "queries",
        "p50 us",
        "p90 us",
        "p99 us",
        "samples/s",
        config.scenario() == Scenario.OFFLINE ? "per-round samples/s" : "per-round p50 us");
    for (EngineFigures f : best()) {
      List<Double> spread =
          config.scenario() == Scenario.OFFLINE ? f.roundSamplesPerSecond() : f.roundP50Micros();
      out.printf(
          Locale.ROOT,
          "%-14s %6d %9d %10.1f %10.1f %10.1f %12.1f   %s (max/min %.2f)%n",
          f.engine(),
          f.batch(),
          f.queries(),
          f.p50Micros(),
          f.p90Micros(),
          f.p99Micros(),
          f.samplesPerSecond(),
          range(spread),
          spread(spread));
    }
    for (String peer : PEERS) {
      Ratio r = ratio(peer);
      String label = "ours/" + peer;
      if (r.sameBatch()) {
        out.printf(
            Locale.ROOT,
            "%-14s %6s %9s %10.3f %10.3f %10.3f %12.3f%n",
            label,
            "",
            "",
            r.p50(),
            r.p90(),
            r.p99(),
            r.samplesPerSecond());
      } else {
        out.printf(
            Locale.ROOT,
            "%-14s %6s %9s %10s %10s %10s %12.3f%n",
            label,
            "",
            "",
            "-",
            "-",
            "-",
            r.samplesPerSecond());
      }
    }
    out.printf(Locale.ROOT, "first output, max |engine - bare-ort|: %s%n", outputDifferenceText());
  }

  private void printSweep(PrintStream out) {
    out.printf("%-14s", "samples/s");
    for (int batch : config.batches()) {
      out.printf(Locale.ROOT, " %12s", "batch " + batch);
    }
    out.println();
    for (EngineFigures best : best()) {
      out.printf("%-14s", best.engine());
      for (int batch : config.batches()) {
        double rate =
            figures.stream()
                .filter(f -> f.engine().equals(best.engine()) && f.batch() == batch)
                .findFirst()
                .map(EngineFigures::samplesPerSecond)
                .orElse(Double.NaN);
        out.printf(Locale.ROOT, " %12.1f", rate);
      }
      out.println();
    }
  }

  private String outputDifferenceText() {
    StringBuilder text = new StringBuilder();
    for (EngineFigures f : best()) {
      Double d = outputDifference.get(f.engine());
      if (d != null) {
        text.append(text.isEmpty() ? "" : ", ")
            .append(f.engine())
            .append(' ')
            .append(String.format(Locale.ROOT, "%.2e", d));
      }
    }
    return text.toString();
  }

  private static String range(List<Double> values) {
    double min = values.stream().min(Comparator.naturalOrder()).orElse(Double.NaN);
    double max = values.stream().max(Comparator.naturalOrder()).orElse(Double.NaN);
    return String.format(Locale.ROOT, "%.1f-%.1f", min, max);
  }

  private static double spread(List<Double> values) {
    double min = values.stream().min(Comparator.naturalOrder()).orElse(Double.NaN);
    double max = values.stream().max(Comparator.naturalOrder()).orElse(Double.NaN);
    return max / min;
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  /** Writes the report as JSON, creating parent folders. */
  void writeJson(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
          JsonGenerator json =
              new JsonFactory().createGenerator(writer).useDefaultPrettyPrinter()) {
        write(json);
      }
    } catch (IOException e) {
      throw new PeerException(
          PeerException.Code.IO,
          "could not write " + file + ": " + e.getMessage() + "; check that the folder is writable",
          e);
    }
  }

  private void write(JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("model", config.label());
    json.writeStringField("model_file", config.model().toString());
    json.writeStringField("scenario", config.scenario().label());
    json.writeNumberField("intra_op_threads", config.intraOpThreads());
    json.writeNumberField("inter_op_threads", 1);
    json.writeStringField("graph_optimization", "all");
    json.writeNumberField("rounds", config.rounds());
    json.writeNumberField("round_seconds", config.roundDuration().toNanos() / 1e9);
    json.writeNumberField("warmup_seconds", config.warmup().toNanos() / 1e9);
    writeMachine(json);
    json.writeObjectFieldStart("max_abs_diff_vs_bare_ort");
    for (EngineFigures f : best()) {
      Double difference = outputDifference.get(f.engine());
      if (difference != null) {
        json.writeNumberField(f.engine(), difference);
      }
    }
    json.writeEndObject();
    json.writeObjectFieldStart("engines");
    for (EngineFigures f : best()) {
      json.writeFieldName(f.engine());
      writeFigures(json, f);
    }
    json.writeEndObject();
    json.writeObjectFieldStart("ratios");
    for (String peer : PEERS) {
      Ratio r = ratio(peer);
      json.writeObjectFieldStart(OURS + "_over_" + peer.replace('-', '_'));
      if (r.sameBatch()) {
        json.writeNumberField("p50", r.p50());
        json.writeNumberField("p90", r.p90());
        json.writeNumberField("p99", r.p99());
      }
      json.writeNumberField("samples_per_s", r.samplesPerSecond());
      json.writeEndObject();
    }
    json.writeEndObject();
    if (config.scenario() == Scenario.OFFLINE) {
      json.writeArrayFieldStart("sweep");
      for (EngineFigures f : figures) {
        json.writeStartObject();
        json.writeStringField("engine", f.engine());
        json.writeNumberField("batch", f.batch());
        json.writeNumberField("samples_per_s", f.samplesPerSecond());
        json.writeNumberField("p50_us", f.p50Micros());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private void writeMachine(JsonGenerator json) throws IOException {
    json.writeObjectFieldStart("machine");
    json.writeStringField("cpu", machine.cpu());
    json.writeNumberField("cores", machine.cores());
    json.writeStringField("os", machine.os());
    json.writeStringField("java", machine.java());
    json.writeStringField("onnxruntime", machine.onnxRuntime());
    json.writeStringField("djl", machine.djl());
    json.writeNumberField("load_average_before", machine.loadAverage());
    json.writeNumberField("load_average_after", loadAverageAfter);
    json.writeEndObject();
  }

  private static void writeFigures(JsonGenerator json, EngineFigures f) throws IOException {
    json.writeStartObject();
    json.writeNumberField("batch", f.batch());
    json.writeNumberField("queries", f.queries());
    json.writeNumberField("samples_per_s", f.samplesPerSecond());
    json.writeNumberField("p50_us", f.p50Micros());
    json.writeNumberField("p90_us", f.p90Micros());
    json.writeNumberField("p99_us", f.p99Micros());
    json.writeNumberField("max_us", f.maxMicros());
    json.writeArrayFieldStart("round_samples_per_s");
    for (double v : f.roundSamplesPerSecond()) {
      json.writeNumber(v);
    }
    json.writeEndArray();
    json.writeArrayFieldStart("round_p50_us");
    for (double v : f.roundP50Micros()) {
      json.writeNumber(v);
    }
    json.writeEndArray();
    json.writeEndObject();
  }
}
