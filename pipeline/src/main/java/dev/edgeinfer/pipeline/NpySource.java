package dev.edgeinfer.pipeline;

import dev.edgeinfer.pipeline.spi.Source;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Streams the samples of a .npy array (first axis = samples), with labels from a second array when
 * given.
 */
final class NpySource implements Source {
  private final NpyArray data;
  private final Optional<NpyArray> labels;
  private final String description;
  private final String originPrefix;
  private long next;

  NpySource(NpyArray data, Optional<NpyArray> labels, String description, String originPrefix) {
    if (data.shape().length == 0) {
      throw new PipelineException(
          PipelineException.Code.SHAPE_MISMATCH,
          data.name() + " holds a scalar; the first axis must index the samples");
    }
    labels.ifPresent(
        l -> {
          if (l.samples() != data.samples() || l.sampleSize() != 1) {
            throw new PipelineException(
                PipelineException.Code.SHAPE_MISMATCH,
                "labels "
                    + l.name()
                    + " have shape "
                    + Arrays.toString(l.shape())
                    + " but "
                    + data.name()
                    + " has "
                    + data.samples()
                    + " samples; give one class index per sample");
          }
        });
    this.data = data;
    this.labels = labels;
    this.description = description;
    this.originPrefix = originPrefix;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public Optional<Frame> next() {
    if (next >= data.samples()) {
      return Optional.empty();
    }
    long index = next++;
    Payload payload = new Payload.Values(data.sample(index), data.sampleShape());
    Optional<String> label = labels.map(l -> Long.toString((long) l.element(index)));
    return Optional.of(new Frame(originPrefix + "#" + index, payload, label));
  }

  @Override
  public OptionalLong size() {
    return OptionalLong.of(data.samples());
  }
}
