package dev.edgeinfer.pipeline.spi;

import dev.edgeinfer.pipeline.RunStatus;
import dev.edgeinfer.pipeline.RunSummary;
import dev.edgeinfer.pipeline.SampleResult;

/**
 * Where results go: the console, a file, later a broker. Called from the pipeline's thread only. A
 * sink that fails throws {@code PipelineException} with code {@code SINK_FAILED}.
 */
public interface Sink extends AutoCloseable {

  /** One result, in order. */
  void accept(SampleResult result);

  /** Live figures, at most a few times per second. */
  default void status(RunStatus status) {}

  /** The final figures, once, after the last result. */
  default void finish(RunSummary summary) {}

  @Override
  default void close() {}
}
