package dev.edgeinfer.onnx;

import dev.edgeinfer.onnx.proto.AttributeProto;
import dev.edgeinfer.onnx.proto.GraphProto;
import dev.edgeinfer.onnx.proto.NodeProto;
import dev.edgeinfer.onnx.proto.SparseTensorProto;
import dev.edgeinfer.onnx.proto.TensorProto;
import dev.edgeinfer.onnx.proto.ValueInfoProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;

/**
 * Works out the shapes of a graph's tensors, node by node in topological order, from the declared
 * input shapes, the initializers and the operator semantics of the ONNX specification.
 *
 * <p>It covers what estimating compute needs on common CNN, MLP and transformer graphs, including
 * the {@code Shape → Gather → Concat → Reshape} chains exporters write for dynamic batch sizes:
 * small integer tensors are tracked by value, symbols included. Shapes the graph already declares
 * in {@code value_info} or its outputs are merged in. Operators it does not know, and those of
 * other domains, give outputs of unknown shape (or the declared one); nothing here throws on a
 * malformed graph, it only knows less.
 */
final class ShapeInference {

  /** Longest integer tensor tracked by value; shape vectors are far shorter. */
  private static final int MAX_TRACKED_VALUES = 64;

  /** Operators whose first output has the shape of their first input. */
  private static final Set<String> SAME_SHAPE =
      names(
          """
          Relu Sigmoid Tanh LeakyRelu HardSwish HardSigmoid Softmax LogSoftmax Hardmax
          Erf Gelu Elu Selu Celu Exp Log Sqrt Reciprocal Neg Abs Ceil Floor Round Sign
          Sin Cos Tan Asin Acos Atan Sinh Cosh Asinh Acosh Atanh Not Softplus Softsign
          Mish Clip IsNaN IsInf LRN InstanceNormalization LayerNormalization
          GroupNormalization BatchNormalization MeanVarianceNormalization LpNormalization
          QuantizeLinear DequantizeLinear Shrink ThresholdedRelu BitwiseNot Trilu CumSum
          ReverseSequence Scatter ScatterND ScatterElements EyeLike RandomNormalLike
          RandomUniformLike Bernoulli
          """);

  /** Operators whose output has the numpy-broadcast shape of their inputs. */
  private static final Set<String> BROADCASTING =
      names(
          """
          Add Sub Mul Div Pow Max Min Mean Sum Equal Less Greater LessOrEqual
          GreaterOrEqual And Or Xor Where Mod PRelu BitShift BitwiseAnd BitwiseOr
          BitwiseXor
          """);

  /** Reductions over the axes given by attribute or, in newer opsets, by input. */
  private static final Set<String> REDUCTIONS =
      names(
          """
          ReduceMean ReduceSum ReduceMax ReduceMin ReduceProd ReduceL1 ReduceL2 ReduceLogSum
          ReduceLogSumExp ReduceSumSquare
          """);

  /** Highest rank believed from a shape tensor; beyond it the graph is taken as malformed. */
  private static final int MAX_RANK = 1024;

  private final Map<String, Shape> shapes = new HashMap<>();
  private final Map<String, List<Dim>> values = new HashMap<>();
  private final Map<String, ConstantTensor> constants = new HashMap<>();
  private final Map<String, Shape> declared = new HashMap<>();

  private ShapeInference() {}

  /** The op types listed in {@code text}, separated by white space. */
  static Set<String> names(String text) {
    return Set.of(text.strip().split("\\s+"));
  }

  /** Infers the shapes of every value in {@code graph}. */
  static ShapeInference of(GraphProto graph) {
    ShapeInference inference = new ShapeInference();
    inference.run(graph);
    return inference;
  }

  /** The shape of the value {@code name}, when known (at least its rank). */
  Optional<Shape> shape(String name) {
    return Optional.ofNullable(shapes.get(name));
  }

  /** The initializer or {@code Constant} output named {@code name}. */
  Optional<ConstantTensor> constant(String name) {
    return Optional.ofNullable(constants.get(name));
  }

  /** The elements of a small integer tensor, when known (entries may be symbolic). */
  Optional<List<Dim>> values(String name) {
    return Optional.ofNullable(values.get(name));
  }

  private void run(GraphProto graph) {
    Set<String> inputs = new HashSet<>();
    for (ValueInfoProto input : graph.getInputList()) {
      inputs.add(input.getName());
      Shape.of(input.getType()).ifPresent(shape -> shapes.put(input.getName(), shape));
    }
    for (TensorProto initializer : graph.getInitializerList()) {
      shapes.put(initializer.getName(), Shape.of(initializer.getDimsList()));
      if (!inputs.contains(initializer.getName())) {
        addConstant(initializer.getName(), initializer);
      }
    }
    for (SparseTensorProto sparse : graph.getSparseInitializerList()) {
      shapes.put(sparse.getValues().getName(), Shape.of(sparse.getDimsList()));
    }
    for (ValueInfoProto info : graph.getValueInfoList()) {
      Shape.of(info.getType()).ifPresent(shape -> declared.put(info.getName(), shape));
    }
    for (ValueInfoProto output : graph.getOutputList()) {
      Shape.of(output.getType()).ifPresent(shape -> declared.put(output.getName(), shape));
    }
    for (NodeProto node : graph.getNodeList()) {
      infer(new GraphNode(node));
    }
  }

