package dev.edgeinfer.tflite;

import static dev.edgeinfer.tflite.OnnxGraph.attr;

import dev.edgeinfer.onnx.OnnxModel;
import dev.edgeinfer.onnx.proto.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts one {@link TfliteModel} to ONNX.
 *
 * <p>Layout: TFLite is channels-last (NHWC), ONNX's spatial operators are channels-first (NCHW).
 * Each 4-D tensor is kept in whichever layout its producer made it, and converted (one Transpose,
 * made at most once per tensor) only where a consumer needs the other layout; so a chain of
 * convolutions, activations, pools and additions runs in NCHW with transposes only at the model's
 * boundary. Constant operands are permuted at conversion time instead.
 *
 * <p>Quantization: computation happens in float; every int8/uint8 tensor with a scale becomes a
 * QuantizeLinear/DequantizeLinear pair with the same scale and zero point (per-axis for weights),
 * so ONNX Runtime can fuse the pattern into integer kernels, and rounding matches TFLite's.
 *
 * <p>The operator mappings live in {@link SpatialOperators}, {@link ElementwiseOperators} and
 * {@link TensorOperators}; this class dispatches to them and owns what they share: the ONNX value
 * of each tensor per layout, constants, quantization and messages.
 *
 * <p>Not thread-safe; one instance converts one model once.
 */
final class Converter {
  static final int[] TO_NCHW = {0, 3, 1, 2};
  static final int[] TO_NHWC = {0, 2, 3, 1};

  /** Where NHWC axis i sits in NCHW. */
  static final int[] NCHW_POSITION = {0, 2, 3, 1};

  enum Layout {
    NATIVE,
    NCHW
  }

  private final TfliteModel model;
  private final OnnxGraph graph = new OnnxGraph();
  final SpatialOperators spatial = new SpatialOperators(this, graph);
  final ElementwiseOperators elementwise = new ElementwiseOperators(this, graph);
  final TensorOperators tensors = new TensorOperators(this, graph);
  private final Map<Integer, String> nativeValues = new HashMap<>();
  private final Map<Integer, String> nchwValues = new HashMap<>();

  /** The integer (QuantizeLinear) value of each quantized activation, in its producer's layout. */
  private final Map<Integer, String> quantizedValues = new HashMap<>();

  /** Outputs of DEQUANTIZE on constants, which are constants themselves. */
  private final Map<Integer, Tensor> folded = new HashMap<>();

  private Operator current;

  Converter(TfliteModel model) {
    this.model = model;
  }

  OnnxModel convert() {
    for (Tensor t : model.tensors()) {
      graph.reserve(t.name());
    }
    for (int index : model.inputs()) {
      Tensor t = tensor(index);
      if (t.type() == TensorType.FLOAT16) {
        throw unsupported(
            "input '" + t.name() + "' is float16; only float16 weights are supported");
      }
      if (t.isQuantized()) {
        graph.input(t.name(), t.type().onnx, t.shape());
        nativeValues.put(index, dequantize(t.name(), t.quantization().orElseThrow(), t.type(), -1));
      } else {
        graph.input(t.name(), t.type().onnx, t.shape());
        nativeValues.put(index, t.name());
      }
    }
    for (Operator op : model.operators()) {
      current = op;
      try {
        convert(op);
      } catch (TfliteException e) {
        throw e;
      } catch (RuntimeException e) {
        // an index, axis or shape the file gets wrong: report it, never crash
        throw invalid("its inputs, outputs or options do not fit together (" + e + ")");
      }
    }
    current = null;
    for (int index : model.outputs()) {
      Tensor t = tensor(index);
      String name = t.name();
      if (Arrays.stream(model.inputs()).anyMatch(i -> i == index)) {
        name = graph.fresh(t.name() + "_output");
      }
      if (t.isQuantized() && quantizedValues.containsKey(index)) {
        // the integer tensor itself, so ONNX Runtime sees no Dequantize->Quantize pair to fold
        String quantized = quantizedValues.get(index);
        if (nchwValues.containsKey(index) && !nativeValues.containsKey(index)) {
          graph.node("Transpose", List.of(quantized), name, attr("perm", toLongs(TO_NHWC)));
        } else {
          graph.node("Identity", List.of(quantized), name);
        }
        graph.output(name, t.type().onnx, t.shape());
        continue;
      }
      String value = value(index, Layout.NATIVE);
      if (t.isQuantized()) {
        Quantization q = t.quantization().orElseThrow();
        graph.node(
            "QuantizeLinear", List.of(value, scaleOf(q, 0), zeroPointOf(q, 0, t.type())), name);
      } else {
        graph.node("Identity", List.of(value), name);
      }
      graph.output(name, t.type().onnx, t.shape());
    }
    return graph.build(model.description());
  }

