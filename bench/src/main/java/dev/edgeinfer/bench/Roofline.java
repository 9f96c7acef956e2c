package dev.edgeinfer.bench;

import java.util.List;

/**
 * How much of the machine's arithmetic peak a model reaches: MACs per inference over latency,
 * against a peak derived from the CPU's vector features, cores and clock.
 *
 * @param macsPerInference multiply-accumulates of one inference (from the model summary)
 * @param macsLowerBound whether that count misses some operators
 * @param achievedGmacPerSecond MACs per second reached, in billions
 * @param peakGmacPerSecond the machine's fp32 peak, in billions of MACs per second
 * @param cpuFeatures the vector features the peak assumes, e.g. {@code avx2, fma}
 * @param peakDerivation how the peak was computed, e.g. {@code 2 cores x 2.6 GHz x 2 FMA x 8 lanes}
 */
public record Roofline(
    long macsPerInference,
    boolean macsLowerBound,
    double achievedGmacPerSecond,
    double peakGmacPerSecond,
    List<String> cpuFeatures,
    String peakDerivation) {
  public Roofline {
    cpuFeatures = List.copyOf(cpuFeatures);
  }

  public double percentOfPeak() {
    return peakGmacPerSecond == 0 ? 0 : 100 * achievedGmacPerSecond / peakGmacPerSecond;
  }
}