  private void addConstant(String name, TensorProto tensor) {
    ConstantTensor constant = new ConstantTensor(tensor);
    constants.put(name, constant);
    int type = tensor.getDataType();
    if ((type == TensorProto.DataType.INT64_VALUE || type == TensorProto.DataType.INT32_VALUE)
        && tensor.getDimsCount() <= 1
        && constant.elementCount() <= MAX_TRACKED_VALUES) {
      constant.longs().ifPresent(longs -> values.put(name, known(longs)));
    }
  }

  private void infer(GraphNode node) {
    Shape[] out = new Shape[node.proto().getOutputCount()];
    if (node.isDefaultDomain() && out.length > 0) {
      try {
        inferDefaultDomain(node, out);
      } catch (ArithmeticException
          | IndexOutOfBoundsException
          | IllegalArgumentException malformed) {
        // Attributes that break the operator's rules (an axis out of range, a zero divisor):
        // the outputs are unknown, as for an unknown operator.
        Arrays.fill(out, null);
      }
    }
    for (int i = 0; i < out.length; i++) {
      String name = node.proto().getOutput(i);
      if (name.isEmpty()) {
        continue;
      }
      Shape.merge(Optional.ofNullable(out[i]), Optional.ofNullable(declared.get(name)))
          .ifPresent(shape -> shapes.put(name, shape));
    }
  }

  private void inferDefaultDomain(GraphNode node, Shape[] out) {
    String output = node.proto().getOutput(0);
    switch (node.opType()) {
      case String op when SAME_SHAPE.contains(op) -> out[0] = input(node, 0).orElse(null);
      case "Identity", "Cast", "CastLike" -> {
        out[0] = input(node, 0).orElse(null);
        copyValues(node, output);
      }
      case "Dropout" -> {
        out[0] = input(node, 0).orElse(null);
        if (out.length > 1) {
          out[1] = out[0];
        }
      }
      case "DynamicQuantizeLinear" -> {
        out[0] = input(node, 0).orElse(null);
        for (int i = 1; i < out.length; i++) {
          out[i] = Shape.of();
        }
      }
      case String op when BROADCASTING.contains(op) -> {
        out[0] = broadcast(node).orElse(null);
        arithmeticValues(node, output);
      }
      case "Conv", "ConvInteger" -> out[0] = convolution(node, 0, 1).orElse(null);
      case "QLinearConv" -> out[0] = convolution(node, 0, 3).orElse(null);
      case "ConvTranspose" -> out[0] = transposedConvolution(node).orElse(null);
      case "MaxPool", "AveragePool", "LpPool" -> {
        out[0] = pool(node).orElse(null);
        if (out.length > 1) {
          out[1] = out[0];
        }
      }
      case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool" ->
          out[0] =
              input(node, 0)
                  .filter(x -> x.rank() >= 2)
                  .map(ShapeInference::globalPool)
                  .orElse(null);
      case "Gemm" -> out[0] = gemm(node).orElse(null);
      case "MatMul", "MatMulInteger" -> out[0] = matMul(node, 0, 1).orElse(null);
      case "QLinearMatMul" -> out[0] = matMul(node, 0, 3).orElse(null);
      case "Flatten" -> out[0] = flatten(node).orElse(null);
      case "Reshape" -> {
        out[0] = reshape(node).orElse(null);
        if (out[0] != null && out[0].rank() <= 1) {
          copyValues(node, output);
        }
      }
      case "Transpose" -> out[0] = transpose(node).orElse(null);
      case "Concat" -> {
        out[0] = concat(node).orElse(null);
        concatValues(node, output);
      }
      case "Squeeze" -> {
        out[0] = squeeze(node).orElse(null);
        copyValues(node, output);
      }
      case "Unsqueeze" -> {
        out[0] = unsqueeze(node).orElse(null);
        copyValues(node, output);
      }
      case "Gather" -> out[0] = gather(node, output).orElse(null);
      case "GatherElements" -> out[0] = input(node, 1).orElse(null);
      case "Shape" -> out[0] = shapeOf(node, output);
      case "Size" -> {
        out[0] = Shape.of();
        input(node, 0).ifPresent(x -> values.put(output, List.of(x.product(0, x.rank()))));
      }
      case "ConstantOfShape" ->
          out[0] = valuesOf(node, 0).map(v -> new Shape(asSizes(v))).orElse(null);
      case "Constant" -> out[0] = constantNode(node, output).orElse(null);
      case String op when REDUCTIONS.contains(op) -> out[0] = reduce(node).orElse(null);
      case "ArgMax", "ArgMin" -> out[0] = argReduce(node).orElse(null);
      case "Pad" -> out[0] = pad(node).orElse(null);
      case "Resize", "Upsample" -> out[0] = resize(node).orElse(null);
      case "Slice" -> out[0] = slice(node, output).orElse(null);
      case "Split" -> split(node, out);
      case "Tile" -> out[0] = tile(node).orElse(null);
      case "Expand" -> out[0] = expand(node).orElse(null);
      case "TopK" -> {
        out[0] = topK(node).orElse(null);
        if (out.length > 1) {
          out[1] = out[0];
        }
      }
      case "DepthToSpace", "SpaceToDepth" -> out[0] = depthSpace(node).orElse(null);
      case "LSTM", "GRU", "RNN" -> recurrent(node, out);
      default -> {
        // No rule: outputs keep whatever the graph declares for them.
      }
    }
  }

  // ---- reading inputs ----

  private Optional<Shape> input(GraphNode node, int index) {
    return node.input(index).flatMap(this::shape);
  }

  private Optional<List<Dim>> valuesOf(GraphNode node, int index) {
    return node.input(index).flatMap(this::values);
  }

  /** The integers in input {@code index}, when every one of them is known. */
  private Optional<long[]> knownLongs(GraphNode node, int index) {
    return valuesOf(node, index).flatMap(ShapeInference::allKnown);
  }

