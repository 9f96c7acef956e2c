package dev.edgeinfer.onnx;

import com.google.protobuf.ByteString;
import dev.edgeinfer.onnx.proto.AttributeProto;
import dev.edgeinfer.onnx.proto.GraphProto;
import dev.edgeinfer.onnx.proto.ModelProto;
import dev.edgeinfer.onnx.proto.NodeProto;
import dev.edgeinfer.onnx.proto.OperatorSetIdProto;
import dev.edgeinfer.onnx.proto.StringStringEntryProto;
import dev.edgeinfer.onnx.proto.TensorProto;
import dev.edgeinfer.onnx.proto.TensorShapeProto;
import dev.edgeinfer.onnx.proto.TypeProto;
import dev.edgeinfer.onnx.proto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds small ONNX models in code, for tests across EdgeInfer: a test states the graph it needs
 * instead of depending on a binary fixture.
 *
 * <pre>{@code
 * OnnxModel mlp = ModelBuilder.create()
 *     .input("x", FLOAT, "batch", 4)
 *     .initializer("w", new float[12], 3, 4)
 *     .node("Gemm", List.of("x", "w"), List.of("y"), Map.of("transB", 1))
 *     .output("y", FLOAT, "batch", 3)
 *     .build();
 * }</pre>
 *
 * <p>Every call checks its arguments at once and names the offending value: a node that reads a
 * value nothing defines, a name defined twice, an initializer whose data does not fill its shape.
 * Built models carry {@code ir_version} 8 and opset 17 unless told otherwise, and serialize to the
 * same bytes on every run.
 *
 * <p>A builder is not thread-safe; use one per model.
 */
public final class ModelBuilder {

  private long irVersion = 8;
  private long opset = 17;
  private String producerName = "edgeinfer";
  private String producerVersion = "";
  private final List<ValueInfoProto> inputs = new ArrayList<>();
  private final List<ValueInfoProto> outputs = new ArrayList<>();
  private final List<TensorProto> initializers = new ArrayList<>();
  private final List<NodeProto> nodes = new ArrayList<>();
  private final List<StringStringEntryProto> metadata = new ArrayList<>();

  /** Value name to what defines it, for messages. */
  private final Map<String, String> defined = new HashMap<>();

  private ModelBuilder() {}

  /** A builder for a model with no inputs, nodes or outputs yet, IR version 8, opset 17. */
  public static ModelBuilder create() {
    return new ModelBuilder();
  }

  /** Sets the version of the default ({@code ai.onnx}) operator set. */
  public ModelBuilder opset(long version) {
    if (version < 1) {
      throw new IllegalArgumentException("opset version must be >= 1, got " + version);
    }
    this.opset = version;
    return this;
  }

  /** Sets the IR version the model declares. */
  public ModelBuilder irVersion(long version) {
    if (version < 3) {
      throw new IllegalArgumentException(
          "IR version must be >= 3 (the first with opset_import), got " + version);
    }
    this.irVersion = version;
    return this;
  }

  /** Sets the producer recorded in the model ({@code "edgeinfer"} and no version by default). */
  public ModelBuilder producer(String name, String version) {
    this.producerName = Objects.requireNonNull(name, "name");
    this.producerVersion = Objects.requireNonNull(version, "version");
    return this;
  }

  /** Adds a {@code metadata_props} entry. */
  public ModelBuilder metadata(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (metadata.stream().anyMatch(entry -> entry.getKey().equals(key))) {
      throw new IllegalArgumentException("metadata key '" + key + "' is already set");
    }
    metadata.add(StringStringEntryProto.newBuilder().setKey(key).setValue(value).build());
    return this;
  }

  /** Adds a graph input whose shape is not declared. */
  public ModelBuilder input(String name, TensorProto.DataType type) {
    define(name, "graph input");
    inputs.add(valueInfo(name, type, null));
    return this;
  }

  /**
   * Adds a graph input of this shape. Each dimension is a {@link Number} for a fixed size or a
   * {@link String} for a symbolic one ({@code "batch"}); a single {@code long[]} or {@code int[]}
   * is taken as the whole shape. No dimensions at all declares a scalar.
   */
  public ModelBuilder input(String name, TensorProto.DataType type, Object... dims) {
    Objects.requireNonNull(dims, "dims");
    define(name, "graph input");
    inputs.add(valueInfo(name, type, dims));
    return this;
  }

  /** Adds a graph output whose shape is not declared (shape inference works it out). */
  public ModelBuilder output(String name, TensorProto.DataType type) {
    outputs.add(valueInfo(name, type, null));
    return this;
  }

