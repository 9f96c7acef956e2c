package dev.edgeinfer.peers;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * Runs the peers in interleaved rounds: per batch size, each engine warms up, then every round
 * gives each engine one turn of the same length, the starting engine rotating from round to round,
 * so machine noise (another process, frequency changes) falls on all engines alike.
 */
final class Comparison {
  private static final int WARMUP_MIN_QUERIES = 2;

  private final ComparisonConfig config;
  private final LongSupplier nanoTime;
  private final PrintStream progress;

  /**
   * @param nanoTime the clock queries are timed with, {@code System::nanoTime} outside tests
   * @param progress where one line per phase goes
   */
  Comparison(ComparisonConfig config, LongSupplier nanoTime, PrintStream progress) {
    this.config = config;
    this.nanoTime = nanoTime;
    this.progress = progress;
  }

  /** Measures {@code peers} (the caller closes them) on inputs of {@code sampleShape}. */
  ComparisonReport run(List<Peer> peers, long[] sampleShape, Machine machine) {
    Map<String, Double> difference = outputDifference(peers, InputBatch.random(1, sampleShape));
    List<EngineFigures> figures = new ArrayList<>();
    for (int batch : config.batches()) {
      InputBatch input = InputBatch.random(batch, sampleShape);
      for (Peer peer : peers) {
        peer.prepare(input);
        warm(peer);
      }
      figures.addAll(measure(peers, batch));
    }
    return new ComparisonReport(config, machine, Machine.currentLoadAverage(), difference, figures);
  }

  /** Each engine's largest absolute difference from the bare ORT logits on the same input. */
  static Map<String, Double> outputDifference(List<Peer> peers, InputBatch input) {
    Map<String, float[]> outputs = new LinkedHashMap<>();
    for (Peer peer : peers) {
      peer.prepare(input);
      outputs.put(peer.name(), peer.firstOutput());
    }
    float[] reference = outputs.get("bare-ort");
    Map<String, Double> difference = new LinkedHashMap<>();
    outputs.forEach(
        (name, values) -> {
          double max = values.length == reference.length ? 0 : Double.POSITIVE_INFINITY;
          for (int i = 0; i < Math.min(values.length, reference.length); i++) {
            max = Math.max(max, Math.abs(values[i] - reference[i]));
          }
          difference.put(name, max);
        });
    return difference;
  }

  private void warm(Peer peer) {
    long end = nanoTime.getAsLong() + config.warmup().toNanos();
    int queries = 0;
    while (queries < WARMUP_MIN_QUERIES || nanoTime.getAsLong() < end) {
      peer.infer();
      queries++;
    }
  }

  private List<EngineFigures> measure(List<Peer> peers, int batch) {
    int n = peers.size();
    List<Histogram> latencies = new ArrayList<>(n);
    List<List<EngineFigures.Round>> rounds = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      latencies.add(new Histogram(3));
      rounds.add(new ArrayList<>(config.rounds()));
    }
    for (int round = 0; round < config.rounds(); round++) {
      progress.printf(
          "  %s %s batch %d: round %d/%d%n",
          config.label(), config.scenario().label(), batch, round + 1, config.rounds());
      for (int turn = 0; turn < n; turn++) {
        int i = (turn + round) % n;
        Histogram roundLatency = new Histogram(3);
        rounds.get(i).add(turn(peers.get(i), roundLatency));
        latencies.get(i).add(roundLatency);
      }
    }
    List<EngineFigures> figures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      figures.add(EngineFigures.of(peers.get(i).name(), batch, latencies.get(i), rounds.get(i)));
    }
    return figures;
  }

  private EngineFigures.Round turn(Peer peer, Histogram latency) {
    long start = nanoTime.getAsLong();
    long end = start + config.roundDuration().toNanos();
    long last = start;
    long queries = 0;
    do {
      long before = nanoTime.getAsLong();
      peer.infer();
      last = nanoTime.getAsLong();
      latency.recordValue(last - before);
      queries++;
    } while (last < end);
    return new EngineFigures.Round(queries, last - start, latency.getValueAtPercentile(50));
  }
}
