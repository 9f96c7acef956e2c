package dev.edgeinfer.tflite;

import dev.edgeinfer.onnx.OnnxModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A TensorFlow Lite model read from its flatbuffer ({@code .tflite}): the main subgraph's tensors,
 * operators, inputs and outputs. {@link #toOnnx()} converts it to an equivalent ONNX model.
 *
 * <pre>{@code
 * OnnxModel onnx = TfliteModel.read(Path.of("face_detection.tflite")).toOnnx();
 * onnx.write(Path.of("face_detection.onnx"));
 * }</pre>
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class TfliteModel {
  private static final int MODEL_OPERATOR_CODES = 1;
  private static final int MODEL_SUBGRAPHS = 2;
  private static final int MODEL_DESCRIPTION = 3;
  private static final int MODEL_BUFFERS = 4;

  private final String source;
  private final List<Tensor> tensors;
  private final List<Operator> operators;
  private final int[] inputs;
  private final int[] outputs;
  private final String description;

  private TfliteModel(
      String source,
      List<Tensor> tensors,
      List<Operator> operators,
      int[] inputs,
      int[] outputs,
      String description) {
    this.source = source;
    this.tensors = tensors;
    this.operators = operators;
    this.inputs = inputs;
    this.outputs = outputs;
    this.description = description;
  }

  /**
   * Reads a {@code .tflite} file.
   *
   * @throws TfliteException {@code FILE_NOT_FOUND}, {@code NOT_TFLITE}, {@code TRUNCATED}, {@code
   *     INVALID_MODEL} or {@code IO}, with a message naming the file
   */
  public static TfliteModel read(Path path) {
    Objects.requireNonNull(path, "path");
    byte[] bytes;
    try {
      if (Files.isDirectory(path)) {
        throw new TfliteException(
            TfliteException.Code.NOT_TFLITE,
            path + " is a folder, not a TFLite model: pass the .tflite file inside it");
      }
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new TfliteException(
          TfliteException.Code.FILE_NOT_FOUND, path + " does not exist: check the path", e);
    } catch (AccessDeniedException e) {
      throw new TfliteException(
          TfliteException.Code.IO, "cannot read " + path + " (permission denied)", e);
    } catch (IOException e) {
      throw new TfliteException(TfliteException.Code.IO, "cannot read " + path + ": " + e, e);
    }
    return parse(bytes, path.toString());
  }

  /** Parses the bytes of a {@code .tflite} file; {@code source} names it in messages. */
  public static TfliteModel parse(byte[] bytes, String source) {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(source, "source");
    if (bytes.length < 8
        || bytes[4] != 'T'
        || bytes[5] != 'F'
        || bytes[6] != 'L'
        || bytes[7] != '3') {
      throw new TfliteException(
          TfliteException.Code.NOT_TFLITE,
          source
              + " is not a TFLite model (no 'TFL3' flatbuffer identifier at byte 4): pass a .tflite"
              + " file exported by the TensorFlow Lite converter");
    }
    try {
      return decode(ByteBuffer.wrap(bytes), source);
    } catch (TfliteException e) {
      throw new TfliteException(e.code(), source + ": " + e.getMessage(), e);
    }
  }

  private static TfliteModel decode(ByteBuffer buffer, String source) {
    FlatTable model = FlatTable.root(buffer, "the model table");
    if (model.vectorSize(MODEL_SUBGRAPHS) == 0) {
      throw new TfliteException(TfliteException.Code.INVALID_MODEL, "the model has no subgraph");
    }
    FlatTable graph = model.tableAt(MODEL_SUBGRAPHS, 0, "subgraph 0");
    int bufferCount = model.vectorSize(MODEL_BUFFERS);
    List<Tensor> tensors = new ArrayList<>();
    int tensorCount = graph.vectorSize(0);
    java.util.Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < tensorCount; i++) {
      Tensor t = tensor(model, graph.tableAt(0, i, "tensor " + i), i, bufferCount);
      if (t.name().isBlank() || !names.add(t.name())) {
        // ONNX needs unique, non-empty value names; TFLite does not promise them
        t = new Tensor(i, t.name() + "_" + i, t.type(), t.shape(), t.data(), t.quantization());
        names.add(t.name());
      }
      tensors.add(t);
    }
    List<Operator> operators = new ArrayList<>();
    int codeCount = model.vectorSize(MODEL_OPERATOR_CODES);
    int operatorCount = graph.vectorSize(3);
    for (int i = 0; i < operatorCount; i++) {
      FlatTable op = graph.tableAt(3, i, "operator " + i);
      int opcodeIndex = op.int32(0, 0);
      if (opcodeIndex < 0 || opcodeIndex >= codeCount) {
        throw new TfliteException(
            TfliteException.Code.INVALID_MODEL,
            "operator " + i + " uses operator code " + opcodeIndex + " of " + codeCount);
      }
      FlatTable code = model.tableAt(MODEL_OPERATOR_CODES, opcodeIndex, "operator code");
      int builtin = Math.max(code.int8(0, 0), code.int32(3, 0));
      int[] in = op.ints(1);
      int[] out = op.ints(2);
      checkIndices(in, tensorCount, "operator " + i + " input");
      checkIndices(out, tensorCount, "operator " + i + " output");
      operators.add(
          new Operator(
              i,
              builtin,
              code.string(1),
              in,
              out,
              op.table(4, "options of operator " + i),
              op.bytes(5)));
    }
    int[] inputs = graph.ints(1);
    int[] outputs = graph.ints(2);
    checkIndices(inputs, tensorCount, "graph input");
    checkIndices(outputs, tensorCount, "graph output");
    return new TfliteModel(
        source,
        List.copyOf(tensors),
        List.copyOf(operators),
        inputs,
        outputs,
        model.string(MODEL_DESCRIPTION).orElse(""));
  }

  private static Tensor tensor(FlatTable model, FlatTable t, int index, int bufferCount) {
    String name = t.string(3).orElse("tensor_" + index);
    TensorType type = TensorType.of(t.int8(1, 0), name);
    int[] shape = t.ints(0);
    for (int dim : shape) {
      if (dim < 0) {
        throw new TfliteException(
            TfliteException.Code.UNSUPPORTED,
            "tensor '" + name + "' has a dynamic shape; only static shapes are supported");
      }
    }
    int bufferIndex = t.int32(2, 0);
    Optional<ByteBuffer> data = Optional.empty();
    if (bufferIndex > 0) {
      if (bufferIndex >= bufferCount) {
        throw new TfliteException(
            TfliteException.Code.INVALID_MODEL,
            "tensor '" + name + "' uses buffer " + bufferIndex + " of " + bufferCount);
      }
      FlatTable buffer = model.tableAt(MODEL_BUFFERS, bufferIndex, "buffer " + bufferIndex);
      ByteBuffer bytes = buffer.bytes(0);
      long offset = buffer.int64(1, 0);
      if (bytes.remaining() == 0 && offset > 1) {
        bytes = buffer.fileSlice(offset, buffer.int64(2, 0), "buffer " + bufferIndex);
      }
      Optional<FlatTable> sparsity = t.table(6, "sparsity of " + name);
      if (sparsity.isPresent() && bytes.remaining() > 0) {
        bytes = Sparsity.densify(sparsity.get(), shape, type.bytes, bytes, name);
      }
      if (bytes.remaining() > 0) {
        long expected = (long) type.bytes * elementCount(shape);
        if (type.bytes > 0 && bytes.remaining() < expected) {
          throw new TfliteException(
              TfliteException.Code.INVALID_MODEL,
              "tensor '"
                  + name
                  + "' needs "
                  + expected
                  + " bytes but its buffer holds "
                  + bytes.remaining());
        }
        data = Optional.of(bytes);
      }
    }
    Optional<Quantization> quantization =
        t.table(4, "quantization of " + name)
            .filter(q -> q.vectorSize(2) > 0)
            .map(q -> new Quantization(q.floats(2), q.longs(3), q.int32(6, 0)));
    return new Tensor(index, name, type, shape, data, quantization);
  }

  private static long elementCount(int[] shape) {
    long count = 1;
    for (int dim : shape) {
      count *= dim;
    }
    return count;
  }

  private static void checkIndices(int[] indices, int count, String what) {
    for (int index : indices) {
      if (index < -1 || index >= count) {
        throw new TfliteException(
            TfliteException.Code.INVALID_MODEL,
            what + " refers to tensor " + index + " but the subgraph has " + count);
      }
    }
  }

  /**
   * Converts the model to ONNX: same input and output names, shapes and element types.
   *
   * @throws TfliteException {@code UNSUPPORTED} naming the first operator it cannot map
   */
  public OnnxModel toOnnx() {
    return new Converter(this).convert();
  }

  /** How often each operator occurs, by name ({@code CONV_2D}, {@code custom op 'X'}). */
  public Map<String, Integer> operatorCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Operator op : operators) {
      counts.merge(op.displayName(), 1, Integer::sum);
    }
    return counts;
  }

  /** Where the model came from (a path or a label), for messages. */
  public String source() {
    return source;
  }

  /** The description the converter wrote into the file, or "". */
  public String description() {
    return description;
  }

  List<Tensor> tensors() {
    return tensors;
  }

  List<Operator> operators() {
    return operators;
  }

  int[] inputs() {
    return inputs.clone();
  }

  int[] outputs() {
    return outputs.clone();
  }
}