  // ---- operators -------------------------------------------------------------------------

  private void convert(Operator op) {
    switch (op.builtinCode()) {
      case BuiltinOperator.CONV_2D -> spatial.conv(op, false);
      case BuiltinOperator.DEPTHWISE_CONV_2D -> spatial.conv(op, true);
      case BuiltinOperator.TRANSPOSE_CONV ->
          spatial.transposeConv(
              op,
              op.inputs()[2],
              op.inputs()[1],
              op.inputs().length > 3 ? op.inputs()[3] : -1,
              intOption(op, 0, 0),
              intOption(op, 1, 1),
              intOption(op, 2, 1),
              byteOption(op, 3));
      case BuiltinOperator.FULLY_CONNECTED -> spatial.fullyConnected(op);
      case BuiltinOperator.AVERAGE_POOL_2D -> spatial.pool(op, "AveragePool");
      case BuiltinOperator.MAX_POOL_2D -> spatial.pool(op, "MaxPool");
      case BuiltinOperator.ADD -> elementwise.binary(op, "Add", byteOption(op, 0));
      case BuiltinOperator.SUB -> elementwise.binary(op, "Sub", byteOption(op, 0));
      case BuiltinOperator.MUL -> elementwise.binary(op, "Mul", byteOption(op, 0));
      case BuiltinOperator.DIV -> elementwise.binary(op, "Div", byteOption(op, 0));
      case BuiltinOperator.MAXIMUM -> elementwise.binary(op, "Max", 0);
      case BuiltinOperator.MINIMUM -> elementwise.binary(op, "Min", 0);
      case BuiltinOperator.POW -> elementwise.binary(op, "Pow", 0);
      case BuiltinOperator.PRELU -> elementwise.binary(op, "PRelu", 0);
      case BuiltinOperator.SQUARED_DIFFERENCE -> elementwise.squaredDifference(op);
      case BuiltinOperator.LOGISTIC -> elementwise.unary(op, "Sigmoid");
      case BuiltinOperator.TANH -> elementwise.unary(op, "Tanh");
      case BuiltinOperator.RELU -> elementwise.unary(op, "Relu");
      case BuiltinOperator.RELU6 -> elementwise.clip(op, 0f, 6f);
      case BuiltinOperator.RELU_N1_TO_1 -> elementwise.clip(op, -1f, 1f);
      case BuiltinOperator.LEAKY_RELU ->
          elementwise.unary(op, "LeakyRelu", attr("alpha", floatOption(op, 0, 0.2f)));
      case BuiltinOperator.HARD_SWISH -> elementwise.unary(op, "HardSwish");
      case BuiltinOperator.ELU -> elementwise.unary(op, "Elu");
      case BuiltinOperator.EXP -> elementwise.unary(op, "Exp");
      case BuiltinOperator.LOG -> elementwise.unary(op, "Log");
      case BuiltinOperator.SQRT -> elementwise.unary(op, "Sqrt");
      case BuiltinOperator.NEG -> elementwise.unary(op, "Neg");
      case BuiltinOperator.ABS -> elementwise.unary(op, "Abs");
      case BuiltinOperator.FLOOR -> elementwise.unary(op, "Floor");
      case BuiltinOperator.CEIL -> elementwise.unary(op, "Ceil");
      case BuiltinOperator.ROUND -> elementwise.unary(op, "Round");
      case BuiltinOperator.RSQRT -> elementwise.rsqrt(op);
      case BuiltinOperator.SQUARE -> elementwise.square(op);
      case BuiltinOperator.GELU -> elementwise.gelu(op);
      case BuiltinOperator.QUANTIZE, BuiltinOperator.DEQUANTIZE, BuiltinOperator.DENSIFY ->
          passThrough(op);
      case BuiltinOperator.SHAPE -> tensors.shape(op);
      case BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM -> spatial.sequenceLstm(op);
      case BuiltinOperator.LOCAL_RESPONSE_NORMALIZATION -> spatial.localResponseNormalization(op);
      case BuiltinOperator.SPACE_TO_BATCH_ND -> spatial.spaceToBatch(op);
      case BuiltinOperator.BATCH_TO_SPACE_ND -> spatial.batchToSpace(op);
      case BuiltinOperator.MIRROR_PAD -> tensors.pad(op);
      case BuiltinOperator.LESS -> elementwise.binary(op, "Less", 0);
      case BuiltinOperator.GREATER -> elementwise.binary(op, "Greater", 0);
      case BuiltinOperator.LESS_EQUAL -> elementwise.binary(op, "LessOrEqual", 0);
      case BuiltinOperator.GREATER_EQUAL -> elementwise.binary(op, "GreaterOrEqual", 0);
      case BuiltinOperator.EQUAL -> elementwise.binary(op, "Equal", 0);
      case BuiltinOperator.NOT_EQUAL -> elementwise.notEqual(op);
      case BuiltinOperator.LOGICAL_AND -> elementwise.binary(op, "And", 0);
      case BuiltinOperator.LOGICAL_OR -> elementwise.binary(op, "Or", 0);
      case BuiltinOperator.LOGICAL_NOT -> elementwise.unary(op, "Not");
      case BuiltinOperator.SELECT, BuiltinOperator.SELECT_V2 -> elementwise.binary(op, "Where", 0);
      case BuiltinOperator.ADD_N -> elementwise.binary(op, "Sum", 0);
      case BuiltinOperator.FLOOR_DIV -> elementwise.floorDiv(op);
      case BuiltinOperator.SIN -> elementwise.unary(op, "Sin");
      case BuiltinOperator.COS -> elementwise.unary(op, "Cos");
      case BuiltinOperator.EMBEDDING_LOOKUP -> tensors.embeddingLookup(op);
      case BuiltinOperator.GATHER_ND -> tensors.gatherNd(op);
      case BuiltinOperator.REVERSE_V2 -> tensors.reverse(op);
      case BuiltinOperator.CUMSUM -> tensors.cumsum(op);
      case BuiltinOperator.BROADCAST_TO, BuiltinOperator.FILL -> tensors.expandTo(op);
      case BuiltinOperator.ZEROS_LIKE -> elementwise.zerosLike(op);
      case BuiltinOperator.TOPK_V2 -> tensors.topK(op);
      case BuiltinOperator.CAST -> elementwise.cast(op);
      case BuiltinOperator.RESHAPE, BuiltinOperator.SQUEEZE, BuiltinOperator.EXPAND_DIMS ->
          tensors.reshape(op);
      case BuiltinOperator.SOFTMAX -> elementwise.softmax(op, "Softmax");
      case BuiltinOperator.LOG_SOFTMAX -> elementwise.softmax(op, "LogSoftmax");
      case BuiltinOperator.CONCATENATION -> tensors.concatenation(op);
      case BuiltinOperator.PAD, BuiltinOperator.PADV2 -> tensors.pad(op);
      case BuiltinOperator.RESIZE_BILINEAR -> spatial.resize(op, true);
      case BuiltinOperator.RESIZE_NEAREST_NEIGHBOR -> spatial.resize(op, false);
      case BuiltinOperator.MEAN -> tensors.reduce(op, "ReduceMean");
      case BuiltinOperator.SUM -> tensors.reduce(op, "ReduceSum");
      case BuiltinOperator.REDUCE_MAX -> tensors.reduce(op, "ReduceMax");
      case BuiltinOperator.REDUCE_MIN -> tensors.reduce(op, "ReduceMin");
      case BuiltinOperator.REDUCE_PROD -> tensors.reduce(op, "ReduceProd");
      case BuiltinOperator.TRANSPOSE -> tensors.transpose(op);
      case BuiltinOperator.STRIDED_SLICE -> tensors.stridedSlice(op);
      case BuiltinOperator.SLICE -> tensors.slice(op);
      case BuiltinOperator.SPLIT ->
          tensors.split(op, op.inputs()[1], constantInts(op.inputs()[0], "axis")[0]);
      case BuiltinOperator.SPLIT_V ->
          tensors.split(op, op.inputs()[0], constantInts(op.inputs()[2], "axis")[0]);
      case BuiltinOperator.GATHER -> tensors.gather(op);
      case BuiltinOperator.BATCH_MATMUL -> spatial.batchMatMul(op);
      case BuiltinOperator.PACK -> tensors.pack(op);
      case BuiltinOperator.UNPACK -> tensors.unpack(op);
      case BuiltinOperator.TILE -> tensors.tile(op);
      case BuiltinOperator.ARG_MAX -> tensors.argReduce(op, "ArgMax");
      case BuiltinOperator.ARG_MIN -> tensors.argReduce(op, "ArgMin");
      case BuiltinOperator.DEPTH_TO_SPACE ->
          spatial.spatial(
              op,
              "DepthToSpace",
              attr("blocksize", (long) intOption(op, 0, 1)),
              attr("mode", "DCR"));
      case BuiltinOperator.SPACE_TO_DEPTH ->
          spatial.spatial(op, "SpaceToDepth", attr("blocksize", (long) intOption(op, 0, 1)));
      case BuiltinOperator.L2_NORMALIZATION -> spatial.l2Normalization(op);
      case BuiltinOperator.CUSTOM -> custom(op);
      default ->
          throw unsupported(
              "operator "
                  + op.displayName()
                  + " is not supported by the TFLite importer yet; supported: see docs/ARCHITECTURE.md");
    }
  }

