package dev.edgeinfer.tflite;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * One operator of a TFLite subgraph: its builtin code (or custom code), tensor indices (-1 for an
 * optional input left out) and options table.
 */
record Operator(
    int index,
    int builtinCode,
    Optional<String> customCode,
    int[] inputs,
    int[] outputs,
    Optional<FlatTable> options,
    ByteBuffer customOptions) {

  /** The name a user recognizes: {@code CONV_2D}, or {@code CUSTOM 'Name'}. */
  String displayName() {
    return builtinCode == BuiltinOperator.CUSTOM
        ? "custom op '" + customCode.orElse("?") + "'"
        : BuiltinOperator.name(builtinCode);
  }
}
