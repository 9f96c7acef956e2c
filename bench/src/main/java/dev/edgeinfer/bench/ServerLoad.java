package dev.edgeinfer.bench;

import java.util.List;

/**
 * The server scenario's result: Poisson arrivals, open loop, latency from each query's scheduled
 * time (so a stall cannot hide behind a paused generator).
 *
 * @param latencyBoundMillis the p99 bound a load must meet to count
 * @param peakQps the highest offered load whose p99 met the bound (the target load without
 *     --find-peak)
 * @param steps every load tried, in order
 */
public record ServerLoad(double latencyBoundMillis, double peakQps, List<LoadPoint> steps) {
  public ServerLoad {
    steps = List.copyOf(steps);
  }
}
