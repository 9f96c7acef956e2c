package dev.edgeinfer.tflite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the small committed fixtures under src/test/resources/models that other modules' tests use
 * (they cannot reach {@link TfliteWriter}). Run: {@code java -cp ... dev.edgeinfer.tflite.Fixtures
 * tflite/src/test/resources/models}.
 */
public final class Fixtures {
  private Fixtures() {}

  /** RELU, then a custom op no converter knows: conversion must fail naming it. */
  static byte[] unsupportedCustomOp() {
    TfliteWriter m = new TfliteWriter();
    int x = m.tensor("x", TensorType.FLOAT32, 1, 4);
    int r = m.tensor("r", TensorType.FLOAT32, 1, 4);
    int y = m.tensor("y", TensorType.FLOAT32, 1, 4);
    m.op(BuiltinOperator.RELU, 0, List.of(), new int[] {x}, r);
    m.custom("AcmeFancyOp", new byte[0], new int[] {r}, y);
    return m.build(new int[] {x}, new int[] {y});
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Files.write(dir.resolve("unsupported_custom_op.tflite"), unsupportedCustomOp());
  }
}
