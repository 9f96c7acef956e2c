package dev.edgeinfer.bench;

/** Receives how far a benchmark has got, for a progress bar. Called from the benchmark's thread. */
@FunctionalInterface
public interface Progress {

  /**
   * @param phase what is running now (warm-up, batch sweep, measure)
   * @param fraction of the whole benchmark done, 0 to 1
   */
  void update(String phase, double fraction);

  static Progress none() {
    return (phase, fraction) -> {};
  }
}
