package dev.edgeinfer.onnx;

import dev.edgeinfer.onnx.proto.AttributeProto;
import dev.edgeinfer.onnx.proto.GraphProto;
import dev.edgeinfer.onnx.proto.ModelProto;
import dev.edgeinfer.onnx.proto.NodeProto;
import dev.edgeinfer.onnx.proto.SparseTensorProto;
import dev.edgeinfer.onnx.proto.TensorProto;
import dev.edgeinfer.onnx.proto.TensorShapeProto;
import dev.edgeinfer.onnx.proto.TypeProto;
import dev.edgeinfer.onnx.proto.ValueInfoProto;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a model is and what it costs: its inputs and outputs, the operators it uses, its parameters
 * and the multiply-accumulates (MACs) of one inference. This is what {@code edgeinfer inspect}
 * shows.
 *
 * <p>MACs count convolutions, matrix products and recurrent cells for a batch of one, symbolic
 * sizes taken as 1. When {@code macsNotEstimatedFor} is not empty the figure is a lower bound: it
 * lists the op types whose work is missing, either because their shapes could not be inferred or
 * because their cost is not modelled (custom operators, control flow).
 *
 * <p>Summaries are immutable and safe to share between threads.
 *
 * @param irVersion the ONNX IR version the file declares
 * @param producerName the tool that wrote the model, {@code ""} when not recorded
 * @param producerVersion its version, {@code ""} when not recorded
 * @param opsets imported operator sets, domain to version ({@code "ai.onnx"} for the default one)
 * @param inputs graph inputs the caller feeds, initializers excluded
 * @param outputs graph outputs
 * @param opHistogram op type to node count, most used first, ties by name
 * @param nodeCount nodes in the main graph
 * @param parameterCount elements of all initializers and {@code Constant} nodes
 * @param parameterBytes bytes those elements take (packed for sub-byte types)
 * @param fileSizeBytes size of the model file, external data not included
 * @param macs multiply-accumulates of one inference at batch size 1
 * @param macsNotEstimatedFor op types whose MACs are not in {@code macs}, sorted
 */
