package dev.edgeinfer.pipeline.spi;

import dev.edgeinfer.pipeline.Frame;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where frames come from: a bundled stream, a folder, a file, a camera. Called from one thread.
 * {@link #next()} may throw a {@code PipelineException} with code {@code UNDECODABLE_SAMPLE} for
 * one bad frame; the pipeline counts it and calls {@code next()} again.
 */
public interface Source extends AutoCloseable {

  /** A short description for status lines, e.g. {@code images:/data/cam (120 files)}. */
  String describe();

  /** The next frame, or empty at the end of the stream. */
  Optional<Frame> next();

  /** How many frames the stream holds, when known. */
  OptionalLong size();

  @Override
  default void close() {}
}
