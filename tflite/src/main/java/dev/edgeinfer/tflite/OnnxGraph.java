package dev.edgeinfer.tflite;

import com.google.protobuf.ByteString;
import dev.edgeinfer.onnx.OnnxModel;
import dev.edgeinfer.onnx.proto.AttributeProto;
import dev.edgeinfer.onnx.proto.GraphProto;
import dev.edgeinfer.onnx.proto.ModelProto;
import dev.edgeinfer.onnx.proto.NodeProto;
import dev.edgeinfer.onnx.proto.OperatorSetIdProto;
import dev.edgeinfer.onnx.proto.TensorProto;
import dev.edgeinfer.onnx.proto.TensorProto.DataType;
import dev.edgeinfer.onnx.proto.TensorShapeProto;
import dev.edgeinfer.onnx.proto.TypeProto;
import dev.edgeinfer.onnx.proto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ONNX graph the converter writes into: nodes, initializers, inputs and outputs, with fresh
 * value names. Opset 17, IR version 8, so any ONNX Runtime of the last years loads it.
 */
final class OnnxGraph {
  static final long OPSET = 17;

  private final GraphProto.Builder graph = GraphProto.newBuilder().setName("tflite_import");
  private final Set<String> names = new HashSet<>();
  private int counter;

  /** A value name not used yet, derived from {@code hint}. */
  String fresh(String hint) {
    String base = hint.isEmpty() ? "v" : hint;
    String name = base;
    while (!names.add(name)) {
      name = base + "_" + (++counter);
    }
    return name;
  }

  void reserve(String name) {
    names.add(name);
  }

  /** Adds a node and returns its first output. */
  String node(String op, List<String> inputs, String output, AttributeProto... attributes) {
    NodeProto.Builder node =
        NodeProto.newBuilder()
            .setOpType(op)
            .setName(op + "_" + graph.getNodeCount())
            .addAllInput(inputs)
            .addOutput(output);
    for (AttributeProto attribute : attributes) {
      node.addAttribute(attribute);
    }
    graph.addNode(node);
    return output;
  }

  /** Adds a node with several outputs. */
  void node(String op, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
    NodeProto.Builder node =
        NodeProto.newBuilder()
            .setOpType(op)
            .setName(op + "_" + graph.getNodeCount())
            .addAllInput(inputs)
            .addAllOutput(outputs);
    for (AttributeProto attribute : attributes) {
      node.addAttribute(attribute);
    }
    graph.addNode(node);
  }

  /** Adds an op with one input whose output gets a fresh name. */
  String apply(String op, String input, AttributeProto... attributes) {
    return node(
        op, List.of(input), fresh(input + "_" + op.toLowerCase(java.util.Locale.ROOT)), attributes);
  }

  String initializer(String hint, DataType type, byte[] raw, long... dims) {
    String name = fresh(hint);
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(type.getNumber())
            .setRawData(ByteString.copyFrom(raw));
    for (long dim : dims) {
      tensor.addDims(dim);
    }
    graph.addInitializer(tensor);
    return name;
  }

  String floats(String hint, float[] values, long... dims) {
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return initializer(hint, DataType.FLOAT, raw.array(), dims);
  }

  String scalar(String hint, float value) {
    return floats(hint, new float[] {value});
  }

  String longs(String hint, long... values) {
    ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    return initializer(hint, DataType.INT64, raw.array(), values.length);
  }

  void input(String name, DataType type, int[] shape) {
    graph.addInput(valueInfo(name, type, shape));
  }

  void output(String name, DataType type, int[] shape) {
    graph.addOutput(valueInfo(name, type, shape));
  }

  OnnxModel build(String description) {
    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("edgeinfer-tflite")
            .setProducerVersion("1")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setGraph(graph);
    if (!description.isEmpty()) {
      model.setDocString("imported from TFLite: " + description);
    }
    return OnnxModel.of(model.build());
  }

  private static ValueInfoProto valueInfo(String name, DataType type, int[] shape) {
    TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
    for (int dim : shape) {
      dims.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(dims)))
        .build();
  }

  static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  static AttributeProto attr(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value))
        .build();
  }

  static AttributeProto attr(String name, long... values) {
    AttributeProto.Builder attribute =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long value : values) {
      attribute.addInts(value);
    }
    return attribute.build();
  }
}
