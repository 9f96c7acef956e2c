package dev.edgeinfer.pipeline;

import java.util.Optional;

/**
 * One unit of input as a source delivers it.
 *
 * @param origin where it came from (a file name, {@code digits#17}), shown in results
 * @param payload the raw content
 * @param label the expected class (name or index) when the source knows it, for accuracy
 */
public record Frame(String origin, Payload payload, Optional<String> label) {}
