package dev.edgeinfer.peers;

import dev.edgeinfer.runtime.Dimension;
import dev.edgeinfer.runtime.TensorSpec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * EdgeInfer against its peers on one model: a bare ONNX Runtime loop (the zero-overhead bound) and
 * DJL's ONNX Runtime engine (what a Java user would pick instead), with the same intra-op threads,
 * graph optimization level and input values, in interleaved rounds. Prints a table and optionally
 * writes JSON.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp ... dev.edgeinfer.peers.PeerComparison MODEL.onnx
 *     [--label NAME] [--shape 1,8,8] [--scenario single-stream|offline] [--batches 1,8,32,128]
 *     [--threads N] [--rounds 5] [--duration 2s] [--warmup 1s] [--json FILE]
 * </pre>
 */
public final class PeerComparison {
  static final List<Integer> DEFAULT_SWEEP = List.of(1, 8, 32, 128);

  private PeerComparison() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs a comparison and returns the process exit code: 0, 2 for usage errors, 1 for failures. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      if (args.length == 0 || List.of(args).contains("--help") || List.of(args).contains("-h")) {
        out.println(usage());
        return args.length == 0 ? 2 : 0;
      }
      ComparisonConfig config = parse(args);
      ComparisonReport report = compare(config, out);
      report.print(out);
      config
          .json()
          .ifPresent(
              file -> {
                report.writeJson(file);
                out.println("wrote " + file);
              });
      return 0;
    } catch (PeerException e) {
      err.println("peers: " + e.getMessage());
      return e.code().exitCode();
    }
  }

  /** Opens the three engines on the model, measures them and closes them. */
  static ComparisonReport compare(ComparisonConfig config, PrintStream progress) {
    if (!Files.isRegularFile(config.model())) {
      throw new PeerException(
          PeerException.Code.USAGE,
          "model file " + config.model() + " does not exist; check the path");
    }
    List<Peer> peers = Peer.openAll(config.model(), config.intraOpThreads());
    try {
      long[] sampleShape =
          config
              .sampleShape()
              .orElseGet(() -> sampleShape(((EdgeInferPeer) peers.getFirst()).input()));
      checkBatchAxis(((EdgeInferPeer) peers.getFirst()).input(), config.batches());
      progress.printf(
          "%s: %s, sample shape %s, engines %s%n",
          config.label(),
          config.scenario().label(),
          Arrays.toString(sampleShape),
          peers.stream().map(Peer::name).toList());
      return new Comparison(config, System::nanoTime, progress)
          .run(peers, sampleShape, Machine.detect());
    } finally {
      peers.forEach(Peer::close);
    }
  }

  private static long[] sampleShape(TensorSpec input) {
    List<Dimension> dims = input.shape();
    long[] shape = new long[Math.max(0, dims.size() - 1)];
    for (int i = 1; i < dims.size(); i++) {
      if (!(dims.get(i) instanceof Dimension.Fixed fixed)) {
        throw new PeerException(
            PeerException.Code.USAGE,
            "input "
                + input
                + " has a symbolic dimension "
                + i
                + "; pass the sample shape without the batch axis, e.g. --shape 3,224,224");
      }
      shape[i - 1] = fixed.size();
    }
    if (shape.length == 0) {
      throw new PeerException(
          PeerException.Code.UNSUPPORTED_MODEL,
          "input " + input + " has no axis after the batch axis");
    }
    return shape;
  }

  private static void checkBatchAxis(TensorSpec input, List<Integer> batches) {
    if (!input.hasBatchAxis() && !batches.equals(List.of(1))) {
      throw new PeerException(
          PeerException.Code.UNSUPPORTED_MODEL,
          "input "
              + input
              + " has a fixed first axis, so it cannot run batches "
              + batches
              + "; use --batches 1");
    }
  }

  static ComparisonConfig parse(String[] args) {
    Path model = null;
    String label = null;
    Optional<long[]> shape = Optional.empty();
    Scenario scenario = Scenario.SINGLE_STREAM;
    List<Integer> batches = null;
    Integer threads = null;
    int rounds = 5;
    Duration duration = Duration.ofSeconds(2);
    Duration warmup = Duration.ofSeconds(1);
    Optional<Path> json = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        if (model != null) {
          throw usage("one model file only, got " + model + " and " + arg);
        }
        model = Path.of(arg);
        continue;
      }
      if (i + 1 >= args.length) {
        throw usage(arg + " needs a value");
      }
      String value = args[++i];
      switch (arg) {
        case "--label" -> label = value;
        case "--shape" -> shape = Optional.of(longs(arg, value));
        case "--scenario" -> scenario = Scenario.parse(value);
        case "--batches" ->
            batches = Arrays.stream(longs(arg, value)).mapToObj(Math::toIntExact).toList();
        case "--threads" -> threads = integer(arg, value);
        case "--rounds" -> rounds = integer(arg, value);
        case "--duration" -> duration = duration(arg, value);
        case "--warmup" -> warmup = duration(arg, value);
        case "--json" -> json = Optional.of(Path.of(value));
        default -> throw usage("unknown option " + arg + "\n" + usage());
      }
    }
    if (model == null) {
      throw usage("which model? pass an .onnx file\n" + usage());
    }
    if (label == null) {
      String file = model.getFileName().toString();
      label = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
    }
    if (batches == null) {
      batches = scenario == Scenario.OFFLINE ? DEFAULT_SWEEP : List.of(1);
    }
    if (threads == null) {
      threads = scenario == Scenario.OFFLINE ? Runtime.getRuntime().availableProcessors() : 1;
    }
    return new ComparisonConfig(
        model, label, shape, scenario, batches, threads, rounds, duration, warmup, json);
  }

  private static long[] longs(String option, String value) {
    try {
      return Arrays.stream(value.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
    } catch (NumberFormatException e) {
      throw usage(option + " takes comma-separated integers such as 1,8,8, got '" + value + "'");
    }
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw usage(option + " takes an integer, got '" + value + "'");
    }
  }

  /** Parses {@code 500ms}, {@code 2s} or {@code 1.5s}. */
  static Duration duration(String option, String value) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      if (text.endsWith("s")) {
        return Duration.ofNanos(
            Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1e9));
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw usage(option + " takes a duration such as 500ms or 2s, got '" + value + "'");
  }

  private static PeerException usage(String message) {
    return new PeerException(PeerException.Code.USAGE, message);
  }

  static String usage() {
    List<String> lines = new ArrayList<>();
    lines.add("usage: PeerComparison MODEL.onnx [options]   (run with -Dai.djl.offline=true)");
    lines.add("  --label NAME            name in reports (default: the file name)");
    lines.add(
        "  --shape 1,8,8           one sample's shape without the batch axis (default: from the model)");
    lines.add(
        "  --scenario S            single-stream (batch 1, latency) or offline (batch sweep, samples/s)");
    lines.add("  --batches 1,8,32,128    offline batch sizes; each engine is reported at its best");
    lines.add(
        "  --threads N             intra-op threads for every engine (default: 1 single-stream, all cores offline)");
    lines.add("  --rounds 5              turns per engine, interleaved");
    lines.add("  --duration 2s           length of one engine's turn");
    lines.add("  --warmup 1s             warm-up per engine per batch size");
    lines.add("  --json FILE             also write the report as JSON");
    return String.join("\n", lines);
  }
}
