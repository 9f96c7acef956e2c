package dev.edgeinfer.cli;

import dev.edgeinfer.bench.BenchConfig;
import dev.edgeinfer.bench.BenchReport;
import dev.edgeinfer.bench.Benchmark;
import dev.edgeinfer.bench.HtmlReport;
import dev.edgeinfer.bench.NetworkModel;
import dev.edgeinfer.bench.Progress;
import dev.edgeinfer.bench.Scenario;
import dev.edgeinfer.bench.SystemUnderTest;
import dev.edgeinfer.pipeline.Ticker;
import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.ModelOptions;
import dev.edgeinfer.server.ClientOptions;
import dev.edgeinfer.server.InferenceClient;
import dev.edgeinfer.server.RestSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edgeinfer bench}: latency and throughput of a model on synthetic inputs of the right
 * shape.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Measure a model's latency and throughput on synthetic inputs (MLPerf-style scenarios).")
final class BenchCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description = "The ONNX model file; with --url, the model's name on the server.")
  String model;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "Benchmark MODEL on a running KServe v2 server instead of in this process: "
              + "http://HOST:PORT or https://... (REST, binary tensors) or grpc://HOST:PORT (grpcs:// for TLS).")
  Optional<String> url;

  @Option(
      names = "--auth-token-file",
      paramLabel = "FILE",
      description = "With --url: send the bearer token in FILE.")
  Optional<Path> authTokenFile;

  @Option(
      names = "--scenario",
      paramLabel = "NAME",
      defaultValue = "single-stream",
      description =
          "single-stream (one query at a time, p90), multi-stream (8 samples per query, p99), "
              + "server (Poisson arrivals, p99 from the scheduled time) or offline (batches flat out, samples/s); "
              + "default: ${DEFAULT-VALUE}.")
  String scenario;

  @Option(
      names = "--target-qps",
      paramLabel = "Q",
      description = "server: offer Q queries/s (Poisson).")
  Optional<Double> targetQps;

  @Option(
      names = "--find-peak",
      description =
          "server: search the highest Q whose p99 stays under --latency-bound (the default without --target-qps).")
  boolean findPeak;

  @Option(
      names = "--latency-bound",
      paramLabel = "TIME",
      defaultValue = "10ms",
      description = "server: the p99 bound (default: ${DEFAULT-VALUE}).")
  String latencyBound;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "0",
      description = "server: threads running queries (0 = one per core).")
  int workers;

  @Option(
      names = "--data",
      paramLabel = "X.npy",
      description = "Accuracy mode: samples (first axis) to check against --labels.")
  Optional<Path> data;

  @Option(
      names = "--labels",
      paramLabel = "Y.npy",
      description = "Accuracy mode: one class index per sample of --data.")
  Optional<Path> labels;

  @Option(
      names = "--network",
      paramLabel = "LINK",
      description = "Edge vs cloud: model a link, e.g. rtt=40ms,bandwidth=10mbit.")
  Optional<String> network;

  @Option(
      names = "--watts-per-core",
      paramLabel = "W",
      defaultValue = "15",
      description =
          "Per-core power for the energy estimate when no meter is readable (default: ${DEFAULT-VALUE}).")
  double wattsPerCore;

  @Option(
      names = "--dry-run",
      description = "Replace the model with a no-op to measure the load generator itself.")
  boolean dryRun;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      defaultValue = "10s",
      description = "Measuring time (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--warmup",
      paramLabel = "TIME",
      defaultValue = "1s",
      description = "Warm-up before measuring (default: ${DEFAULT-VALUE}).")
  String warmup;

  @Option(
      names = "--min-queries",
      paramLabel = "N",
      defaultValue = "100",
      description =
          "Measure at least N queries even past the duration (default: ${DEFAULT-VALUE}).")
  long minQueries;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description =
          "Samples per query (default: 1 for single-stream; offline tries 1, 2, 4... and keeps the fastest).")
  Optional<Integer> batch;

  @Option(
      names = "--shape",
      paramLabel = "NAME=DIMS",
      description = "Sizes for an input's symbolic dims, e.g. input_ids=1x128; repeatable.")
  List<String> shapes = List.of();

  @Option(names = "--json", paramLabel = "FILE", description = "Write all figures as JSON.")
  Optional<Path> json;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "Write a self-contained HTML report with plots.")
  Optional<Path> html;

  @Option(
      names = "--compare-bare",
      description =
          "Also time a bare OrtSession.run loop on the same model and inputs, interleaved, and report the ratio.")
  boolean compareBare;

  @Mixin RuntimeOptions runtime;

  @Override
  public Integer call() {
    ModelOptions options = runtime.toModelOptions();
    Map<String, long[]> dims = new LinkedHashMap<>();
    for (String spec : shapes) {
      int eq = spec.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("--shape '" + spec + "' needs NAME=DIMS, e.g. input=1x3x224x224");
      }
      dims.put(spec.substring(0, eq), Arguments.shape("--shape", spec.substring(eq + 1)));
    }
    BenchConfig config =
        new BenchConfig(
            Scenario.parse(scenario),
            Arguments.duration("--duration", duration),
            Arguments.duration("--warmup", warmup),
            minQueries,
            batch.map(OptionalInt::of).orElse(OptionalInt.empty()),
            dims,
            compareBare,
            targetQps.map(OptionalDouble::of).orElse(OptionalDouble.empty()),
            findPeak,
            Arguments.duration("--latency-bound", latencyBound),
            workers,
            data,
            labels,
            network.map(NetworkModel::parse),
            wattsPerCore,
            dryRun);
    ProgressBar bar = new ProgressBar(System.err, RunCommand.isTerminal());
    List<String> notes = new java.util.ArrayList<>();
    BenchReport report;
    try {
      report =
          url.isPresent()
              ? remote(config, options, bar, notes)
              : local(config, options, bar, notes);
    } finally {
      bar.clear();
    }
    System.out.print(report.describe());
    notes.forEach(note -> System.err.println("note: " + note));
    json.ifPresent(report::writeJson);
    html.ifPresent(file -> HtmlReport.write(report, file));
    return 0;
  }

  private BenchReport local(
      BenchConfig config, ModelOptions options, ProgressBar bar, List<String> notes) {
    Path file = Path.of(model);
    try (Model loaded = Model.open(file, options)) {
      return new Benchmark(
              loaded,
              file.toString(),
              Optional.of(file),
              options,
              config,
              bar,
              Ticker.system(),
              notes::add)
          .run();
    }
  }

  private BenchReport remote(
      BenchConfig config, ModelOptions options, ProgressBar bar, List<String> notes) {
    if (config.compareBare()) {
      throw new UsageException(
          "--compare-bare times a bare ONNX Runtime loop in this process; it needs a model file, not --url");
    }
    URI address;
    try {
      address = new URI(url.get().strip());
    } catch (URISyntaxException e) {
      throw new UsageException(
          "--url '"
              + url.get()
              + "' is not a URL: write e.g. http://localhost:8000 or grpc://localhost:8001");
    }
    ClientOptions client = ClientOptions.defaults();
    if (authTokenFile.isPresent()) {
      client = client.withBearerToken(RestSettings.readToken(authTokenFile.get()));
    }
    InferenceClient connection;
    try {
      connection = InferenceClient.connect(address, client);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--url: " + e.getMessage());
    }
    try (connection) {
      return new Benchmark(
              SystemUnderTest.remote(connection, model, address.toString()),
              model,
              Optional.empty(),
              options,
              config,
              bar,
              Ticker.system(),
              notes::add)
          .run();
    }
  }

  /** A one-line progress bar on a terminal; silent otherwise. */
  static final class ProgressBar implements Progress {
    private final java.io.PrintStream out;
    private final boolean terminal;
    private boolean drawn;

    ProgressBar(java.io.PrintStream out, boolean terminal) {
      this.out = out;
      this.terminal = terminal;
    }

    @Override
    public void update(String phase, double fraction) {
      if (!terminal) {
        return;
      }
      int width = 30;
      int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
      out.print(
          String.format(
              "\r[%s%s] %3d%% %-28s",
              "#".repeat(filled), " ".repeat(width - filled), Math.round(fraction * 100), phase));
      out.flush();
      drawn = true;
    }

    void clear() {
      if (drawn) {
        drawn = false;
        out.print("\r" + " ".repeat(70) + "\r");
        out.flush();
      }
    }
  }
}