  private void custom(Operator op) {
    String code = op.customCode().orElse("");
    if (code.equals("Convolution2DTransposeBias")) {
      // MediaPipe's transposed convolution with bias; options are TfLiteTransposeConvParams:
      // int32 padding (1 SAME, 2 VALID), stride_w, stride_h.
      ByteBuffer options = op.customOptions().duplicate().order(ByteOrder.LITTLE_ENDIAN);
      if (options.remaining() < 12) {
        throw invalid(
            "custom op '" + code + "' has " + options.remaining() + " option bytes, needs 12");
      }
      int padding = options.getInt(0) == 2 ? 1 : 0;
      spatial.transposeConv(
          op,
          op.inputs()[0],
          op.inputs()[1],
          op.inputs()[2],
          padding,
          options.getInt(4),
          options.getInt(8),
          0);
      return;
    }
    throw unsupported(
        "custom op '"
            + code
            + "' is not supported by the TFLite importer; it only maps"
            + " MediaPipe's Convolution2DTransposeBias");
  }

  private void passThrough(Operator op) {
    int input = op.inputs()[0];
    Tensor x = tensor(input);
    if (x.isConstant() && op.builtinCode() != BuiltinOperator.QUANTIZE) {
      // float16 or int8 weights: the output is the same constant, widened where it is used
      Tensor y = model.tensors().get(op.outputs()[0]);
      folded.put(
          y.index(),
          new Tensor(y.index(), y.name(), x.type(), x.shape(), x.data(), x.quantization()));
      return;
    }
    Layout layout = preferredLayout(input);
    define(op.outputs()[0], value(input, layout), layout);
  }