  /**
   * Adds a graph output of this shape; dimensions as for {@link #input(String,
   * TensorProto.DataType, Object...)}.
   */
  public ModelBuilder output(String name, TensorProto.DataType type, Object... dims) {
    Objects.requireNonNull(dims, "dims");
    outputs.add(valueInfo(name, type, dims));
    return this;
  }

  /** Adds a float32 initializer holding {@code values} in row-major order. */
  public ModelBuilder initializer(String name, float[] values, long... dims) {
    Objects.requireNonNull(values, "values");
    checkFills(name, values.length, dims);
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return initializer(name, TensorProto.DataType.FLOAT, raw, dims);
  }

  /**
   * Adds an int64 initializer holding {@code values} in row-major order (shape tensors, indices).
   */
  public ModelBuilder initializer(String name, long[] values, long... dims) {
    Objects.requireNonNull(values, "values");
    checkFills(name, values.length, dims);
    ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    return initializer(name, TensorProto.DataType.INT64, raw, dims);
  }

  private ModelBuilder initializer(
      String name, TensorProto.DataType type, ByteBuffer raw, long... dims) {
    define(name, "initializer");
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(type.getNumber())
            .setRawData(ByteString.copyFrom(raw));
    for (long dim : dims) {
      tensor.addDims(dim);
    }
    initializers.add(tensor.build());
    return this;
  }

  /** Adds a node without attributes. */
  public ModelBuilder node(String opType, List<String> inputs, List<String> outputs) {
    return node(opType, inputs, outputs, Map.of());
  }

