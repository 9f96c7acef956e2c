package dev.edgeinfer.bench;

/**
 * Energy spent while measuring.
 *
 * @param source {@code rapl}, {@code nvml}, {@code ina3221} or {@code estimate}
 * @param description what was read, e.g. the RAPL domains, or how the estimate was made
 * @param joules energy over the measured interval
 * @param inferences samples inferred in that interval
 */
public record EnergyFigures(String source, String description, double joules, long inferences) {

  public double joulesPerInference() {
    return inferences == 0 ? 0 : joules / inferences;
  }

  public double inferencesPerJoule() {
    return joules == 0 ? 0 : inferences / joules;
  }

  public boolean isEstimate() {
    return source.equals("estimate");
  }
}