  String reshapeTo(String value, long[] shape) {
    return graph.node(
        "Reshape", List.of(value, graph.longs("shape", shape)), graph.fresh(value + "_reshaped"));
  }

  boolean hasNchw(int index) {
    return nchwValues.containsKey(index);
  }

  // ---- values, layouts and constants -------------------------------------------------------

  /** The ONNX value of a tensor in the given layout, transposing (once) when needed. */
  String value(int index, Layout layout) {
    Tensor t = tensor(index);
    if (t.rank() != 4) {
      layout = Layout.NATIVE;
    }
    Map<Integer, String> wanted = layout == Layout.NCHW ? nchwValues : nativeValues;
    String existing = wanted.get(index);
    if (existing != null) {
      return existing;
    }
    if (t.isConstant()) {
      String name = constant(t, layout == Layout.NCHW ? TO_NCHW : null);
      wanted.put(index, name);
      return name;
    }
    Map<Integer, String> other = layout == Layout.NCHW ? nativeValues : nchwValues;
    String source = other.get(index);
    if (source == null) {
      throw invalid("tensor '" + t.name() + "' is read before any operator writes it");
    }
    String name =
        graph.node(
            "Transpose",
            List.of(source),
            graph.fresh(t.name() + (layout == Layout.NCHW ? "_nchw" : "_nhwc")),
            attr("perm", toLongs(layout == Layout.NCHW ? TO_NCHW : TO_NHWC)));
    wanted.put(index, name);
    return name;
  }

