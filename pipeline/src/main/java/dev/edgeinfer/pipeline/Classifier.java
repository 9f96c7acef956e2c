package dev.edgeinfer.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Classification post-processing: optional softmax, then the top-k classes with their labels.
 * Stateless and thread-safe.
 */
public final class Classifier {

  /** When to apply softmax to the scores. */
  public enum Softmax {
    /** Apply it unless the scores already look like probabilities (all in [0, 1], summing to 1). */
    AUTO,
    ON,
    OFF;

    public static Softmax parse(String name) {
      return switch (name.trim().toLowerCase(Locale.ROOT)) {
        case "auto" -> AUTO;
        case "on", "true", "yes" -> ON;
        case "off", "false", "no" -> OFF;
        default ->
            throw new PipelineException(
                PipelineException.Code.INVALID_SPEC,
                "unknown softmax mode '" + name + "': use auto, on or off");
      };
    }
  }

  private final int topK;
  private final List<String> labels;
  private final Softmax softmax;

  /**
   * @param topK how many classes to report (at least 1)
   * @param labels class names in output order; empty to use the index as the name
   * @param softmax when to turn scores into probabilities
   */
  public Classifier(int topK, List<String> labels, Softmax softmax) {
    if (topK < 1) {
      throw new PipelineException(
          PipelineException.Code.INVALID_SPEC, "top-k must be at least 1, got " + topK);
    }
    this.topK = topK;
    this.labels = List.copyOf(labels);
    this.softmax = softmax;
  }

  /** Interprets one sample's scores (a row of the model's output). */
  public Prediction classify(float[] scores) {
    if (scores.length == 0) {
      throw new PipelineException(
          PipelineException.Code.SHAPE_MISMATCH, "the model output is empty; nothing to classify");
    }
    if (!labels.isEmpty() && labels.size() != scores.length) {
      throw new PipelineException(
          PipelineException.Code.SHAPE_MISMATCH,
          labels.size()
              + " labels were given but the model "
              + "outputs "
              + scores.length
              + " scores; give one label per output class");
    }
    float[] probabilities = needsSoftmax(scores) ? softmax(scores) : scores;
    int k = Math.min(topK, probabilities.length);
    int[] best = new int[k];
    int found = 0;
    for (int i = 0; i < probabilities.length; i++) {
      int pos = found;
      while (pos > 0 && probabilities[i] > probabilities[best[pos - 1]]) {
        pos--;
      }
      if (pos < k) {
        System.arraycopy(best, pos, best, pos + 1, Math.min(found, k - 1) - pos);
        best[pos] = i;
        found = Math.min(found + 1, k);
      }
    }
    List<Prediction.ClassScore> top = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      int index = best[i];
      top.add(
          new Prediction.ClassScore(
              index,
              labels.isEmpty() ? Integer.toString(index) : labels.get(index),
              probabilities[index]));
    }
    return new Prediction(top);
  }

  private boolean needsSoftmax(float[] scores) {
    return switch (softmax) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> {
        double sum = 0;
        for (float s : scores) {
          if (s < 0 || s > 1) {
            yield true;
          }
          sum += s;
        }
        yield Math.abs(sum - 1) > 1e-3;
      }
    };
  }

  private static float[] softmax(float[] scores) {
    float max = Float.NEGATIVE_INFINITY;
    for (float s : scores) {
      max = Math.max(max, s);
    }
    double sum = 0;
    float[] out = new float[scores.length];
    for (int i = 0; i < scores.length; i++) {
      out[i] = (float) Math.exp(scores[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= (float) sum;
    }
    return out;
  }
}