  /** An integer list given as attribute {@code name} (older opsets) or as input {@code index}. */
  private Optional<long[]> intsArgument(GraphNode node, String name, int index) {
    Optional<long[]> attribute = node.intsAttribute(name);
    return attribute.isPresent() ? attribute : knownLongs(node, index);
  }

  private Optional<double[]> doublesOf(GraphNode node, int index) {
    return node.input(index).flatMap(this::constant).flatMap(ConstantTensor::doubles);
  }

  private static Optional<long[]> allKnown(List<Dim> dims) {
    long[] out = new long[dims.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(dims.get(i) instanceof Dim.Known(long value))) {
        return Optional.empty();
      }
      out[i] = value;
    }
    return Optional.of(out);
  }

  private static List<Dim> known(long[] longs) {
    List<Dim> out = new ArrayList<>(longs.length);
    for (long value : longs) {
      out.add(Dim.of(value));
    }
    return out;
  }

  /** Shape values read as sizes: negative entries say nothing about the size. */
  private static List<Dim> asSizes(List<Dim> dims) {
    return dims.stream()
        .map(d -> d instanceof Dim.Known(long v) && v < 0 ? Dim.UNKNOWN : d)
        .toList();
  }

  private static int normalizeAxis(long axis, int rank) {
    return (int) (axis < 0 ? axis + rank : axis);
  }

  private static long[] filled(int length, long value) {
    long[] out = new long[length];
    Arrays.fill(out, value);
    return out;
  }

  // ---- values of small integer tensors ----

  private void copyValues(GraphNode node, String output) {
    valuesOf(node, 0).ifPresent(v -> values.put(output, v));
  }

  private void arithmeticValues(GraphNode node, String output) {
    String op = node.opType();
    if (!List.of("Add", "Sub", "Mul", "Div").contains(op) || node.proto().getInputCount() != 2) {
      return;
    }
    Optional<long[]> a = knownLongs(node, 0);
    Optional<long[]> b = knownLongs(node, 1);
    if (a.isEmpty() || b.isEmpty()) {
      return;
    }
    long[] x = a.get();
    long[] y = b.get();
    int length = Math.max(x.length, y.length);
    if ((x.length != length && x.length != 1) || (y.length != length && y.length != 1)) {
      return;
    }
    long[] result = new long[length];
    for (int i = 0; i < length; i++) {
      long l = x[x.length == 1 ? 0 : i];
      long r = y[y.length == 1 ? 0 : i];
      if (op.equals("Div") && r == 0) {
        return;
      }
      result[i] =
          switch (op) {
            case "Add" -> l + r;
            case "Sub" -> l - r;
            case "Mul" -> l * r;
            default -> Math.floorDiv(l, r);
          };
    }
    values.put(output, known(result));
  }

  private void concatValues(GraphNode node, String output) {
    List<Dim> joined = new ArrayList<>();
    for (int i = 0; i < node.proto().getInputCount(); i++) {
      Optional<List<Dim>> part = valuesOf(node, i);
      if (part.isEmpty()) {
        return;
      }
      joined.addAll(part.get());
    }
    values.put(output, joined);
  }

  // ---- operators ----

  private Optional<Shape> broadcast(GraphNode node) {
    List<Shape> operands = new ArrayList<>();
    for (int i = 0; i < node.proto().getInputCount(); i++) {
      if (node.input(i).isEmpty()) {
        continue;
      }
      Optional<Shape> shape = input(node, i);
      if (shape.isEmpty()) {
        return Optional.empty();
      }
      operands.add(shape.get());
    }
    return operands.isEmpty() ? Optional.empty() : Optional.of(Shape.broadcast(operands));
  }

  private record Window(
      long[] kernel, long[] strides, long[] dilations, long[] pads, String autoPad) {}

  /** Kernel, strides, dilations and pads of a convolution or pooling over {@code spatial} axes. */
  private static Optional<Window> window(GraphNode node, int spatial, Optional<Shape> weights) {
    Optional<long[]> kernel = node.intsAttribute("kernel_shape");
    if (kernel.isEmpty() && weights.isPresent() && weights.get().rank() == spatial + 2) {
      kernel = allKnown(weights.get().dims().subList(2, spatial + 2));
    }
    if (kernel.isEmpty() || kernel.get().length != spatial) {
      return Optional.empty();
    }
    long[] strides = node.intsAttribute("strides").orElse(filled(spatial, 1));
    long[] dilations = node.intsAttribute("dilations").orElse(filled(spatial, 1));
    long[] pads = node.intsAttribute("pads").orElse(filled(2 * spatial, 0));
    if (strides.length != spatial || dilations.length != spatial || pads.length != 2 * spatial) {
      return Optional.empty();
    }
    for (int i = 0; i < spatial; i++) {
      if (strides[i] <= 0 || dilations[i] <= 0 || kernel.get()[i] <= 0) {
        return Optional.empty();
      }
    }
    return Optional.of(
        new Window(
            kernel.get(), strides, dilations, pads, node.stringAttribute("auto_pad", "NOTSET")));
  }

  private Optional<Shape> convolution(GraphNode node, int xIndex, int wIndex) {
    Optional<Shape> x = input(node, xIndex);
    Optional<Shape> w = input(node, wIndex);
    int rank = x.map(Shape::rank).or(() -> w.map(Shape::rank)).orElse(0);
    if (rank < 3) {
      return Optional.empty();
    }
    int spatial = rank - 2;
    List<Dim> out = new ArrayList<>(rank);
    out.add(x.map(s -> s.dim(0)).orElse(Dim.UNKNOWN));
    out.add(w.filter(s -> s.rank() == rank).map(s -> s.dim(0)).orElse(Dim.UNKNOWN));
    Optional<Window> window = window(node, spatial, w);
    for (int i = 0; i < spatial; i++) {
      Dim in = x.isPresent() && x.get().rank() == rank ? x.get().dim(2 + i) : Dim.UNKNOWN;
      if (window.isEmpty() || !(in instanceof Dim.Known(long size))) {
        out.add(Dim.UNKNOWN);
        continue;
      }
      Window win = window.get();
      long effectiveKernel = (win.kernel[i] - 1) * win.dilations[i] + 1;
      long stride = win.strides[i];
      long length =
          switch (win.autoPad) {
            case "SAME_UPPER", "SAME_LOWER" -> Math.ceilDiv(size, stride);
            case "VALID" -> Math.floorDiv(size - effectiveKernel, stride) + 1;
            default ->
                Math.floorDiv(size + win.pads[i] + win.pads[i + spatial] - effectiveKernel, stride)
                    + 1;
          };
      out.add(length >= 0 ? Dim.of(length) : Dim.UNKNOWN);
    }
    return Optional.of(new Shape(out));
  }

  private Optional<Shape> transposedConvolution(GraphNode node) {
    Optional<Shape> x = input(node, 0);
    Optional<Shape> w = input(node, 1);
    int rank = x.map(Shape::rank).or(() -> w.map(Shape::rank)).orElse(0);
    if (rank < 3) {
      return Optional.empty();
    }
    int spatial = rank - 2;
    long group = node.intAttribute("group", 1);
    List<Dim> out = new ArrayList<>(rank);
    out.add(x.map(s -> s.dim(0)).orElse(Dim.UNKNOWN));
    Dim perGroup = w.filter(s -> s.rank() == rank).map(s -> s.dim(1)).orElse(Dim.UNKNOWN);
    out.add(perGroup instanceof Dim.Known(long c) ? Dim.of(c * group) : Dim.UNKNOWN);
    Optional<long[]> outputShape = node.intsAttribute("output_shape");
    if (outputShape.isPresent() && outputShape.get().length >= spatial) {
      long[] given = outputShape.get();
      for (int i = 0; i < spatial; i++) {
        out.add(Dim.of(given[given.length - spatial + i]));
      }
      return Optional.of(new Shape(out));
    }
    Optional<Window> window = window(node, spatial, w);
    long[] outputPadding = node.intsAttribute("output_padding").orElse(filled(spatial, 0));
    for (int i = 0; i < spatial; i++) {
      Dim in = x.isPresent() && x.get().rank() == rank ? x.get().dim(2 + i) : Dim.UNKNOWN;
      if (window.isEmpty()
          || outputPadding.length != spatial
          || !(in instanceof Dim.Known(long size))) {
        out.add(Dim.UNKNOWN);
        continue;
      }
      Window win = window.get();
      long effectiveKernel = (win.kernel[i] - 1) * win.dilations[i] + 1;
      long length =
          switch (win.autoPad) {
            case "SAME_UPPER", "SAME_LOWER" -> size * win.strides[i];
            default ->
                win.strides[i] * (size - 1)
                    + outputPadding[i]
                    + effectiveKernel
                    - (win.autoPad.equals("VALID") ? 0 : win.pads[i] + win.pads[i + spatial]);
          };
      out.add(length >= 0 ? Dim.of(length) : Dim.UNKNOWN);
    }
    return Optional.of(new Shape(out));
  }

  private Optional<Shape> pool(GraphNode node) {
    Optional<Shape> x = input(node, 0);
    if (x.isEmpty() || x.get().rank() < 3) {
      return Optional.empty();
    }
    Shape in = x.get();
    int spatial = in.rank() - 2;
    Optional<Window> window = window(node, spatial, Optional.empty());
    boolean ceil = node.intAttribute("ceil_mode", 0) == 1;
    List<Dim> out = new ArrayList<>(in.dims().subList(0, 2));
    for (int i = 0; i < spatial; i++) {
      if (window.isEmpty() || !(in.dim(2 + i) instanceof Dim.Known(long size))) {
        out.add(Dim.UNKNOWN);
        continue;
      }
      Window win = window.get();
      long effectiveKernel = (win.kernel[i] - 1) * win.dilations[i] + 1;
      long stride = win.strides[i];
      long length;
      switch (win.autoPad) {
        case "SAME_UPPER", "SAME_LOWER" -> length = Math.ceilDiv(size, stride);
        case "VALID" ->
            length =
                (ceil
                        ? Math.ceilDiv(size - effectiveKernel, stride)
                        : Math.floorDiv(size - effectiveKernel, stride))
                    + 1;
        default -> {
          long padBegin = win.pads[i];
          long span = size + padBegin + win.pads[i + spatial] - effectiveKernel;
          length = (ceil ? Math.ceilDiv(span, stride) : Math.floorDiv(span, stride)) + 1;
          if (ceil && (length - 1) * stride >= size + padBegin) {
            length--;
          }
        }
      }
      out.add(length >= 0 ? Dim.of(length) : Dim.UNKNOWN);
    }
    return Optional.of(new Shape(out));
  }

  private static Shape globalPool(Shape x) {
    List<Dim> out = new ArrayList<>(x.dims().subList(0, 2));
    out.addAll(Collections.nCopies(x.rank() - 2, Dim.of(1)));
    return new Shape(out);
  }

  private Optional<Shape> gemm(GraphNode node) {
    Optional<Shape> a = input(node, 0).filter(s -> s.rank() == 2);
    Optional<Shape> b = input(node, 1).filter(s -> s.rank() == 2);
    if (a.isEmpty() && b.isEmpty()) {
      return Optional.empty();
    }
    boolean transA = node.intAttribute("transA", 0) != 0;
    boolean transB = node.intAttribute("transB", 0) != 0;
    Dim m = a.map(s -> s.dim(transA ? 1 : 0)).orElse(Dim.UNKNOWN);
    Dim n = b.map(s -> s.dim(transB ? 0 : 1)).orElse(Dim.UNKNOWN);
    return Optional.of(new Shape(List.of(m, n)));
  }

  private Optional<Shape> matMul(GraphNode node, int aIndex, int bIndex) {
    Optional<Shape> a = input(node, aIndex);
    Optional<Shape> b = input(node, bIndex);
    if (a.isEmpty() || b.isEmpty() || a.get().rank() == 0 || b.get().rank() == 0) {
      return Optional.empty();
    }
    List<Dim> left = new ArrayList<>(a.get().dims());
    List<Dim> right = new ArrayList<>(b.get().dims());
    boolean vectorLeft = left.size() == 1;
    boolean vectorRight = right.size() == 1;
    if (vectorLeft) {
      left.add(0, Dim.of(1));
    }
    if (vectorRight) {
      right.add(Dim.of(1));
    }
    Shape batch =
        Shape.broadcast(
            List.of(
                new Shape(left.subList(0, left.size() - 2)),
                new Shape(right.subList(0, right.size() - 2))));
    List<Dim> out = new ArrayList<>(batch.dims());
    if (!vectorLeft) {
      out.add(left.get(left.size() - 2));
    }
    if (!vectorRight) {
      out.add(right.get(right.size() - 1));
    }
    return Optional.of(new Shape(out));
  }

  private Optional<Shape> flatten(GraphNode node) {
    return input(node, 0)
        .flatMap(
            x -> {
              int axis = normalizeAxis(node.intAttribute("axis", 1), x.rank());
              if (axis < 0 || axis > x.rank()) {
                return Optional.empty();
              }
              return Optional.of(new Shape(List.of(x.product(0, axis), x.product(axis, x.rank()))));
            });
  }

  private Optional<Shape> reshape(GraphNode node) {
    Optional<List<Dim>> target =
        node.intsAttribute("shape").map(ShapeInference::known).or(() -> valuesOf(node, 1));
    if (target.isPresent()) {
      return Shape.reshape(input(node, 0), target.get(), node.intAttribute("allowzero", 0) == 1);
    }
    return input(node, 1)
        .filter(s -> s.rank() == 1 && s.dim(0) instanceof Dim.Known(long r) && r <= MAX_RANK)
        .map(s -> Shape.unknownOfRank((int) ((Dim.Known) s.dim(0)).value()));
  }

  private Optional<Shape> transpose(GraphNode node) {
    return input(node, 0)
        .flatMap(
            x -> {
              long[] perm = node.intsAttribute("perm").orElse(null);
              List<Dim> out = new ArrayList<>(x.rank());
              for (int i = 0; i < x.rank(); i++) {
                int from = perm == null ? x.rank() - 1 - i : (int) perm[i];
                if ((perm != null && perm.length != x.rank()) || from < 0 || from >= x.rank()) {
                  return Optional.empty();
                }
                out.add(x.dim(from));
              }
              return Optional.of(new Shape(out));
            });
  }

  private Optional<Shape> concat(GraphNode node) {
    List<Shape> parts = new ArrayList<>();
    Shape any = null;
    for (int i = 0; i < node.proto().getInputCount(); i++) {
      Optional<Shape> part = input(node, i);
      if (part.isPresent()) {
        any = part.get();
        parts.add(part.get());
      } else {
        parts.add(null);
      }
    }
    if (any == null) {
      return Optional.empty();
    }
    int rank = any.rank();
    int axis = normalizeAxis(node.intAttribute("axis", 0), rank);
    if (axis < 0 || axis >= rank) {
      return Optional.empty();
    }
    List<Dim> out = new ArrayList<>(Collections.nCopies(rank, Dim.UNKNOWN));
    long total = 0;
    boolean totalKnown = true;
    for (Shape part : parts) {
      if (part == null || part.rank() != rank) {
        totalKnown = false;
        continue;
      }
      for (int i = 0; i < rank; i++) {
        if (i != axis && !out.get(i).isKnown()) {
          out.set(i, out.get(i) instanceof Dim.Symbolic ? out.get(i) : part.dim(i));
        }
      }
      if (part.dim(axis) instanceof Dim.Known(long size)) {
        total += size;
      } else {
        totalKnown = false;
      }
    }
    out.set(axis, totalKnown ? Dim.of(total) : Dim.UNKNOWN);
    return Optional.of(new Shape(out));
  }

  private Optional<Shape> squeeze(GraphNode node) {
    Optional<Shape> x = input(node, 0);
    if (x.isEmpty()) {
      return Optional.empty();
    }
    Optional<long[]> axes = intsArgument(node, "axes", 1);
    List<Dim> out = new ArrayList<>();
    if (axes.isEmpty()) {
      if (node.input(1).isPresent()) {
        return Optional.empty();
      }
      for (Dim dim : x.get().dims()) {
        if (!dim.isKnown()) {
          return Optional.empty();
        }
        if (!dim.is(1)) {
          out.add(dim);
        }
      }
      return Optional.of(new Shape(out));
    }
    Set<Integer> removed = new HashSet<>();
    for (long axis : axes.get()) {
      removed.add(normalizeAxis(axis, x.get().rank()));
    }
    for (int i = 0; i < x.get().rank(); i++) {
      if (!removed.contains(i)) {
        out.add(x.get().dim(i));
      }
    }
    return Optional.of(new Shape(out));
  }

  private Optional<Shape> unsqueeze(GraphNode node) {
    Optional<Shape> x = input(node, 0);
    Optional<long[]> axes = intsArgument(node, "axes", 1);
    if (x.isEmpty() || axes.isEmpty()) {
      return Optional.empty();
    }
    int rank = x.get().rank() + axes.get().length;
    Set<Integer> inserted = new HashSet<>();
    for (long axis : axes.get()) {
      inserted.add(normalizeAxis(axis, rank));
    }
    List<Dim> out = new ArrayList<>(rank);
    int next = 0;
    for (int i = 0; i < rank; i++) {
      if (inserted.contains(i)) {
        out.add(Dim.of(1));
      } else if (next < x.get().rank()) {
        out.add(x.get().dim(next++));
      } else {
        return Optional.empty();
      }
    }
    return Optional.of(new Shape(out));
  }

  private Optional<Shape> gather(GraphNode node, String output) {
    Optional<Shape> data = input(node, 0);
    Optional<Shape> indices = input(node, 1);
    if (data.isEmpty() || indices.isEmpty()) {
      return Optional.empty();
    }
    int axis = normalizeAxis(node.intAttribute("axis", 0), data.get().rank());
    if (axis < 0 || axis >= data.get().rank()) {
      return Optional.empty();
    }
    Optional<List<Dim>> dataValues = valuesOf(node, 0);
    Optional<long[]> picks = knownLongs(node, 1);
    if (dataValues.isPresent() && picks.isPresent() && data.get().rank() == 1) {
      List<Dim> picked = new ArrayList<>();
      int length = dataValues.get().size();
      for (long pick : picks.get()) {
        int index = normalizeAxis(pick, length);
        if (index < 0 || index >= length) {
          picked = null;
          break;
        }
        picked.add(dataValues.get().get(index));
      }
      if (picked != null) {
        values.put(output, picked);
      }
    }
    List<Dim> out = new ArrayList<>(data.get().dims().subList(0, axis));
    out.addAll(indices.get().dims());
    out.addAll(data.get().dims().subList(axis + 1, data.get().rank()));
    return Optional.of(new Shape(out));
  }

  private Shape shapeOf(GraphNode node, String output) {
    Optional<Shape> x = input(node, 0);
    if (x.isEmpty()) {
      return Shape.unknownOfRank(1);
    }
    int rank = x.get().rank();
    int start = Math.clamp(normalizeAxis(node.intAttribute("start", 0), rank), 0, rank);
    int end = Math.clamp(normalizeAxis(node.intAttribute("end", rank), rank), 0, rank);
    List<Dim> dims = end > start ? x.get().dims().subList(start, end) : List.of();
    values.put(output, dims);
    return Shape.of(dims.size());
  }

  private Optional<Shape> constantNode(GraphNode node, String output) {
    for (AttributeProto attribute : node.proto().getAttributeList()) {
      TensorProto tensor =
          switch (attribute.getName()) {
            case "value" -> attribute.getT();
            case "value_int" -> longTensor(List.of(attribute.getI()), false);
            case "value_ints" -> longTensor(attribute.getIntsList(), true);
            case "value_float" -> floatTensor(List.of(attribute.getF()), false);
            case "value_floats" -> floatTensor(attribute.getFloatsList(), true);
            case "sparse_value" ->
                TensorProto.newBuilder()
                    .addAllDims(attribute.getSparseTensor().getDimsList())
                    .build();
            default -> null;
          };
      if (tensor != null) {
        if (tensor.getDataType() != TensorProto.DataType.UNDEFINED_VALUE) {
          addConstant(output, tensor);
        }
        return Optional.of(Shape.of(tensor.getDimsList()));
      }
    }
    return Optional.empty();
  }

  private static TensorProto longTensor(List<Long> longs, boolean vector) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addAllInt64Data(longs);
    if (vector) {
      tensor.addDims(longs.size());
    }
    return tensor.build();
  }

  private static TensorProto floatTensor(List<Float> floats, boolean vector) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addAllFloatData(floats);
    if (vector) {
      tensor.addDims(floats.size());
    }
    return tensor.build();
  }

  private Optional<Shape> reduce(GraphNode node) {
    Optional<Shape> x = input(node, 0);
    if (x.isEmpty()) {
      return Optional.empty();
    }
    int rank = x.get().rank();
    boolean keepDims = node.intAttribute("keepdims", 1) != 0;
    Optional<long[]> axes = intsArgument(node, "axes", 1);
    if (axes.isEmpty() && node.input(1).isPresent()) {
      return keepDims ? Optional.of(Shape.unknownOfRank(rank)) : Optional.empty();
    }
    if (axes.isEmpty() || axes.get().length == 0) {
      if (node.intAttribute("noop_with_empty_axes", 0) != 0) {
        return x;
      }
      axes = Optional.of(LongStream.range(0, rank).toArray());
    }
    return Optional.of(reduced(x.get(), axes.get(), keepDims));
  }

  private Optional<Shape> argReduce(GraphNode node) {
    return input(node, 0)
        .map(
            x ->
                reduced(
                    x,
                    new long[] {node.intAttribute("axis", 0)},
                    node.intAttribute("keepdims", 1) != 0));
  }

  private static Shape reduced(Shape x, long[] axes, boolean keepDims) {
    Set<Integer> reducedAxes = new HashSet<>();
    for (long axis : axes) {
      reducedAxes.add(normalizeAxis(axis, x.rank()));
    }
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      if (!reducedAxes.contains(i)) {
        out.add(x.dim(i));
      } else if (keepDims) {
        out.add(Dim.of(1));
      }
    }
    return new Shape(out);
  }

  private Optional<Shape> pad(GraphNode node) {
    Optional<Shape> x = input(node, 0);
    if (x.isEmpty()) {
      return Optional.empty();
    }
    int rank = x.get().rank();
    Optional<long[]> pads = intsArgument(node, "pads", 1);
    if (pads.isEmpty()) {
      return Optional.of(Shape.unknownOfRank(rank));
    }
    long[] axes = knownLongs(node, 3).orElse(LongStream.range(0, rank).toArray());
    if (pads.get().length != 2 * axes.length) {
      return Optional.empty();
    }
    List<Dim> out = new ArrayList<>(x.get().dims());
    for (int i = 0; i < axes.length; i++) {
      int axis = normalizeAxis(axes[i], rank);
      long added = pads.get()[i] + pads.get()[i + axes.length];
      Dim dim = out.get(axis);
      if (dim instanceof Dim.Known(long size)) {
        out.set(axis, Dim.of(size + added));
      } else if (added != 0) {
        out.set(axis, Dim.UNKNOWN);
      }
    }
    return Optional.of(new Shape(out));
  }

  private Optional<Shape> resize(GraphNode node) {
    Optional<Shape> x = input(node, 0);
    if (x.isEmpty()) {
      return Optional.empty();
    }
    int rank = x.get().rank();
    Optional<long[]> sizes =
        node.opType().equals("Resize") ? knownLongs(node, 3) : Optional.empty();
    long[] axes = node.intsAttribute("axes").orElse(LongStream.range(0, rank).toArray());
    List<Dim> out = new ArrayList<>(x.get().dims());
    if (sizes.isPresent() && sizes.get().length == axes.length) {
      for (int i = 0; i < axes.length; i++) {
        out.set(normalizeAxis(axes[i], rank), Dim.of(sizes.get()[i]));
      }
      return Optional.of(new Shape(out));
    }
    int scalesIndex = node.opType().equals("Upsample") || node.proto().getInputCount() == 2 ? 1 : 2;
    Optional<double[]> scales = node.floatsAttribute("scales");
    if (scales.isEmpty()) {
      scales = doublesOf(node, scalesIndex);
    }
    if (scales.isEmpty() || scales.get().length != axes.length) {
      return Optional.of(Shape.unknownOfRank(rank));
    }
    for (int i = 0; i < axes.length; i++) {
      int axis = normalizeAxis(axes[i], rank);
      double scale = scales.get()[i];
      Dim dim = out.get(axis);
      if (dim instanceof Dim.Known(long size)) {
        out.set(axis, Dim.of((long) Math.floor(size * scale)));
      } else if (scale != 1.0) {
        out.set(axis, Dim.UNKNOWN);
      }
    }
    return Optional.of(new Shape(out));
  }

  private Optional<Shape> slice(GraphNode node, String output) {
    Optional<Shape> x = input(node, 0);
    Optional<long[]> starts = intsArgument(node, "starts", 1);
    Optional<long[]> ends = intsArgument(node, "ends", 2);
    if (x.isEmpty()) {
      return Optional.empty();
    }
    int rank = x.get().rank();
    if (starts.isEmpty() || ends.isEmpty() || starts.get().length != ends.get().length) {
      return Optional.of(Shape.unknownOfRank(rank));
    }
    int count = starts.get().length;
    Optional<long[]> axes = intsArgument(node, "axes", 3);
    Optional<long[]> steps = knownLongs(node, 4);
    if ((axes.isEmpty() && node.input(3).isPresent())
        || (steps.isEmpty() && node.input(4).isPresent())) {
      return Optional.of(Shape.unknownOfRank(rank));
    }
    long[] axisList = axes.orElse(LongStream.range(0, count).toArray());
    long[] stepList = steps.orElse(filled(count, 1));
    if (axisList.length != count || stepList.length != count) {
      return Optional.empty();
    }
    List<Dim> out = new ArrayList<>(x.get().dims());
    Optional<List<Dim>> sliced = rank == 1 ? valuesOf(node, 0) : Optional.empty();
    for (int i = 0; i < count; i++) {
      int axis = normalizeAxis(axisList[i], rank);
      long step = stepList[i];
      if (axis < 0 || axis >= rank || step == 0) {
        return Optional.empty();
      }
      Dim dim = out.get(axis);
      if (!(dim instanceof Dim.Known(long size))) {
        boolean whole = starts.get()[i] == 0 && ends.get()[i] >= Integer.MAX_VALUE && step == 1;
        out.set(axis, whole ? dim : Dim.UNKNOWN);
        sliced = Optional.empty();
        continue;
      }
      long start = starts.get()[i];
      long end = ends.get()[i];
      start = start < 0 ? start + size : start;
      end = end < 0 ? end + size : end;
      if (step > 0) {
        start = Math.clamp(start, 0, size);
        end = Math.clamp(end, 0, size);
      } else {
        start = Math.clamp(start, 0, size - 1);
        end = Math.clamp(end, -1, size - 1);
      }
      long length = step > 0 ? Math.ceilDiv(end - start, step) : Math.ceilDiv(start - end, -step);
      length = Math.max(0, length);
      out.set(axis, Dim.of(length));
      if (sliced.isPresent()) {
        List<Dim> picked = new ArrayList<>();
        for (long k = 0, at = start; k < length; k++, at += step) {
          picked.add(sliced.get().get((int) at));
        }
        sliced = Optional.of(picked);
      }
    }
    sliced.ifPresent(v -> values.put(output, v));
    return Optional.of(new Shape(out));
  }

  private void split(GraphNode node, Shape[] out) {
    Optional<Shape> x = input(node, 0);
    if (x.isEmpty()) {
      return;
    }
    int rank = x.get().rank();
    int axis = normalizeAxis(node.intAttribute("axis", 0), rank);
    if (axis < 0 || axis >= rank) {
      return;
    }
    Optional<long[]> sizes = intsArgument(node, "split", 1);
    Dim dim = x.get().dim(axis);
    if (sizes.isEmpty() && dim instanceof Dim.Known(long size)) {
      int parts = (int) node.intAttribute("num_outputs", out.length);
      long each = Math.ceilDiv(size, parts);
      long[] even = new long[out.length];
      for (int i = 0; i < out.length; i++) {
        even[i] = Math.max(0, Math.min(each, size - each * i));
      }
      sizes = Optional.of(even);
    }
    for (int i = 0; i < out.length; i++) {
      List<Dim> dims = new ArrayList<>(x.get().dims());
      dims.set(
          axis,
          sizes.isPresent() && sizes.get().length == out.length
              ? Dim.of(sizes.get()[i])
              : Dim.UNKNOWN);
      out[i] = new Shape(dims);
    }
  }

  private Optional<Shape> tile(GraphNode node) {
    Optional<Shape> x = input(node, 0);
    if (x.isEmpty()) {
      return Optional.empty();
    }
    Optional<long[]> repeats = knownLongs(node, 1);
    if (repeats.isEmpty() || repeats.get().length != x.get().rank()) {
      return Optional.of(Shape.unknownOfRank(x.get().rank()));
    }
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < x.get().rank(); i++) {
      long repeat = repeats.get()[i];
      Dim dim = x.get().dim(i);
      out.add(
          dim instanceof Dim.Known(long size)
              ? Dim.of(size * repeat)
              : repeat == 1 ? dim : Dim.UNKNOWN);
    }
    return Optional.of(new Shape(out));
  }

  private Optional<Shape> expand(GraphNode node) {
    Optional<Shape> x = input(node, 0);
    Optional<List<Dim>> target = valuesOf(node, 1);
    if (x.isEmpty() || target.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Shape.broadcast(List.of(x.get(), new Shape(asSizes(target.get())))));
  }

  private Optional<Shape> topK(GraphNode node) {
    Optional<Shape> x = input(node, 0);
    if (x.isEmpty()) {
      return Optional.empty();
    }
    int axis = normalizeAxis(node.intAttribute("axis", -1), x.get().rank());
    if (axis < 0 || axis >= x.get().rank()) {
      return Optional.empty();
    }
    Optional<long[]> k = knownLongs(node, 1);
    Dim size =
        node.attribute("k").isPresent()
            ? Dim.of(node.intAttribute("k", 0))
            : k.filter(v -> v.length == 1).map(v -> Dim.of(v[0])).orElse(Dim.UNKNOWN);
    List<Dim> out = new ArrayList<>(x.get().dims());
    out.set(axis, size);
    return Optional.of(new Shape(out));
  }

  private Optional<Shape> depthSpace(GraphNode node) {
    Optional<Shape> x = input(node, 0).filter(s -> s.rank() == 4);
    long block = node.intAttribute("blocksize", 0);
    if (x.isEmpty() || block <= 0) {
      return Optional.empty();
    }
    boolean toSpace = node.opType().equals("DepthToSpace");
    List<Dim> out = new ArrayList<>();
    out.add(x.get().dim(0));
    out.add(scaled(x.get().dim(1), block * block, !toSpace));
    out.add(scaled(x.get().dim(2), block, toSpace));
    out.add(scaled(x.get().dim(3), block, toSpace));
    return Optional.of(new Shape(out));
  }

  private static Dim scaled(Dim dim, long factor, boolean multiply) {
    if (!(dim instanceof Dim.Known(long size))) {
      return Dim.UNKNOWN;
    }
    return multiply
        ? Dim.of(size * factor)
        : size % factor == 0 ? Dim.of(size / factor) : Dim.UNKNOWN;
  }

  private void recurrent(GraphNode node, Shape[] out) {
    Optional<Shape> x = input(node, 0).filter(s -> s.rank() == 3);
    if (x.isEmpty()) {
      return;
    }
    boolean batchFirst = node.intAttribute("layout", 0) == 1;
    Dim sequence = x.get().dim(batchFirst ? 1 : 0);
    Dim batch = x.get().dim(batchFirst ? 0 : 1);
    Dim directions =
        Dim.of(node.stringAttribute("direction", "forward").equals("bidirectional") ? 2 : 1);
    Dim hidden =
        node.attribute("hidden_size").isPresent()
            ? Dim.of(node.intAttribute("hidden_size", 0))
            : input(node, 2).filter(r -> r.rank() == 3).map(r -> r.dim(2)).orElse(Dim.UNKNOWN);
    out[0] =
        new Shape(
            batchFirst
                ? List.of(batch, sequence, directions, hidden)
                : List.of(sequence, directions, batch, hidden));
    Shape state =
        new Shape(
            batchFirst ? List.of(batch, directions, hidden) : List.of(directions, batch, hidden));
    for (int i = 1; i < out.length; i++) {
      out[i] = state;
    }
  }
}