  /** An operand of an elementwise op: constants of lower rank are broadcast-aligned first. */
  String operand(int index, Layout layout, int outputRank) {
    Tensor t = tensor(index);
    if (layout == Layout.NCHW && t.isConstant() && t.rank() < 4) {
      int[] shape = new int[4];
      Arrays.fill(shape, 1);
      System.arraycopy(t.shape(), 0, shape, 4 - t.rank(), t.rank());
      Tensor aligned =
          new Tensor(
              t.index(),
              t.name(),
              t.type(),
              shape,
              t.data(),
              t.quantization()
                  .map(q -> new Quantization(q.scales(), q.zeroPoints(), q.axis() + 4 - t.rank())));
      return constant(aligned, TO_NCHW);
    }
    return value(index, layout);
  }

  Layout preferredLayout(int index) {
    return nchwValues.containsKey(index) && !nativeValues.containsKey(index)
        ? Layout.NCHW
        : Layout.NATIVE;
  }

  /** NCHW when the output is 4-D and some 4-D non-constant input already is NCHW. */
  Layout elementwiseLayout(Operator op, Tensor y) {
    if (y.rank() != 4) {
      return Layout.NATIVE;
    }
    boolean anyNchw = false;
    for (int input : op.inputs()) {
      Tensor t = tensor(input);
      if (t.isConstant()) {
        continue;
      }
      if (t.rank() != 4) {
        return Layout.NATIVE;
      }
      anyNchw |= nchwValues.containsKey(input);
    }
    return anyNchw ? Layout.NCHW : Layout.NATIVE;
  }

  /**
   * Records the ONNX value computing a tensor; a quantized tensor gets a Quantize/Dequantize pair
   * with its scale and zero point, so its value carries TFLite's rounding.
   */
  void define(int index, String value, Layout layout) {
    Tensor t = tensor(index);
    String result = value;
    if (t.isQuantized()) {
      Quantization q = t.quantization().orElseThrow();
      if (q.perAxis()) {
        throw unsupported("activation '" + t.name() + "' is quantized per axis");
      }
      if (t.type() == TensorType.INT16) {
        throw unsupported("tensor '" + t.name() + "' is int16-quantized (16x8); use int8 or float");
      }
      String quantized =
          graph.node(
              "QuantizeLinear",
              List.of(value, scaleOf(q, 0), zeroPointOf(q, 0, t.type())),
              graph.fresh(t.name() + "_q"));
      quantizedValues.put(index, quantized);
      result = dequantize(quantized, q, t.type(), -1);
    }
    (layout == Layout.NCHW && t.rank() == 4 ? nchwValues : nativeValues).put(index, result);
  }

  private String dequantize(String quantized, Quantization q, TensorType type, int axis) {
    if (q.perAxis()) {
      return graph.node(
          "DequantizeLinear",
          List.of(
              quantized, graph.floats("scale", q.scales(), q.scales().length), zeroPoints(q, type)),
          graph.fresh(quantized + "_dq"),
          attr("axis", (long) axis));
    }
    return graph.node(
        "DequantizeLinear",
        List.of(quantized, scaleOf(q, 0), zeroPointOf(q, 0, type)),
        graph.fresh(quantized + "_dq"));
  }

  private String scaleOf(Quantization q, int i) {
    return graph.floats("scale", new float[] {q.scales()[i]});
  }