  /**
   * Adds a node of the default domain. Attribute values map to ONNX types: {@link Long}, {@link
   * Integer} to INT; {@link Float}, {@link Double} to FLOAT; {@link String} to STRING; {@code
   * long[]}, {@code int[]} to INTS; {@code float[]}, {@code double[]} to FLOATS; {@code String[]}
   * to STRINGS; {@link TensorProto} to TENSOR; {@link GraphProto} to GRAPH. An empty input name
   * leaves out an optional input.
   */
  public ModelBuilder node(
      String opType, List<String> inputs, List<String> outputs, Map<String, ?> attributes) {
    Objects.requireNonNull(opType, "opType");
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(outputs, "outputs");
    Objects.requireNonNull(attributes, "attributes");
    String nodeName = opType + "_" + nodes.size();
    if (opType.isBlank()) {
      throw new IllegalArgumentException(
          "node " + nodes.size() + " needs an op type, got '" + opType + "'");
    }
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("node " + nodeName + " needs at least one output");
    }
    for (String input : inputs) {
      if (!input.isEmpty() && !defined.containsKey(input)) {
        throw new IllegalArgumentException(
            "node "
                + nodeName
                + " reads '"
                + input
                + "', which no input, initializer or earlier node defines");
      }
    }
    NodeProto.Builder node =
        NodeProto.newBuilder()
            .setName(nodeName)
            .setOpType(opType)
            .addAllInput(inputs)
            .addAllOutput(outputs);
    new TreeMap<String, Object>(attributes)
        .forEach((key, value) -> node.addAttribute(attribute(nodeName, key, value)));
    for (String output : outputs) {
      define(output, "node " + nodeName);
    }
    nodes.add(node.build());
    return this;
  }

  /**
   * Builds the model.
   *
   * @throws IllegalStateException when it has no outputs or an output is defined by nothing
   */
  public OnnxModel build() {
    if (outputs.isEmpty()) {
      throw new IllegalStateException(
          "the model has no outputs: call output(...) for what it computes");
    }
    for (ValueInfoProto output : outputs) {
      if (!defined.containsKey(output.getName())) {
        throw new IllegalStateException(
            "output '" + output.getName() + "' is not produced by any input, initializer or node");
      }
    }
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("edgeinfer_model")
            .addAllNode(nodes)
            .addAllInitializer(initializers)
            .addAllInput(inputs)
            .addAllOutput(outputs)
            .build();
    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(irVersion)
            .setProducerName(producerName)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
            .setGraph(graph)
            .addAllMetadataProps(metadata);
    if (!producerVersion.isEmpty()) {
      model.setProducerVersion(producerVersion);
    }
    return OnnxModel.of(model.build());
  }

  private void define(String name, String what) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a " + what + " needs a non-empty name");
    }
    String earlier = defined.putIfAbsent(name, what);
    if (earlier != null) {
      throw new IllegalArgumentException(
          "'" + name + "' is already defined by " + earlier + "; names must be unique");
    }
  }

  private static void checkFills(String name, int length, long[] dims) {
    long count = 1;
    for (long dim : dims) {
      if (dim < 0) {
        throw new IllegalArgumentException(
            "initializer '" + name + "' has negative dimension " + dim);
      }
      count *= dim;
    }
    if (count != length) {
      throw new IllegalArgumentException(
          "initializer '"
              + name
              + "' has "
              + length
              + " values but shape "
              + Arrays.toString(dims)
              + " holds "
              + count);
    }
  }

  private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object[] dims) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (type == TensorProto.DataType.UNDEFINED) {
      throw new IllegalArgumentException("'" + name + "' needs an element type, got UNDEFINED");
    }
    TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder().setElemType(type.getNumber());
    if (dims != null) {
      TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
      for (Object dim : expand(dims)) {
        shape.addDim(dimension(name, dim));
      }
      tensor.setShape(shape);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(tensor))
        .build();
  }

  private static List<Object> expand(Object[] dims) {
    if (dims.length == 1 && dims[0] instanceof long[] longs) {
      return Arrays.stream(longs).<Object>mapToObj(Long::valueOf).toList();
    }
    if (dims.length == 1 && dims[0] instanceof int[] ints) {
      return Arrays.stream(ints).<Object>mapToObj(Long::valueOf).toList();
    }
    return Arrays.asList(dims);
  }

  private static TensorShapeProto.Dimension dimension(String name, Object dim) {
    return switch (dim) {
      case String symbol when !symbol.isBlank() ->
          TensorShapeProto.Dimension.newBuilder().setDimParam(symbol).build();
      case Long size when size >= 0 ->
          TensorShapeProto.Dimension.newBuilder().setDimValue(size).build();
      case Integer size when size >= 0 ->
          TensorShapeProto.Dimension.newBuilder().setDimValue(size).build();
      case Short size when size >= 0 ->
          TensorShapeProto.Dimension.newBuilder().setDimValue(size).build();
      case null ->
          throw new IllegalArgumentException(
              "'" + name + "' has a null dimension: use a size or a symbol name");
      default ->
          throw new IllegalArgumentException(
              "'"
                  + name
                  + "' has dimension "
                  + dim
                  + " ("
                  + dim.getClass().getSimpleName()
                  + "): use a size >= 0 or a non-blank symbol name such as \"batch\"");
    };
  }

  private static AttributeProto attribute(String node, String name, Object value) {
    AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name);
    switch (value) {
      case Long v -> attribute.setType(AttributeProto.AttributeType.INT).setI(v);
      case Integer v -> attribute.setType(AttributeProto.AttributeType.INT).setI(v);
      case Float v -> attribute.setType(AttributeProto.AttributeType.FLOAT).setF(v);
      case Double v -> attribute.setType(AttributeProto.AttributeType.FLOAT).setF(v.floatValue());
      case String v ->
          attribute.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(v));
      case long[] v -> {
        attribute.setType(AttributeProto.AttributeType.INTS);
        for (long element : v) {
          attribute.addInts(element);
        }
      }
      case int[] v -> {
        attribute.setType(AttributeProto.AttributeType.INTS);
        for (int element : v) {
          attribute.addInts(element);
        }
      }
      case float[] v -> {
        attribute.setType(AttributeProto.AttributeType.FLOATS);
        for (float element : v) {
          attribute.addFloats(element);
        }
      }
      case double[] v -> {
        attribute.setType(AttributeProto.AttributeType.FLOATS);
        for (double element : v) {
          attribute.addFloats((float) element);
        }
      }
      case String[] v -> {
        attribute.setType(AttributeProto.AttributeType.STRINGS);
        for (String element : v) {
          attribute.addStrings(ByteString.copyFromUtf8(element));
        }
      }
      case TensorProto v -> attribute.setType(AttributeProto.AttributeType.TENSOR).setT(v);
      case GraphProto v -> attribute.setType(AttributeProto.AttributeType.GRAPH).setG(v);
      case null ->
          throw new IllegalArgumentException(
              "attribute '" + name + "' of node " + node + " is null");
      default ->
          throw new IllegalArgumentException(
              "attribute '"
                  + name
                  + "' of node "
                  + node
                  + " has unsupported type "
                  + value.getClass().getName()
                  + ": use Long, Integer, Float, Double, String, long[], int[], float[], double[],"
                  + " String[], TensorProto or GraphProto");
    }
    return attribute.build();
  }
}