public record ModelSummary(
    long irVersion,
    String producerName,
    String producerVersion,
    Map<String, Long> opsets,
    List<ValueSummary> inputs,
    List<ValueSummary> outputs,
    Map<String, Long> opHistogram,
    int nodeCount,
    long parameterCount,
    long parameterBytes,
    long fileSizeBytes,
    long macs,
    List<String> macsNotEstimatedFor) {

  /**
   * A graph input or output.
   *
   * @param name the value's name in the graph
   * @param elementType {@code "float32"}, {@code "int64"}, {@code "uint8"}...; {@code
   *     "sequence<float32>"} and the like for non-tensor types, {@code "?"} when not declared
   * @param dims per axis its size, its symbol (such as {@code "batch"}), or {@code "?"}; empty for
   *     a scalar or when no shape is declared
   */
  public record ValueSummary(String name, String elementType, List<String> dims) {

    public ValueSummary {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(elementType, "elementType");
      dims = List.copyOf(dims);
    }

    /** The shape as {@code [batch,1,8,8]}. */
    public String shape() {
      return "[" + String.join(",", dims) + "]";
    }

    static ValueSummary of(ValueInfoProto info) {
      TypeProto type = info.getType();
      List<String> dims = List.of();
      if (type.hasTensorType() && type.getTensorType().hasShape()) {
        dims = dims(type.getTensorType().getShape());
      } else if (type.hasSparseTensorType() && type.getSparseTensorType().hasShape()) {
        dims = dims(type.getSparseTensorType().getShape());
      }
      return new ValueSummary(info.getName(), typeName(type), dims);
    }

    private static List<String> dims(TensorShapeProto shape) {
      return shape.getDimList().stream().map(d -> Dim.of(d).toString()).toList();
    }

    private static String typeName(TypeProto type) {
      return switch (type.getValueCase()) {
        case TENSOR_TYPE -> ElementType.displayName(type.getTensorType().getElemType());
        case SPARSE_TENSOR_TYPE ->
            "sparse<" + ElementType.displayName(type.getSparseTensorType().getElemType()) + ">";
        case SEQUENCE_TYPE -> "sequence<" + typeName(type.getSequenceType().getElemType()) + ">";
        case OPTIONAL_TYPE -> "optional<" + typeName(type.getOptionalType().getElemType()) + ">";
        case MAP_TYPE ->
            "map<"
                + ElementType.displayName(type.getMapType().getKeyType())
                + ","
                + typeName(type.getMapType().getValueType())
                + ">";
        case OPAQUE_TYPE -> "opaque<" + type.getOpaqueType().getName() + ">";
        case VALUE_NOT_SET -> "?";
      };
    }
  }

  public ModelSummary {
    Objects.requireNonNull(producerName, "producerName");
    Objects.requireNonNull(producerVersion, "producerVersion");
    opsets = Collections.unmodifiableMap(new TreeMap<>(opsets));
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    opHistogram = Collections.unmodifiableMap(new LinkedHashMap<>(opHistogram));
    macsNotEstimatedFor = List.copyOf(macsNotEstimatedFor);
    if (nodeCount < 0
        || parameterCount < 0
        || parameterBytes < 0
        || fileSizeBytes < 0
        || macs < 0) {
      throw new IllegalArgumentException(
          "counts must be >= 0, got nodeCount="
              + nodeCount
              + " parameterCount="
              + parameterCount
              + " parameterBytes="
              + parameterBytes
              + " fileSizeBytes="
              + fileSizeBytes
              + " macs="
              + macs);
    }
  }

  /** Summarizes {@code model}. Never fails on a graph it cannot fully understand: it knows less. */
  public static ModelSummary of(OnnxModel model) {
    ModelProto proto = model.proto();
    GraphProto graph = proto.getGraph();
    Set<String> initializers =
        graph.getInitializerList().stream().map(TensorProto::getName).collect(Collectors.toSet());
    graph
        .getSparseInitializerList()
        .forEach(sparse -> initializers.add(sparse.getValues().getName()));
    List<ValueSummary> inputs =
        graph.getInputList().stream()
            .filter(input -> !initializers.contains(input.getName()))
            .map(ValueSummary::of)
            .toList();
    List<ValueSummary> outputs = graph.getOutputList().stream().map(ValueSummary::of).toList();

    long[] parameters = parameters(graph);
    MacEstimate estimate = MacEstimate.of(graph, ShapeInference.of(graph));
    return new ModelSummary(
        proto.getIrVersion(),
        proto.getProducerName(),
        proto.getProducerVersion(),
        model.opsets(),
        inputs,
        outputs,
        histogram(graph),
        graph.getNodeCount(),
        parameters[0],
        parameters[1],
        model.sizeInBytes(),
        estimate.macs(),
        estimate.notEstimated());
  }

  /** True when some op types' MACs are missing, so {@link #macs()} is a lower bound. */
  public boolean macsAreLowerBound() {
    return !macsNotEstimatedFor.isEmpty();
  }

  private static Map<String, Long> histogram(GraphProto graph) {
    Map<String, Long> counts = new HashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      counts.merge(new GraphNode(node).qualifiedOpType(), 1L, Long::sum);
    }
    Map<String, Long> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(entry -> sorted.put(entry.getKey(), entry.getValue()));
    return sorted;
  }

  /** Element count and bytes of initializers and Constant nodes. */
  private static long[] parameters(GraphProto graph) {
    long count = 0;
    long bytes = 0;
    for (TensorProto tensor : graph.getInitializerList()) {
      ConstantTensor constant = new ConstantTensor(tensor);
      count = plus(count, constant.elementCount());
      bytes = plus(bytes, constant.byteSize());
    }
    for (SparseTensorProto sparse : graph.getSparseInitializerList()) {
      ConstantTensor values = new ConstantTensor(sparse.getValues());
      count = plus(count, values.elementCount());
      bytes =
          plus(bytes, plus(values.byteSize(), new ConstantTensor(sparse.getIndices()).byteSize()));
    }
    for (NodeProto node : graph.getNodeList()) {
      if (!node.getOpType().equals("Constant") || !new GraphNode(node).isDefaultDomain()) {
        continue;
      }
      for (AttributeProto attribute : node.getAttributeList()) {
        switch (attribute.getName()) {
          case "value" -> {
            ConstantTensor constant = new ConstantTensor(attribute.getT());
            count = plus(count, constant.elementCount());
            bytes = plus(bytes, constant.byteSize());
          }
          case "sparse_value" -> {
            ConstantTensor values = new ConstantTensor(attribute.getSparseTensor().getValues());
            count = plus(count, values.elementCount());
            ConstantTensor indices = new ConstantTensor(attribute.getSparseTensor().getIndices());
            bytes = plus(bytes, plus(values.byteSize(), indices.byteSize()));
          }
          case "value_float", "value_int" -> {
            count = plus(count, 1);
            bytes = plus(bytes, attribute.getName().equals("value_float") ? 4 : 8);
          }
          case "value_floats" -> {
            count = plus(count, attribute.getFloatsCount());
            bytes = plus(bytes, 4L * attribute.getFloatsCount());
          }
          case "value_ints" -> {
            count = plus(count, attribute.getIntsCount());
            bytes = plus(bytes, 8L * attribute.getIntsCount());
          }
          case "value_string" -> {
            count = plus(count, 1);
            bytes = plus(bytes, attribute.getS().size());
          }
          case "value_strings" -> {
            count = plus(count, attribute.getStringsCount());
            bytes = plus(bytes, attribute.getStringsList().stream().mapToLong(s -> s.size()).sum());
          }
          default -> {
            // Not a value-carrying attribute.
          }
        }
      }
    }
    return new long[] {count, bytes};
  }

  /** Addition that stops at Long.MAX_VALUE, for tensors whose declared sizes are absurd. */
  private static long plus(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
