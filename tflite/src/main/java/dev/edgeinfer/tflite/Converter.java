package dev.edgeinfer.tflite;

import static dev.edgeinfer.tflite.OnnxGraph.attr;

import dev.edgeinfer.onnx.OnnxModel;
import dev.edgeinfer.onnx.proto.AttributeProto;
import dev.edgeinfer.onnx.proto.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
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
 * <p>Not thread-safe; one instance converts one model once.
 */
final class Converter {
  private static final int[] TO_NCHW = {0, 3, 1, 2};
  private static final int[] TO_NHWC = {0, 2, 3, 1};

  /** Where NHWC axis i sits in NCHW. */
  private static final int[] NCHW_POSITION = {0, 2, 3, 1};

  enum Layout {
    NATIVE,
    NCHW
  }

  private final TfliteModel model;
  private final OnnxGraph graph = new OnnxGraph();
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
      case BuiltinOperator.CONV_2D -> conv(op, false);
      case BuiltinOperator.DEPTHWISE_CONV_2D -> conv(op, true);
      case BuiltinOperator.TRANSPOSE_CONV ->
          transposeConv(
              op,
              op.inputs()[2],
              op.inputs()[1],
              op.inputs().length > 3 ? op.inputs()[3] : -1,
              intOption(op, 0, 0),
              intOption(op, 1, 1),
              intOption(op, 2, 1),
              byteOption(op, 3));
      case BuiltinOperator.FULLY_CONNECTED -> fullyConnected(op);
      case BuiltinOperator.AVERAGE_POOL_2D -> pool(op, "AveragePool");
      case BuiltinOperator.MAX_POOL_2D -> pool(op, "MaxPool");
      case BuiltinOperator.ADD -> binary(op, "Add", byteOption(op, 0));
      case BuiltinOperator.SUB -> binary(op, "Sub", byteOption(op, 0));
      case BuiltinOperator.MUL -> binary(op, "Mul", byteOption(op, 0));
      case BuiltinOperator.DIV -> binary(op, "Div", byteOption(op, 0));
      case BuiltinOperator.MAXIMUM -> binary(op, "Max", 0);
      case BuiltinOperator.MINIMUM -> binary(op, "Min", 0);
      case BuiltinOperator.POW -> binary(op, "Pow", 0);
      case BuiltinOperator.PRELU -> binary(op, "PRelu", 0);
      case BuiltinOperator.SQUARED_DIFFERENCE -> squaredDifference(op);
      case BuiltinOperator.LOGISTIC -> unary(op, "Sigmoid");
      case BuiltinOperator.TANH -> unary(op, "Tanh");
      case BuiltinOperator.RELU -> unary(op, "Relu");
      case BuiltinOperator.RELU6 -> clip(op, 0f, 6f);
      case BuiltinOperator.RELU_N1_TO_1 -> clip(op, -1f, 1f);
      case BuiltinOperator.LEAKY_RELU ->
          unary(op, "LeakyRelu", attr("alpha", floatOption(op, 0, 0.2f)));
      case BuiltinOperator.HARD_SWISH -> unary(op, "HardSwish");
      case BuiltinOperator.ELU -> unary(op, "Elu");
      case BuiltinOperator.EXP -> unary(op, "Exp");
      case BuiltinOperator.LOG -> unary(op, "Log");
      case BuiltinOperator.SQRT -> unary(op, "Sqrt");
      case BuiltinOperator.NEG -> unary(op, "Neg");
      case BuiltinOperator.ABS -> unary(op, "Abs");
      case BuiltinOperator.FLOOR -> unary(op, "Floor");
      case BuiltinOperator.CEIL -> unary(op, "Ceil");
      case BuiltinOperator.ROUND -> unary(op, "Round");
      case BuiltinOperator.RSQRT -> rsqrt(op);
      case BuiltinOperator.SQUARE -> square(op);
      case BuiltinOperator.GELU -> gelu(op);
      case BuiltinOperator.QUANTIZE, BuiltinOperator.DEQUANTIZE, BuiltinOperator.DENSIFY ->
          passThrough(op);
      case BuiltinOperator.SHAPE -> shape(op);
      case BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM -> sequenceLstm(op);
      case BuiltinOperator.LOCAL_RESPONSE_NORMALIZATION -> localResponseNormalization(op);
      case BuiltinOperator.SPACE_TO_BATCH_ND -> spaceToBatch(op);
      case BuiltinOperator.BATCH_TO_SPACE_ND -> batchToSpace(op);
      case BuiltinOperator.MIRROR_PAD -> pad(op);
      case BuiltinOperator.LESS -> binary(op, "Less", 0);
      case BuiltinOperator.GREATER -> binary(op, "Greater", 0);
      case BuiltinOperator.LESS_EQUAL -> binary(op, "LessOrEqual", 0);
      case BuiltinOperator.GREATER_EQUAL -> binary(op, "GreaterOrEqual", 0);
      case BuiltinOperator.EQUAL -> binary(op, "Equal", 0);
      case BuiltinOperator.NOT_EQUAL -> notEqual(op);
      case BuiltinOperator.LOGICAL_AND -> binary(op, "And", 0);
      case BuiltinOperator.LOGICAL_OR -> binary(op, "Or", 0);
      case BuiltinOperator.LOGICAL_NOT -> unary(op, "Not");
      case BuiltinOperator.SELECT, BuiltinOperator.SELECT_V2 -> binary(op, "Where", 0);
      case BuiltinOperator.ADD_N -> binary(op, "Sum", 0);
      case BuiltinOperator.FLOOR_DIV -> floorDiv(op);
      case BuiltinOperator.SIN -> unary(op, "Sin");
      case BuiltinOperator.COS -> unary(op, "Cos");
      case BuiltinOperator.EMBEDDING_LOOKUP -> embeddingLookup(op);
      case BuiltinOperator.GATHER_ND -> gatherNd(op);
      case BuiltinOperator.REVERSE_V2 -> reverse(op);
      case BuiltinOperator.CUMSUM -> cumsum(op);
      case BuiltinOperator.BROADCAST_TO, BuiltinOperator.FILL -> expandTo(op);
      case BuiltinOperator.ZEROS_LIKE -> zerosLike(op);
      case BuiltinOperator.TOPK_V2 -> topK(op);
      case BuiltinOperator.CAST -> cast(op);
      case BuiltinOperator.RESHAPE, BuiltinOperator.SQUEEZE, BuiltinOperator.EXPAND_DIMS ->
          reshape(op);
      case BuiltinOperator.SOFTMAX -> softmax(op, "Softmax");
      case BuiltinOperator.LOG_SOFTMAX -> softmax(op, "LogSoftmax");
      case BuiltinOperator.CONCATENATION -> concatenation(op);
      case BuiltinOperator.PAD, BuiltinOperator.PADV2 -> pad(op);
      case BuiltinOperator.RESIZE_BILINEAR -> resize(op, true);
      case BuiltinOperator.RESIZE_NEAREST_NEIGHBOR -> resize(op, false);
      case BuiltinOperator.MEAN -> reduce(op, "ReduceMean");
      case BuiltinOperator.SUM -> reduce(op, "ReduceSum");
      case BuiltinOperator.REDUCE_MAX -> reduce(op, "ReduceMax");
      case BuiltinOperator.REDUCE_MIN -> reduce(op, "ReduceMin");
      case BuiltinOperator.REDUCE_PROD -> reduce(op, "ReduceProd");
      case BuiltinOperator.TRANSPOSE -> transpose(op);
      case BuiltinOperator.STRIDED_SLICE -> stridedSlice(op);
      case BuiltinOperator.SLICE -> slice(op);
      case BuiltinOperator.SPLIT ->
          split(op, op.inputs()[1], constantInts(op.inputs()[0], "axis")[0]);
      case BuiltinOperator.SPLIT_V ->
          split(op, op.inputs()[0], constantInts(op.inputs()[2], "axis")[0]);
      case BuiltinOperator.GATHER -> gather(op);
      case BuiltinOperator.BATCH_MATMUL -> batchMatMul(op);
      case BuiltinOperator.PACK -> pack(op);
      case BuiltinOperator.UNPACK -> unpack(op);
      case BuiltinOperator.TILE -> tile(op);
      case BuiltinOperator.ARG_MAX -> argReduce(op, "ArgMax");
      case BuiltinOperator.ARG_MIN -> argReduce(op, "ArgMin");
      case BuiltinOperator.DEPTH_TO_SPACE ->
          spatial(
              op,
              "DepthToSpace",
              attr("blocksize", (long) intOption(op, 0, 1)),
              attr("mode", "DCR"));
      case BuiltinOperator.SPACE_TO_DEPTH ->
          spatial(op, "SpaceToDepth", attr("blocksize", (long) intOption(op, 0, 1)));
      case BuiltinOperator.L2_NORMALIZATION -> l2Normalization(op);
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
      transposeConv(
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

  private void conv(Operator op, boolean depthwise) {
    Tensor x = tensor(op.inputs()[0]);
    Tensor w = tensor(op.inputs()[1]);
    requireRank(x, 4);
    requireConstant(w, "filter");
    int[] xs = x.shape();
    int[] ws = w.shape();
    int strideW = intOption(op, 1, 1);
    int strideH = intOption(op, 2, 1);
    int activation = depthwise ? byteOption(op, 4) : byteOption(op, 3);
    int dilationW = intOption(op, depthwise ? 5 : 4, 1);
    int dilationH = intOption(op, depthwise ? 6 : 5, 1);
    int padding = byteOption(op, 0);
    int outChannels;
    long group;
    String weights;
    if (depthwise) {
      outChannels = ws[3];
      group = xs[3];
      weights = constant(w, new int[] {3, 0, 1, 2});
    } else {
      outChannels = ws[0];
      if (ws[3] == 0 || xs[3] % ws[3] != 0) {
        throw invalid("CONV_2D filter has " + ws[3] + " input channels for an input of " + xs[3]);
      }
      group = xs[3] / ws[3];
      weights = constant(w, TO_NCHW);
    }
    int kh = ws[1];
    int kw = ws[2];
    long[] pads = new long[4];
    spatialPads(padding, xs[1], kh, strideH, dilationH, pads, 0);
    spatialPads(padding, xs[2], kw, strideW, dilationW, pads, 1);
    List<String> inputs = new ArrayList<>(List.of(value(x.index(), Layout.NCHW), weights));
    int bias = op.inputs().length > 2 ? op.inputs()[2] : -1;
    if (bias >= 0) {
      inputs.add(constant(tensor(bias), null));
    }
    String out =
        graph.node(
            "Conv",
            inputs,
            graph.fresh(tensor(op.outputs()[0]).name() + "_conv"),
            attr("kernel_shape", kh, kw),
            attr("strides", strideH, strideW),
            attr("dilations", dilationH, dilationW),
            attr("pads", pads),
            attr("group", group));
    if (outChannels <= 0) {
      throw invalid("convolution filter has no output channels");
    }
    define(op.outputs()[0], activate(out, activation), Layout.NCHW);
  }

  private void transposeConv(
      Operator op,
      int input,
      int filter,
      int bias,
      int padding,
      int strideW,
      int strideH,
      int activation) {
    Tensor x = tensor(input);
    Tensor w = tensor(filter);
    Tensor y = tensor(op.outputs()[0]);
    requireRank(x, 4);
    requireConstant(w, "filter");
    int kh = w.shape()[1];
    int kw = w.shape()[2];
    long[] pads = new long[4];
    long[] outputPadding = new long[2];
    transposePads(padding, x.shape()[1], y.shape()[1], kh, strideH, pads, outputPadding, 0);
    transposePads(padding, x.shape()[2], y.shape()[2], kw, strideW, pads, outputPadding, 1);
    List<String> inputs =
        new ArrayList<>(List.of(value(input, Layout.NCHW), constant(w, new int[] {3, 0, 1, 2})));
    if (bias >= 0) {
      inputs.add(constant(tensor(bias), null));
    }
    String out =
        graph.node(
            "ConvTranspose",
            inputs,
            graph.fresh(y.name() + "_deconv"),
            attr("kernel_shape", kh, kw),
            attr("strides", strideH, strideW),
            attr("pads", pads),
            attr("output_padding", outputPadding));
    define(op.outputs()[0], activate(out, activation), Layout.NCHW);
  }

  private void fullyConnected(Operator op) {
    Tensor x = tensor(op.inputs()[0]);
    Tensor w = tensor(op.inputs()[1]);
    Tensor y = tensor(op.outputs()[0]);
    boolean keepDims = boolOption(op, 2);
    if (byteOption(op, 1) != 0) {
      throw unsupported(
          "FULLY_CONNECTED with shuffled (SHUFFLED4x16INT8) weights is not supported");
    }
    int inFeatures = w.shape()[1];
    String in = value(x.index(), Layout.NATIVE);
    if (x.rank() != 2 && !keepDims) {
      in =
          graph.node(
              "Reshape",
              List.of(in, graph.longs("fc_shape", -1, inFeatures)),
              graph.fresh(in + "_2d"));
    }
    String weights;
    if (w.isConstant()) {
      weights = constant(w, new int[] {1, 0});
    } else {
      weights = graph.apply("Transpose", value(w.index(), Layout.NATIVE), attr("perm", 1L, 0L));
    }
    String out = graph.node("MatMul", List.of(in, weights), graph.fresh(y.name() + "_matmul"));
    int bias = op.inputs().length > 2 ? op.inputs()[2] : -1;
    if (bias >= 0) {
      out =
          graph.node(
              "Add", List.of(out, value(bias, Layout.NATIVE)), graph.fresh(y.name() + "_bias"));
    }
    out = activate(out, byteOption(op, 0));
    if (!keepDims && y.rank() != 2) {
      out = reshapeTo(out, y.shape());
    }
    define(op.outputs()[0], out, Layout.NATIVE);
  }

  private void pool(Operator op, String onnxOp) {
    Tensor x = tensor(op.inputs()[0]);
    requireRank(x, 4);
    int padding = byteOption(op, 0);
    int strideW = intOption(op, 1, 1);
    int strideH = intOption(op, 2, 1);
    int kw = intOption(op, 3, 1);
    int kh = intOption(op, 4, 1);
    long[] pads = new long[4];
    spatialPads(padding, x.shape()[1], kh, strideH, 1, pads, 0);
    spatialPads(padding, x.shape()[2], kw, strideW, 1, pads, 1);
    String out =
        graph.node(
            onnxOp,
            List.of(value(x.index(), Layout.NCHW)),
            graph.fresh(tensor(op.outputs()[0]).name() + "_pool"),
            attr("kernel_shape", kh, kw),
            attr("strides", strideH, strideW),
            attr("pads", pads));
    define(op.outputs()[0], activate(out, byteOption(op, 5)), Layout.NCHW);
  }

  private void spatial(Operator op, String onnxOp, AttributeProto... attributes) {
    Tensor x = tensor(op.inputs()[0]);
    requireRank(x, 4);
    String out =
        graph.node(
            onnxOp,
            List.of(value(x.index(), Layout.NCHW)),
            graph.fresh(tensor(op.outputs()[0]).name() + "_" + onnxOp),
            attributes);
    define(op.outputs()[0], out, Layout.NCHW);
  }

  private void binary(Operator op, String onnxOp, int activation) {
    Tensor y = tensor(op.outputs()[0]);
    Layout layout = elementwiseLayout(op, y);
    List<String> inputs = new ArrayList<>();
    for (int input : op.inputs()) {
      inputs.add(operand(input, layout, y.rank()));
    }
    String out = graph.node(onnxOp, inputs, graph.fresh(y.name() + "_" + onnxOp));
    define(op.outputs()[0], activate(out, activation), layout);
  }

  private void squaredDifference(Operator op) {
    Tensor y = tensor(op.outputs()[0]);
    Layout layout = elementwiseLayout(op, y);
    String a = operand(op.inputs()[0], layout, y.rank());
    String b = operand(op.inputs()[1], layout, y.rank());
    String diff = graph.node("Sub", List.of(a, b), graph.fresh(y.name() + "_diff"));
    define(
        op.outputs()[0],
        graph.node("Mul", List.of(diff, diff), graph.fresh(y.name() + "_sq")),
        layout);
  }

  private void unary(Operator op, String onnxOp, AttributeProto... attributes) {
    int input = op.inputs()[0];
    Layout layout = preferredLayout(input);
    String out =
        graph.node(
            onnxOp,
            List.of(value(input, layout)),
            graph.fresh(tensor(op.outputs()[0]).name() + "_" + onnxOp),
            attributes);
    define(op.outputs()[0], out, layout);
  }

  private void clip(Operator op, float min, float max) {
    int input = op.inputs()[0];
    Layout layout = preferredLayout(input);
    String out =
        graph.node(
            "Clip",
            List.of(
                value(input, layout), graph.scalar("clip_min", min), graph.scalar("clip_max", max)),
            graph.fresh(tensor(op.outputs()[0]).name() + "_clip"));
    define(op.outputs()[0], out, layout);
  }

  private void rsqrt(Operator op) {
    int input = op.inputs()[0];
    Layout layout = preferredLayout(input);
    String root = graph.apply("Sqrt", value(input, layout));
    define(op.outputs()[0], graph.apply("Reciprocal", root), layout);
  }

  private void square(Operator op) {
    int input = op.inputs()[0];
    Layout layout = preferredLayout(input);
    String x = value(input, layout);
    define(op.outputs()[0], graph.node("Mul", List.of(x, x), graph.fresh(x + "_square")), layout);
  }

  private void gelu(Operator op) {
    int input = op.inputs()[0];
    Layout layout = preferredLayout(input);
    String x = value(input, layout);
    String inner;
    if (boolOption(op, 0)) {
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      String cube =
          graph.node(
              "Mul",
              List.of(x, graph.node("Mul", List.of(x, x), graph.fresh(x + "_x2"))),
              graph.fresh(x + "_x3"));
      String sum =
          graph.node(
              "Add",
              List.of(
                  x,
                  graph.node(
                      "Mul",
                      List.of(cube, graph.scalar("gelu_c", 0.044715f)),
                      graph.fresh(x + "_cx3"))),
              graph.fresh(x + "_sum"));
      inner =
          graph.apply(
              "Tanh",
              graph.node(
                  "Mul",
                  List.of(sum, graph.scalar("gelu_k", (float) Math.sqrt(2 / Math.PI))),
                  graph.fresh(x + "_ks")));
    } else {
      inner =
          graph.apply(
              "Erf",
              graph.node(
                  "Mul",
                  List.of(x, graph.scalar("gelu_r", (float) (1 / Math.sqrt(2)))),
                  graph.fresh(x + "_xr")));
    }
    String onePlus =
        graph.node("Add", List.of(inner, graph.scalar("one", 1f)), graph.fresh(x + "_1p"));
    String half =
        graph.node("Mul", List.of(x, graph.scalar("half", 0.5f)), graph.fresh(x + "_half"));
    define(
        op.outputs()[0],
        graph.node("Mul", List.of(half, onePlus), graph.fresh(x + "_gelu")),
        layout);
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

  private void cast(Operator op) {
    Tensor y = tensor(op.outputs()[0]);
    int input = op.inputs()[0];
    Layout layout = preferredLayout(input);
    String out =
        graph.apply("Cast", value(input, layout), attr("to", (long) valueType(y).getNumber()));
    define(op.outputs()[0], out, layout);
  }

  private void reshape(Operator op) {
    Tensor y = tensor(op.outputs()[0]);
    define(
        op.outputs()[0], reshapeTo(value(op.inputs()[0], Layout.NATIVE), y.shape()), Layout.NATIVE);
  }

  private void softmax(Operator op, String onnxOp) {
    Tensor x = tensor(op.inputs()[0]);
    Layout layout = preferredLayout(x.index());
    String in = value(x.index(), layout);
    float beta = op.builtinCode() == BuiltinOperator.SOFTMAX ? floatOption(op, 0, 1f) : 1f;
    if (beta != 1f) {
      in = graph.node("Mul", List.of(in, graph.scalar("beta", beta)), graph.fresh(in + "_beta"));
    }
    long axis = layout == Layout.NCHW ? 1 : -1;
    define(op.outputs()[0], graph.apply(onnxOp, in, attr("axis", axis)), layout);
  }

  private void concatenation(Operator op) {
    Tensor y = tensor(op.outputs()[0]);
    int axis = intOption(op, 0, 0);
    if (axis < 0) {
      axis += y.rank();
    }
    Layout layout = elementwiseLayout(op, y);
    List<String> inputs = new ArrayList<>();
    for (int input : op.inputs()) {
      inputs.add(operand(input, layout, y.rank()));
    }
    long onnxAxis = layout == Layout.NCHW ? NCHW_POSITION[axis] : axis;
    String out =
        graph.node("Concat", inputs, graph.fresh(y.name() + "_concat"), attr("axis", onnxAxis));
    define(op.outputs()[0], activate(out, byteOption(op, 1)), layout);
  }

  private void pad(Operator op) {
    Tensor x = tensor(op.inputs()[0]);
    long[] paddings = constantInts(op.inputs()[1], "paddings");
    int rank = x.rank();
    Layout layout = rank == 4 ? preferredLayout(x.index()) : Layout.NATIVE;
    long[] pads = new long[2 * rank];
    for (int axis = 0; axis < rank; axis++) {
      int target = layout == Layout.NCHW ? NCHW_POSITION[axis] : axis;
      pads[target] = paddings[2 * axis];
      pads[rank + target] = paddings[2 * axis + 1];
    }
    List<String> inputs =
        new ArrayList<>(List.of(value(x.index(), layout), graph.longs("pads", pads)));
    if (op.builtinCode() == BuiltinOperator.PADV2 && op.inputs().length > 2) {
      Tensor padValue = tensor(op.inputs()[2]);
      requireConstant(padValue, "constant value");
      inputs.add(graph.scalar("pad_value", realValues(padValue)[0]));
    }
    List<AttributeProto> mode = new ArrayList<>();
    if (op.builtinCode() == BuiltinOperator.MIRROR_PAD) {
      if (byteOption(op, 0) != 0) {
        throw unsupported("MIRROR_PAD in SYMMETRIC mode has no ONNX equivalent; only REFLECT");
      }
      mode.add(attr("mode", "reflect"));
    }
    define(
        op.outputs()[0],
        graph.node(
            "Pad", inputs, graph.fresh(x.name() + "_pad"), mode.toArray(AttributeProto[]::new)),
        layout);
  }

  private void resize(Operator op, boolean bilinear) {
    Tensor x = tensor(op.inputs()[0]);
    Tensor y = tensor(op.outputs()[0]);
    requireRank(x, 4);
    boolean alignCorners = boolOption(op, bilinear ? 2 : 0);
    boolean halfPixel = boolOption(op, bilinear ? 3 : 1);
    String transform;
    String nearest = "floor";
    if (alignCorners) {
      transform = "align_corners";
      nearest = "round_prefer_ceil";
    } else if (halfPixel) {
      transform = bilinear ? "half_pixel" : "tf_half_pixel_for_nn";
    } else {
      transform = "asymmetric";
    }
    String sizes = graph.longs("sizes", y.shape()[0], y.shape()[3], y.shape()[1], y.shape()[2]);
    List<AttributeProto> attributes =
        new ArrayList<>(
            List.of(
                attr("mode", bilinear ? "linear" : "nearest"),
                attr("coordinate_transformation_mode", transform)));
    if (!bilinear) {
      attributes.add(attr("nearest_mode", nearest));
    }
    String out =
        graph.node(
            "Resize",
            List.of(value(x.index(), Layout.NCHW), "", "", sizes),
            graph.fresh(y.name() + "_resize"),
            attributes.toArray(AttributeProto[]::new));
    define(op.outputs()[0], out, Layout.NCHW);
  }

  private void reduce(Operator op, String onnxOp) {
    Tensor x = tensor(op.inputs()[0]);
    long[] axes = constantInts(op.inputs()[1], "axes");
    boolean keepDims = boolOption(op, 0);
    int rank = x.rank();
    boolean[] reduced = new boolean[rank];
    for (long axis : axes) {
      reduced[(int) (axis < 0 ? axis + rank : axis)] = true;
    }
    Layout layout = Layout.NATIVE;
    if (rank == 4 && nchwValues.containsKey(x.index())) {
      boolean ordered = true;
      int last = -1;
      for (int position = 0; position < 4; position++) {
        int nhwcAxis = TO_NCHW[position];
        if (!reduced[nhwcAxis]) {
          ordered &= nhwcAxis > last;
          last = nhwcAxis;
        }
      }
      if (keepDims || ordered) {
        layout = Layout.NCHW;
      }
    }
    long[] onnxAxes = new long[axes.length];
    for (int i = 0; i < axes.length; i++) {
      int axis = (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
      onnxAxes[i] = layout == Layout.NCHW ? NCHW_POSITION[axis] : axis;
    }
    Arrays.sort(onnxAxes);
    String in = value(x.index(), layout);
    String out;
    if (onnxOp.equals("ReduceSum")) {
      out =
          graph.node(
              onnxOp,
              List.of(in, graph.longs("axes", onnxAxes)),
              graph.fresh(in + "_sum"),
              attr("keepdims", keepDims ? 1L : 0L));
    } else {
      out = graph.apply(onnxOp, in, attr("axes", onnxAxes), attr("keepdims", keepDims ? 1L : 0L));
    }
    Tensor y = tensor(op.outputs()[0]);
    define(op.outputs()[0], out, y.rank() == 4 ? layout : Layout.NATIVE);
  }

  private void transpose(Operator op) {
    long[] perm = constantInts(op.inputs()[1], "perm");
    define(
        op.outputs()[0],
        graph.apply("Transpose", value(op.inputs()[0], Layout.NATIVE), attr("perm", perm)),
        Layout.NATIVE);
  }

  private void stridedSlice(Operator op) {
    Tensor x = tensor(op.inputs()[0]);
    long[] begin = constantInts(op.inputs()[1], "begin");
    long[] end = constantInts(op.inputs()[2], "end");
    long[] strides = op.inputs().length > 3 ? constantInts(op.inputs()[3], "strides") : null;
    int beginMask = intOption(op, 0, 0);
    int endMask = intOption(op, 1, 0);
    int ellipsisMask = intOption(op, 2, 0);
    int newAxisMask = intOption(op, 3, 0);
    int shrinkMask = intOption(op, 4, 0);
    boolean offset = boolOption(op, 5);
    if (ellipsisMask != 0 || newAxisMask != 0) {
      throw unsupported("STRIDED_SLICE with ellipsis_mask or new_axis_mask is not supported");
    }
    int n = begin.length;
    long[] starts = new long[n];
    long[] ends = new long[n];
    long[] steps = new long[n];
    long[] axes = new long[n];
    for (int i = 0; i < n; i++) {
      long dim = x.shape()[i];
      long step = strides == null ? 1 : strides[i];
      if (step == 0) {
        throw invalid("STRIDED_SLICE has stride 0 on axis " + i);
      }
      long b = begin[i];
      long e = offset ? begin[i] + end[i] : end[i];
      if ((beginMask & (1 << i)) != 0) {
        b = step > 0 ? 0 : dim - 1;
      }
      if ((endMask & (1 << i)) != 0) {
        e = step > 0 ? dim : Long.MIN_VALUE / 2;
      }
      if ((shrinkMask & (1 << i)) != 0) {
        b = b < 0 ? b + dim : b;
        e = b + 1;
        step = 1;
      }
      starts[i] = b;
      ends[i] = e;
      steps[i] = step;
      axes[i] = i;
    }
    String out =
        graph.node(
            "Slice",
            List.of(
                value(x.index(), Layout.NATIVE),
                graph.longs("starts", starts),
                graph.longs("ends", ends),
                graph.longs("axes", axes),
                graph.longs("steps", steps)),
            graph.fresh(x.name() + "_slice"));
    define(op.outputs()[0], reshapeTo(out, tensor(op.outputs()[0]).shape()), Layout.NATIVE);
  }

  private void slice(Operator op) {
    Tensor x = tensor(op.inputs()[0]);
    long[] begin = constantInts(op.inputs()[1], "begin");
    long[] size = constantInts(op.inputs()[2], "size");
    long[] ends = new long[begin.length];
    long[] axes = new long[begin.length];
    for (int i = 0; i < begin.length; i++) {
      ends[i] = size[i] < 0 ? x.shape()[i] : begin[i] + size[i];
      axes[i] = i;
    }
    String out =
        graph.node(
            "Slice",
            List.of(
                value(x.index(), Layout.NATIVE),
                graph.longs("starts", begin),
                graph.longs("ends", ends),
                graph.longs("axes", axes)),
            graph.fresh(x.name() + "_slice"));
    define(op.outputs()[0], out, Layout.NATIVE);
  }

  private void split(Operator op, int input, long axis) {
    Tensor x = tensor(input);
    int rank = x.rank();
    int nhwcAxis = (int) (axis < 0 ? axis + rank : axis);
    Layout layout = rank == 4 ? preferredLayout(input) : Layout.NATIVE;
    long onnxAxis = layout == Layout.NCHW ? NCHW_POSITION[nhwcAxis] : nhwcAxis;
    long[] sizes = new long[op.outputs().length];
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      Tensor y = tensor(op.outputs()[i]);
      sizes[i] = y.shape()[nhwcAxis];
      outputs.add(graph.fresh(y.name() + "_split"));
    }
    graph.node(
        "Split",
        List.of(value(input, layout), graph.longs("split", sizes)),
        outputs,
        attr("axis", onnxAxis));
    for (int i = 0; i < sizes.length; i++) {
      define(op.outputs()[i], outputs.get(i), layout);
    }
  }

  private void gather(Operator op) {
    Tensor x = tensor(op.inputs()[0]);
    int axis = intOption(op, 0, 0);
    if (intOption(op, 1, 0) != 0) {
      throw unsupported("GATHER with batch_dims is not supported");
    }
    String out =
        graph.node(
            "Gather",
            List.of(value(x.index(), Layout.NATIVE), value(op.inputs()[1], Layout.NATIVE)),
            graph.fresh(x.name() + "_gather"),
            attr("axis", (long) axis));
    define(op.outputs()[0], out, Layout.NATIVE);
  }

  private void batchMatMul(Operator op) {
    String a = value(op.inputs()[0], Layout.NATIVE);
    String b = value(op.inputs()[1], Layout.NATIVE);
    if (boolOption(op, 0)) {
      a = swapLastTwo(a, tensor(op.inputs()[0]).rank());
    }
    if (boolOption(op, 1)) {
      b = swapLastTwo(b, tensor(op.inputs()[1]).rank());
    }
    define(
        op.outputs()[0],
        graph.node("MatMul", List.of(a, b), graph.fresh(a + "_matmul")),
        Layout.NATIVE);
  }

  private String swapLastTwo(String value, int rank) {
    long[] perm = new long[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[rank - 1] = rank - 2;
    perm[rank - 2] = rank - 1;
    return graph.apply("Transpose", value, attr("perm", perm));
  }

  private void pack(Operator op) {
    Tensor y = tensor(op.outputs()[0]);
    int axis = intOption(op, 1, 0);
    if (axis < 0) {
      axis += y.rank();
    }
    List<String> inputs = new ArrayList<>();
    for (int input : op.inputs()) {
      String v = value(input, Layout.NATIVE);
      inputs.add(
          graph.node("Unsqueeze", List.of(v, graph.longs("axes", axis)), graph.fresh(v + "_unsq")));
    }
    define(
        op.outputs()[0],
        graph.node("Concat", inputs, graph.fresh(y.name() + "_pack"), attr("axis", (long) axis)),
        Layout.NATIVE);
  }

  private void unpack(Operator op) {
    Tensor x = tensor(op.inputs()[0]);
    int axis = intOption(op, 1, 0);
    if (axis < 0) {
      axis += x.rank();
    }
    int count = op.outputs().length;
    long[] sizes = new long[count];
    Arrays.fill(sizes, 1);
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      parts.add(graph.fresh(x.name() + "_part"));
    }
    graph.node(
        "Split",
        List.of(value(x.index(), Layout.NATIVE), graph.longs("split", sizes)),
        parts,
        attr("axis", (long) axis));
    for (int i = 0; i < count; i++) {
      String part = parts.get(i);
      define(
          op.outputs()[i],
          graph.node(
              "Squeeze", List.of(part, graph.longs("axes", axis)), graph.fresh(part + "_sq")),
          Layout.NATIVE);
    }
  }

  private void tile(Operator op) {
    long[] multiples = constantInts(op.inputs()[1], "multiples");
    String x = value(op.inputs()[0], Layout.NATIVE);
    define(
        op.outputs()[0],
        graph.node("Tile", List.of(x, graph.longs("repeats", multiples)), graph.fresh(x + "_tile")),
        Layout.NATIVE);
  }

  private void argReduce(Operator op, String onnxOp) {
    Tensor x = tensor(op.inputs()[0]);
    long axis = constantInts(op.inputs()[1], "axis")[0];
    if (axis < 0) {
      axis += x.rank();
    }
    String out =
        graph.apply(
            onnxOp, value(x.index(), Layout.NATIVE), attr("axis", axis), attr("keepdims", 0L));
    Tensor y = tensor(op.outputs()[0]);
    if (y.type() != TensorType.INT64) {
      out = graph.apply("Cast", out, attr("to", (long) y.type().onnx.getNumber()));
    }
    define(op.outputs()[0], out, Layout.NATIVE);
  }

  private void l2Normalization(Operator op) {
    String x = value(op.inputs()[0], Layout.NATIVE);
    String squares = graph.node("Mul", List.of(x, x), graph.fresh(x + "_sq"));
    String sum =
        graph.node(
            "ReduceSum",
            List.of(squares, graph.longs("axes", -1)),
            graph.fresh(x + "_ss"),
            attr("keepdims", 1L));
    String norm =
        graph.apply(
            "Sqrt",
            graph.node("Max", List.of(sum, graph.scalar("eps", 1e-6f)), graph.fresh(x + "_eps")));
    define(
        op.outputs()[0],
        graph.node("Div", List.of(x, norm), graph.fresh(x + "_l2")),
        Layout.NATIVE);
  }

  private void shape(Operator op) {
    Tensor x = tensor(op.inputs()[0]);
    Tensor y = tensor(op.outputs()[0]);
    long[] dims = toLongs(x.shape());
    String value = graph.longs(y.name() + "_value", dims);
    if (y.type() != TensorType.INT64) {
      value = graph.apply("Cast", value, attr("to", (long) y.type().onnx.getNumber()));
    }
    define(op.outputs()[0], value, Layout.NATIVE);
  }

  private void localResponseNormalization(Operator op) {
    int radius = intOption(op, 0, 5);
    float bias = floatOption(op, 1, 1f);
    float alpha = floatOption(op, 2, 1f);
    float beta = floatOption(op, 3, 0.5f);
    long size = 2L * radius + 1;
    spatial(
        op,
        "LRN",
        attr("size", size),
        attr("alpha", alpha * size),
        attr("beta", beta),
        attr("bias", bias));
  }

  /** SPACE_TO_BATCH_ND on NHWC with static shapes: pad, then fold blocks into the batch. */
  private void spaceToBatch(Operator op) {
    Tensor x = tensor(op.inputs()[0]);
    requireRank(x, 4);
    long[] block = constantInts(op.inputs()[1], "block_shape");
    long[] paddings = constantInts(op.inputs()[2], "paddings");
    String in = value(x.index(), Layout.NATIVE);
    String padded =
        graph.node(
            "Pad",
            List.of(
                in,
                graph.longs(
                    "pads", 0, paddings[0], paddings[2], 0, 0, paddings[1], paddings[3], 0)),
            graph.fresh(in + "_padded"));
    long n = x.shape()[0];
    long h = (x.shape()[1] + paddings[0] + paddings[1]) / block[0];
    long w = (x.shape()[2] + paddings[2] + paddings[3]) / block[1];
    long c = x.shape()[3];
    String split = reshapeTo(padded, new long[] {n, h, block[0], w, block[1], c});
    String moved = graph.apply("Transpose", split, attr("perm", 2L, 4L, 0L, 1L, 3L, 5L));
    define(
        op.outputs()[0],
        reshapeTo(moved, new long[] {block[0] * block[1] * n, h, w, c}),
        Layout.NATIVE);
  }

  /** BATCH_TO_SPACE_ND on NHWC with static shapes: unfold the batch into blocks, then crop. */
  private void batchToSpace(Operator op) {
    Tensor x = tensor(op.inputs()[0]);
    requireRank(x, 4);
    long[] block = constantInts(op.inputs()[1], "block_shape");
    long[] crops = constantInts(op.inputs()[2], "crops");
    long n = x.shape()[0] / (block[0] * block[1]);
    long h = x.shape()[1];
    long w = x.shape()[2];
    long c = x.shape()[3];
    String split =
        reshapeTo(value(x.index(), Layout.NATIVE), new long[] {block[0], block[1], n, h, w, c});
    String moved = graph.apply("Transpose", split, attr("perm", 2L, 3L, 0L, 4L, 1L, 5L));
    String joined = reshapeTo(moved, new long[] {n, h * block[0], w * block[1], c});
    String cropped =
        graph.node(
            "Slice",
            List.of(
                joined,
                graph.longs("starts", crops[0], crops[2]),
                graph.longs("ends", h * block[0] - crops[1], w * block[1] - crops[3]),
                graph.longs("axes", 1, 2)),
            graph.fresh(joined + "_crop"));
    define(op.outputs()[0], cropped, Layout.NATIVE);
  }

  private void notEqual(Operator op) {
    Tensor y = tensor(op.outputs()[0]);
    Layout layout = elementwiseLayout(op, y);
    String equal =
        graph.node(
            "Equal",
            List.of(
                operand(op.inputs()[0], layout, y.rank()),
                operand(op.inputs()[1], layout, y.rank())),
            graph.fresh(y.name() + "_eq"));
    define(op.outputs()[0], graph.apply("Not", equal), layout);
  }

  private void floorDiv(Operator op) {
    Tensor y = tensor(op.outputs()[0]);
    if (y.type() != TensorType.FLOAT32) {
      throw unsupported("FLOOR_DIV on " + y.type() + " is not supported, only on float32");
    }
    Layout layout = elementwiseLayout(op, y);
    String quotient =
        graph.node(
            "Div",
            List.of(
                operand(op.inputs()[0], layout, y.rank()),
                operand(op.inputs()[1], layout, y.rank())),
            graph.fresh(y.name() + "_div"));
    define(op.outputs()[0], graph.apply("Floor", quotient), layout);
  }

  private void embeddingLookup(Operator op) {
    String ids = value(op.inputs()[0], Layout.NATIVE);
    String table = value(op.inputs()[1], Layout.NATIVE);
    define(
        op.outputs()[0],
        graph.node("Gather", List.of(table, ids), graph.fresh(table + "_lookup"), attr("axis", 0L)),
        Layout.NATIVE);
  }

  private void gatherNd(Operator op) {
    String params = value(op.inputs()[0], Layout.NATIVE);
    String indices =
        graph.apply(
            "Cast",
            value(op.inputs()[1], Layout.NATIVE),
            attr("to", (long) DataType.INT64.getNumber()));
    define(
        op.outputs()[0],
        graph.node("GatherND", List.of(params, indices), graph.fresh(params + "_gathernd")),
        Layout.NATIVE);
  }

  private void reverse(Operator op) {
    Tensor x = tensor(op.inputs()[0]);
    long[] axes = constantInts(op.inputs()[1], "axis");
    long[] starts = new long[axes.length];
    long[] ends = new long[axes.length];
    long[] steps = new long[axes.length];
    for (int i = 0; i < axes.length; i++) {
      if (axes[i] < 0) {
        axes[i] += x.rank();
      }
      starts[i] = -1;
      ends[i] = Long.MIN_VALUE / 2;
      steps[i] = -1;
    }
    String out =
        graph.node(
            "Slice",
            List.of(
                value(x.index(), Layout.NATIVE),
                graph.longs("starts", starts),
                graph.longs("ends", ends),
                graph.longs("axes", axes),
                graph.longs("steps", steps)),
            graph.fresh(x.name() + "_reversed"));
    define(op.outputs()[0], out, Layout.NATIVE);
  }

  private void cumsum(Operator op) {
    long axis = constantInts(op.inputs()[1], "axis")[0];
    String x = value(op.inputs()[0], Layout.NATIVE);
    String out =
        graph.node(
            "CumSum",
            List.of(x, graph.longs("axis", axis)),
            graph.fresh(x + "_cumsum"),
            attr("exclusive", boolOption(op, 0) ? 1L : 0L),
            attr("reverse", boolOption(op, 1) ? 1L : 0L));
    define(op.outputs()[0], out, Layout.NATIVE);
  }

  /** BROADCAST_TO (input, shape) and FILL (dims, value): the value expanded to the output shape. */
  private void expandTo(Operator op) {
    Tensor y = tensor(op.outputs()[0]);
    int source = op.builtinCode() == BuiltinOperator.FILL ? op.inputs()[1] : op.inputs()[0];
    String x = value(source, Layout.NATIVE);
    define(
        op.outputs()[0],
        graph.node(
            "Expand",
            List.of(x, graph.longs("shape", toLongs(y.shape()))),
            graph.fresh(y.name() + "_expand")),
        Layout.NATIVE);
  }

  private void zerosLike(Operator op) {
    String x = value(op.inputs()[0], Layout.NATIVE);
    String zero = graph.node("Sub", List.of(x, x), graph.fresh(x + "_zeros"));
    define(op.outputs()[0], zero, Layout.NATIVE);
  }

  private void topK(Operator op) {
    long k = constantInts(op.inputs()[1], "k")[0];
    String x = value(op.inputs()[0], Layout.NATIVE);
    String values = graph.fresh(x + "_topk_values");
    String indices = graph.fresh(x + "_topk_indices");
    graph.node(
        "TopK",
        List.of(x, graph.longs("k", k)),
        List.of(values, indices),
        attr("axis", -1L),
        attr("largest", 1L),
        attr("sorted", 1L));
    define(op.outputs()[0], values, Layout.NATIVE);
    Tensor index = tensor(op.outputs()[1]);
    define(
        op.outputs()[1],
        index.type() == TensorType.INT64
            ? indices
            : graph.apply("Cast", indices, attr("to", (long) index.type().onnx.getNumber())),
        Layout.NATIVE);
  }

  private String reshapeTo(String value, long[] shape) {
    return graph.node(
        "Reshape", List.of(value, graph.longs("shape", shape)), graph.fresh(value + "_reshaped"));
  }

  /**
   * UNIDIRECTIONAL_SEQUENCE_LSTM with float weights, as one ONNX LSTM: gates reordered from
   * TFLite's (input, forget, cell, output) to ONNX's (input, output, forget, cell), peepholes kept,
   * initial states zero (TFLite's state variables start at zero).
   */
  private void sequenceLstm(Operator op) {
    int[] in = op.inputs();
    for (int optional : new int[] {16, 20}) {
      if (in.length > optional && in[optional] >= 0) {
        throw unsupported(
            "LSTM with "
                + (optional == 16 ? "projection" : "layer normalization")
                + " is not supported");
      }
    }
    if (in[1] < 0 || in[5] < 0) {
      throw unsupported("LSTM with coupled input and forget gates (CIFG) is not supported");
    }
    if (floatOption(op, 1, 0f) != 0f || byteOption(op, 0) != 4) {
      throw unsupported("LSTM with a cell clip or an activation other than TANH is not supported");
    }
    Tensor x = tensor(in[0]);
    Tensor y = tensor(op.outputs()[0]);
    boolean timeMajor = boolOption(op, 3);
    int hidden = tensor(in[2]).shape()[0];
    int inputSize = tensor(in[2]).shape()[1];
    int[] gates = {1, 4, 2, 3}; // ONNX order i, o, f, c as offsets into TFLite's i, f, c, o
    float[] w = new float[4 * hidden * inputSize];
    float[] r = new float[4 * hidden * hidden];
    float[] b = new float[8 * hidden];
    for (int g = 0; g < 4; g++) {
      int gate = gates[g];
      Tensor wi = tensor(in[gate]);
      Tensor ri = tensor(in[gate + 4]);
      requireConstant(wi, "weight");
      requireConstant(ri, "weight");
      System.arraycopy(realValues(wi), 0, w, g * hidden * inputSize, hidden * inputSize);
      System.arraycopy(realValues(ri), 0, r, g * hidden * hidden, hidden * hidden);
      int bias = in[gate + 11];
      if (bias >= 0) {
        requireConstant(tensor(bias), "bias");
        System.arraycopy(realValues(tensor(bias)), 0, b, g * hidden, hidden);
      }
    }
    List<String> inputs =
        new ArrayList<>(
            List.of(
                timeMajor
                    ? value(x.index(), Layout.NATIVE)
                    : graph.apply(
                        "Transpose", value(x.index(), Layout.NATIVE), attr("perm", 1L, 0L, 2L)),
                graph.floats("lstm_w", w, 1, 4L * hidden, inputSize),
                graph.floats("lstm_r", r, 1, 4L * hidden, hidden),
                graph.floats("lstm_b", b, 1, 8L * hidden),
                "",
                "",
                ""));
    if (in[9] >= 0 || in[10] >= 0 || in[11] >= 0) {
      float[] p = new float[3 * hidden];
      int[] peepholes = {9, 11, 10}; // ONNX order i, o, f
      for (int k = 0; k < 3; k++) {
        if (in[peepholes[k]] >= 0) {
          System.arraycopy(realValues(tensor(in[peepholes[k]])), 0, p, k * hidden, hidden);
        }
      }
      inputs.add(graph.floats("lstm_p", p, 1, 3L * hidden));
    }
    String out = graph.fresh(y.name() + "_lstm");
    // ONNX Runtime runs only the time-major layout: Y is [time, 1, batch, hidden]
    graph.node("LSTM", inputs, List.of(out), attr("hidden_size", (long) hidden));
    int[] shape = y.shape();
    if (timeMajor) {
      define(op.outputs()[0], reshapeTo(out, shape), Layout.NATIVE);
    } else {
      String steps = reshapeTo(out, new long[] {shape[1], shape[0], shape[2]});
      define(
          op.outputs()[0],
          graph.apply("Transpose", steps, attr("perm", 1L, 0L, 2L)),
          Layout.NATIVE);
    }
  }

  // ---- values, layouts and constants -------------------------------------------------------

  /** The ONNX value of a tensor in the given layout, transposing (once) when needed. */
  private String value(int index, Layout layout) {
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
  private String operand(int index, Layout layout, int outputRank) {
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

  private Layout preferredLayout(int index) {
    return nchwValues.containsKey(index) && !nativeValues.containsKey(index)
        ? Layout.NCHW
        : Layout.NATIVE;
  }

  /** NCHW when the output is 4-D and some 4-D non-constant input already is NCHW. */
  private Layout elementwiseLayout(Operator op, Tensor y) {
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
  private void define(int index, String value, Layout layout) {
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
  private String constant(Tensor t, int[] perm) {
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

  private String activate(String value, int activation) {
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

  private String reshapeTo(String value, int[] shape) {
    return graph.node(
        "Reshape",
        List.of(value, graph.longs("shape", toLongs(shape))),
        graph.fresh(value + "_reshaped"));
  }

  /** TFLite SAME padding puts the odd pixel at the end, like ONNX SAME_UPPER. */
  private static void spatialPads(
      int padding, int in, int kernel, int stride, int dilation, long[] pads, int axis) {
    if (padding != 0) {
      return;
    }
    int effective = (kernel - 1) * dilation + 1;
    int out = (in + stride - 1) / stride;
    int total = Math.max((out - 1) * stride + effective - in, 0);
    pads[axis] = total / 2;
    pads[axis + 2] = total - total / 2;
  }

  private static void transposePads(
      int padding,
      int in,
      int out,
      int kernel,
      int stride,
      long[] pads,
      long[] outputPadding,
      int axis) {
    int total = (in - 1) * stride + kernel - out;
    if (total >= 0) {
      int before = padding == 0 ? total / 2 : 0;
      pads[axis] = before;
      pads[axis + 2] = total - before;
    } else {
      outputPadding[axis] = -total;
    }
  }

  // ---- option and tensor access ---------------------------------------------------------------

  private Tensor tensor(int index) {
    if (index < 0) {
      throw invalid("an operator input that is required is left out (-1)");
    }
    return folded.getOrDefault(index, model.tensors().get(index));
  }

  private long[] constantInts(int index, String what) {
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

  private static float[] realValues(Tensor t) {
    float[] values = t.floatValues();
    if (t.isQuantized()) {
      Quantization q = t.quantization().orElseThrow();
      for (int i = 0; i < values.length; i++) {
        values[i] = q.scales()[0] * (values[i] - q.zeroPoints()[0]);
      }
    }
    return values;
  }

  private DataType valueType(Tensor t) {
    return t.isQuantized() ? DataType.FLOAT : t.type().onnx;
  }

  private void requireConstant(Tensor t, String what) {
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

  private void requireRank(Tensor t, int rank) {
    if (t.rank() != rank) {
      throw unsupported("its input '" + t.name() + "' has rank " + t.rank() + ", expected " + rank);
    }
  }

  private static int intOption(Operator op, int field, int fallback) {
    return op.options().map(o -> o.int32(field, fallback)).orElse(fallback);
  }

  private static int byteOption(Operator op, int field) {
    return op.options().map(o -> o.int8(field, 0)).orElse(0);
  }

  private static boolean boolOption(Operator op, int field) {
    return op.options().map(o -> o.bool(field)).orElse(false);
  }

  private static float floatOption(Operator op, int field, float fallback) {
    return op.options().map(o -> o.float32(field, fallback)).orElse(fallback);
  }

  private static long[] toLongs(int[] values) {
    return Arrays.stream(values).asLongStream().toArray();
  }

  private TfliteException unsupported(String message) {
    return new TfliteException(TfliteException.Code.UNSUPPORTED, where() + message);
  }

  private TfliteException invalid(String message) {
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
