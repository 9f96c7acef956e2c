package dev.edgeinfer.pipeline;

import java.util.List;

/**
 * A classification: the top classes, best first.
 *
 * @param top at least one class with its probability
 */
public record Prediction(List<ClassScore> top) {
  public Prediction {
    top = List.copyOf(top);
    if (top.isEmpty()) {
      throw new IllegalArgumentException("a prediction needs at least one class");
    }
  }

  public ClassScore best() {
    return top.getFirst();
  }

  /** True when {@code expected} names the best class, by label or by index. */
  public boolean matches(String expected) {
    ClassScore best = best();
    return best.label().equals(expected) || Integer.toString(best.index()).equals(expected);
  }

  /**
   * One class and its score.
   *
   * @param index position in the model's output
   * @param label its name (the index as text when no labels are known)
   * @param score probability in [0, 1] after softmax, or the raw output when softmax is off
   */
  public record ClassScore(int index, String label, float score) {}
}
