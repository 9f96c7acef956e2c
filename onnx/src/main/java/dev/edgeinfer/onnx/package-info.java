/**
 * The ONNX model format in Java: EdgeInfer's own reader and writer of {@code .onnx} files.
 *
 * <ul>
 *   <li>{@link dev.edgeinfer.onnx.OnnxModel} reads, parses and writes models without loss, and
 *       loads external tensor data on request.
 *   <li>{@link dev.edgeinfer.onnx.ModelSummary} says what a model is and what it costs (inputs,
 *       operators, parameters, multiply-accumulates); it is what {@code edgeinfer inspect} shows.
 *   <li>{@link dev.edgeinfer.onnx.ModelBuilder} makes small models in code for tests.
 *   <li>{@link dev.edgeinfer.onnx.OnnxFormatException} is the one exception, with a {@link
 *       dev.edgeinfer.onnx.OnnxFormatException.Code} per kind of failure.
 * </ul>
 *
 * <p>The protobuf classes in {@code dev.edgeinfer.onnx.proto} are generated at build time from
 * {@code src/main/protobuf/onnx.proto}, written from the ONNX IR specification.
 */
package dev.edgeinfer.onnx;