  private String zeroPointOf(Quantization q, int i, TensorType type) {
    return switch (type) {
      case INT8 ->
          graph.initializer("zero_point", DataType.INT8, new byte[] {(byte) q.zeroPoints()[i]});
      case UINT8 ->
          graph.initializer("zero_point", DataType.UINT8, new byte[] {(byte) q.zeroPoints()[i]});
      case INT32 -> {
        ByteBuffer raw =
            ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, (int) q.zeroPoints()[i]);
        yield graph.initializer("zero_point", DataType.INT32, raw.array());
      }
      default -> throw unsupported("quantized tensors of type " + type + " are not supported");
    };
  }

  private String zeroPoints(Quantization q, TensorType type) {
    int n = q.scales().length;
    return switch (type) {
      case INT8, UINT8 -> {
        byte[] raw = new byte[n];
        for (int i = 0; i < n; i++) {
          raw[i] = (byte) q.zeroPoints()[i];
        }
        yield graph.initializer("zero_point", type.onnx, raw, n);
      }
      case INT32 -> {
        ByteBuffer raw = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
          raw.putInt(4 * i, (int) q.zeroPoints()[i]);
        }
        yield graph.initializer("zero_point", DataType.INT32, raw.array(), n);
      }
      default -> throw unsupported("quantized tensors of type " + type + " are not supported");
    };
  }

  /**
   * A constant tensor as an initializer, its axes permuted by {@code perm} (null: as stored).
   * Quantized constants stay integer behind a DequantizeLinear (per-axis where TFLite has it);
   * float16 constants become float32.
   */
  String constant(Tensor t, int[] perm) {
    if (!t.isConstant()) {
      return value(t.index(), perm == TO_NCHW ? Layout.NCHW : Layout.NATIVE);
    }
    int[] shape = t.shape();
    byte[] raw = new byte[(int) (t.elementCount() * Math.max(t.type().bytes, 1))];
    t.data().orElseThrow().duplicate().get(0, raw);
    TensorType type = t.type();
    if (type == TensorType.FLOAT16) {
      float[] values = t.floatValues();
      ByteBuffer f = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
      f.asFloatBuffer().put(values);
      raw = f.array();
      type = TensorType.FLOAT32;
    }
    if (type.bytes == 0) {
      throw unsupported("constant '" + t.name() + "' has element type " + type);
    }
    int axis = t.quantization().map(Quantization::axis).orElse(0);
    if (perm != null && shape.length == perm.length) {
      raw = permute(raw, type.bytes, shape, perm);
      int[] permuted = new int[shape.length];
      int movedAxis = axis;
      for (int i = 0; i < perm.length; i++) {
        permuted[i] = shape[perm[i]];
        if (perm[i] == axis) {
          movedAxis = i;
        }
      }
      axis = movedAxis;
      shape = permuted;
    } else if (perm != null && perm != TO_NCHW) {
      throw invalid(
          "constant '" + t.name() + "' has rank " + shape.length + ", expected " + perm.length);
    }
    long[] dims = toLongs(shape);
    boolean quantized =
        t.quantization().isPresent()
            && (type.isQuantizedInteger() || type == TensorType.INT32)
            && t.quantization().get().scales().length > 0
            && !isIntegerData(t);
    String name = graph.initializer(t.name(), type.onnx, raw, dims);
    if (quantized) {
      Quantization q = t.quantization().get();
      if (q.perAxis() && q.scales().length != shape[axis]) {
        throw invalid(
            "constant '"
                + t.name()
                + "' has "
                + q.scales().length
                + " scales for "
                + shape[axis]
                + " channels");
      }
      if (type == TensorType.INT16) {
        throw unsupported(
            "constant '" + t.name() + "' is int16-quantized (16x8); use int8 or float");
      }
      return dequantize(name, q, type, axis);
    }
    return name;
  }

  /** int32 tensors with a scale are biases; int32 shape/axis operands carry no scale. */
  private static boolean isIntegerData(Tensor t) {
    return t.type() == TensorType.INT32
        && t.quantization().map(q -> q.scales()[0] == 0f).orElse(true);
  }

  private static byte[] permute(byte[] raw, int elementBytes, int[] shape, int[] perm) {
    int rank = shape.length;
    int[] strides = new int[rank];
    int stride = 1;
    for (int i = rank - 1; i >= 0; i--) {
      strides[i] = stride;
      stride *= shape[i];
    }
    int[] outShape = new int[rank];
    int[] inStrideForOut = new int[rank];
    for (int i = 0; i < rank; i++) {
      outShape[i] = shape[perm[i]];
      inStrideForOut[i] = strides[perm[i]];
    }
    byte[] out = new byte[raw.length];
    int[] counter = new int[rank];
    int total = stride;
    for (int o = 0; o < total; o++) {
      int in = 0;
      for (int i = 0; i < rank; i++) {
        in += counter[i] * inStrideForOut[i];
      }
      System.arraycopy(raw, in * elementBytes, out, o * elementBytes, elementBytes);
      for (int i = rank - 1; i >= 0; i--) {
        if (++counter[i] < outShape[i]) {
          break;
        }
        counter[i] = 0;
      }
    }
    return out;
  }

  String activate(String value, int activation) {
    return switch (activation) {
      case 0 -> value;
      case 1 -> graph.apply("Relu", value);
      case 2 ->
          graph.node(
              "Clip",
              List.of(value, graph.scalar("clip_min", -1f), graph.scalar("clip_max", 1f)),
              graph.fresh(value + "_relu1"));
      case 3 ->
          graph.node(
              "Clip",
              List.of(value, graph.scalar("clip_min", 0f), graph.scalar("clip_max", 6f)),
              graph.fresh(value + "_relu6"));
      case 4 -> graph.apply("Tanh", value);
      default ->
          throw unsupported("fused activation " + activation + " (SIGN_BIT) is not supported");
    };
  }

  String reshapeTo(String value, int[] shape) {
    return graph.node(
        "Reshape",
        List.of(value, graph.longs("shape", toLongs(shape))),
        graph.fresh(value + "_reshaped"));
  }

  // ---- option and tensor access ---------------------------------------------------------------

  Tensor tensor(int index) {
    if (index < 0) {
      throw invalid("an operator input that is required is left out (-1)");
    }
    return folded.getOrDefault(index, model.tensors().get(index));
  }

  long[] constantInts(int index, String what) {
    Tensor t = tensor(index);
    if (!t.isConstant()) {
      throw unsupported(
          "its "
              + what
              + " input '"
              + t.name()
              + "' is computed at run time; only constant "
              + what
              + " is supported");
    }
    return t.longValues();
  }

  static float[] realValues(Tensor t) {
    float[] values = t.floatValues();
    if (t.isQuantized()) {
      Quantization q = t.quantization().orElseThrow();
      for (int i = 0; i < values.length; i++) {
        values[i] = q.scales()[0] * (values[i] - q.zeroPoints()[0]);
      }
    }
    return values;
  }

  DataType valueType(Tensor t) {
    return t.isQuantized() ? DataType.FLOAT : t.type().onnx;
  }

  void requireConstant(Tensor t, String what) {
    if (!t.isConstant()) {
      throw unsupported(
          "its "
              + what
              + " '"
              + t.name()
              + "' is computed at run time; only constant "
              + what
              + "s are supported");
    }
  }

  void requireRank(Tensor t, int rank) {
    if (t.rank() != rank) {
      throw unsupported("its input '" + t.name() + "' has rank " + t.rank() + ", expected " + rank);
    }
  }

  static int intOption(Operator op, int field, int fallback) {
    return op.options().map(o -> o.int32(field, fallback)).orElse(fallback);
  }

  static int byteOption(Operator op, int field) {
    return op.options().map(o -> o.int8(field, 0)).orElse(0);
  }

  static boolean boolOption(Operator op, int field) {
    return op.options().map(o -> o.bool(field)).orElse(false);
  }

  static float floatOption(Operator op, int field, float fallback) {
    return op.options().map(o -> o.float32(field, fallback)).orElse(fallback);
  }

  static long[] toLongs(int[] values) {
    return Arrays.stream(values).asLongStream().toArray();
  }

  TfliteException unsupported(String message) {
    return new TfliteException(TfliteException.Code.UNSUPPORTED, where() + message);
  }

  TfliteException invalid(String message) {
    return new TfliteException(TfliteException.Code.INVALID_MODEL, where() + message);
  }

  private String where() {
    return current == null
        ? "cannot convert " + model.source() + ": "
        : "cannot convert "
            + model.source()
            + ", operator "
            + current.index()
            + " ("
            + current.displayName()
            + "): ";
  }
}
