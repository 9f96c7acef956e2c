package dev.edgeinfer.tflite;

import static dev.edgeinfer.tflite.OnnxGraph.attr;

import dev.edgeinfer.onnx.proto.AttributeProto;
import dev.edgeinfer.tflite.Converter.Layout;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the operators that work on images and sequences: convolutions (plain, depthwise,
 * transposed), fully connected, batch matmul, pools, resize, depth/space rearrangements, LRN, L2
 * normalization and the sequence LSTM. Spatial ones run channels-first. Part of one {@link
 * Converter}; not thread-safe.
 */
final class SpatialOperators {
  private final Converter context;
  private final OnnxGraph graph;

  SpatialOperators(Converter context, OnnxGraph graph) {
    this.context = context;
    this.graph = graph;
  }

  void conv(Operator op, boolean depthwise) {
    Tensor x = context.tensor(op.inputs()[0]);
    Tensor w = context.tensor(op.inputs()[1]);
    context.requireRank(x, 4);
    context.requireConstant(w, "filter");
    int[] xs = x.shape();
    int[] ws = w.shape();
    int strideW = Converter.intOption(op, 1, 1);
    int strideH = Converter.intOption(op, 2, 1);
    int activation = depthwise ? Converter.byteOption(op, 4) : Converter.byteOption(op, 3);
    int dilationW = Converter.intOption(op, depthwise ? 5 : 4, 1);
    int dilationH = Converter.intOption(op, depthwise ? 6 : 5, 1);
    int padding = Converter.byteOption(op, 0);
    int outChannels;
    long group;
    String weights;
    if (depthwise) {
      outChannels = ws[3];
      group = xs[3];
      weights = context.constant(w, new int[] {3, 0, 1, 2});
    } else {
      outChannels = ws[0];
      if (ws[3] == 0 || xs[3] % ws[3] != 0) {
        throw context.invalid(
            "CONV_2D filter has " + ws[3] + " input channels for an input of " + xs[3]);
      }
      group = xs[3] / ws[3];
      weights = context.constant(w, Converter.TO_NCHW);
    }
    int kh = ws[1];
    int kw = ws[2];
    long[] pads = new long[4];
    spatialPads(padding, xs[1], kh, strideH, dilationH, pads, 0);
    spatialPads(padding, xs[2], kw, strideW, dilationW, pads, 1);
    List<String> inputs = new ArrayList<>(List.of(context.value(x.index(), Layout.NCHW), weights));
    int bias = op.inputs().length > 2 ? op.inputs()[2] : -1;
    if (bias >= 0) {
      inputs.add(context.constant(context.tensor(bias), null));
    }
    String out =
        graph.node(
            "Conv",
            inputs,
            graph.fresh(context.tensor(op.outputs()[0]).name() + "_conv"),
            attr("kernel_shape", kh, kw),
            attr("strides", strideH, strideW),
            attr("dilations", dilationH, dilationW),
            attr("pads", pads),
            attr("group", group));
    if (outChannels <= 0) {
      throw context.invalid("convolution filter has no output channels");
    }
    context.define(op.outputs()[0], context.activate(out, activation), Layout.NCHW);
  }

  void transposeConv(
      Operator op,
      int input,
      int filter,
      int bias,
      int padding,
      int strideW,
      int strideH,
      int activation) {
    Tensor x = context.tensor(input);
    Tensor w = context.tensor(filter);
    Tensor y = context.tensor(op.outputs()[0]);
    context.requireRank(x, 4);
    context.requireConstant(w, "filter");
    int kh = w.shape()[1];
    int kw = w.shape()[2];
    long[] pads = new long[4];
    long[] outputPadding = new long[2];
    transposePads(padding, x.shape()[1], y.shape()[1], kh, strideH, pads, outputPadding, 0);
    transposePads(padding, x.shape()[2], y.shape()[2], kw, strideW, pads, outputPadding, 1);
    List<String> inputs =
        new ArrayList<>(
            List.of(
                context.value(input, Layout.NCHW), context.constant(w, new int[] {3, 0, 1, 2})));
    if (bias >= 0) {
      inputs.add(context.constant(context.tensor(bias), null));
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
    context.define(op.outputs()[0], context.activate(out, activation), Layout.NCHW);
  }

  void fullyConnected(Operator op) {
    Tensor x = context.tensor(op.inputs()[0]);
    Tensor w = context.tensor(op.inputs()[1]);
    Tensor y = context.tensor(op.outputs()[0]);
    boolean keepDims = Converter.boolOption(op, 2);
    if (Converter.byteOption(op, 1) != 0) {
      throw context.unsupported(
          "FULLY_CONNECTED with shuffled (SHUFFLED4x16INT8) weights is not supported");
    }
    int inFeatures = w.shape()[1];
    String in = context.value(x.index(), Layout.NATIVE);
    if (x.rank() != 2 && !keepDims) {
      in =
          graph.node(
              "Reshape",
              List.of(in, graph.longs("fc_shape", -1, inFeatures)),
              graph.fresh(in + "_2d"));
    }
    String weights;
    if (w.isConstant()) {
      weights = context.constant(w, new int[] {1, 0});
    } else {
      weights =
          graph.apply("Transpose", context.value(w.index(), Layout.NATIVE), attr("perm", 1L, 0L));
    }
    String out = graph.node("MatMul", List.of(in, weights), graph.fresh(y.name() + "_matmul"));
    int bias = op.inputs().length > 2 ? op.inputs()[2] : -1;
    if (bias >= 0) {
      out =
          graph.node(
              "Add",
              List.of(out, context.value(bias, Layout.NATIVE)),
              graph.fresh(y.name() + "_bias"));
    }
    out = context.activate(out, Converter.byteOption(op, 0));
    if (!keepDims && y.rank() != 2) {
      out = context.reshapeTo(out, y.shape());
    }
    context.define(op.outputs()[0], out, Layout.NATIVE);
  }

  void pool(Operator op, String onnxOp) {
    Tensor x = context.tensor(op.inputs()[0]);
    context.requireRank(x, 4);
    int padding = Converter.byteOption(op, 0);
    int strideW = Converter.intOption(op, 1, 1);
    int strideH = Converter.intOption(op, 2, 1);
    int kw = Converter.intOption(op, 3, 1);
    int kh = Converter.intOption(op, 4, 1);
    long[] pads = new long[4];
    spatialPads(padding, x.shape()[1], kh, strideH, 1, pads, 0);
    spatialPads(padding, x.shape()[2], kw, strideW, 1, pads, 1);
    String out =
        graph.node(
            onnxOp,
            List.of(context.value(x.index(), Layout.NCHW)),
            graph.fresh(context.tensor(op.outputs()[0]).name() + "_pool"),
            attr("kernel_shape", kh, kw),
            attr("strides", strideH, strideW),
            attr("pads", pads));
    context.define(
        op.outputs()[0], context.activate(out, Converter.byteOption(op, 5)), Layout.NCHW);
  }

  void spatial(Operator op, String onnxOp, AttributeProto... attributes) {
    Tensor x = context.tensor(op.inputs()[0]);
    context.requireRank(x, 4);
    String out =
        graph.node(
            onnxOp,
            List.of(context.value(x.index(), Layout.NCHW)),
            graph.fresh(context.tensor(op.outputs()[0]).name() + "_" + onnxOp),
            attributes);
    context.define(op.outputs()[0], out, Layout.NCHW);
  }

  void resize(Operator op, boolean bilinear) {
    Tensor x = context.tensor(op.inputs()[0]);
    Tensor y = context.tensor(op.outputs()[0]);
    context.requireRank(x, 4);
    boolean alignCorners = Converter.boolOption(op, bilinear ? 2 : 0);
    boolean halfPixel = Converter.boolOption(op, bilinear ? 3 : 1);
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
            List.of(context.value(x.index(), Layout.NCHW), "", "", sizes),
            graph.fresh(y.name() + "_resize"),
            attributes.toArray(AttributeProto[]::new));
    context.define(op.outputs()[0], out, Layout.NCHW);
  }

  void batchMatMul(Operator op) {
    String a = context.value(op.inputs()[0], Layout.NATIVE);
    String b = context.value(op.inputs()[1], Layout.NATIVE);
    if (Converter.boolOption(op, 0)) {
      a = swapLastTwo(a, context.tensor(op.inputs()[0]).rank());
    }
    if (Converter.boolOption(op, 1)) {
      b = swapLastTwo(b, context.tensor(op.inputs()[1]).rank());
    }
    context.define(
        op.outputs()[0],
        graph.node("MatMul", List.of(a, b), graph.fresh(a + "_matmul")),
        Layout.NATIVE);
  }

  String swapLastTwo(String value, int rank) {
    long[] perm = new long[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[rank - 1] = rank - 2;
    perm[rank - 2] = rank - 1;
    return graph.apply("Transpose", value, attr("perm", perm));
  }

  void l2Normalization(Operator op) {
    String x = context.value(op.inputs()[0], Layout.NATIVE);
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
    context.define(
        op.outputs()[0],
        graph.node("Div", List.of(x, norm), graph.fresh(x + "_l2")),
        Layout.NATIVE);
  }

  void localResponseNormalization(Operator op) {
    int radius = Converter.intOption(op, 0, 5);
    float bias = Converter.floatOption(op, 1, 1f);
    float alpha = Converter.floatOption(op, 2, 1f);
    float beta = Converter.floatOption(op, 3, 0.5f);
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
  void spaceToBatch(Operator op) {
    Tensor x = context.tensor(op.inputs()[0]);
    context.requireRank(x, 4);
    long[] block = context.constantInts(op.inputs()[1], "block_shape");
    long[] paddings = context.constantInts(op.inputs()[2], "paddings");
    String in = context.value(x.index(), Layout.NATIVE);
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
    String split = context.reshapeTo(padded, new long[] {n, h, block[0], w, block[1], c});
    String moved = graph.apply("Transpose", split, attr("perm", 2L, 4L, 0L, 1L, 3L, 5L));
    context.define(
        op.outputs()[0],
        context.reshapeTo(moved, new long[] {block[0] * block[1] * n, h, w, c}),
        Layout.NATIVE);
  }

  /** BATCH_TO_SPACE_ND on NHWC with static shapes: unfold the batch into blocks, then crop. */
  void batchToSpace(Operator op) {
    Tensor x = context.tensor(op.inputs()[0]);
    context.requireRank(x, 4);
    long[] block = context.constantInts(op.inputs()[1], "block_shape");
    long[] crops = context.constantInts(op.inputs()[2], "crops");
    long n = x.shape()[0] / (block[0] * block[1]);
    long h = x.shape()[1];
    long w = x.shape()[2];
    long c = x.shape()[3];
    String split =
        context.reshapeTo(
            context.value(x.index(), Layout.NATIVE), new long[] {block[0], block[1], n, h, w, c});
    String moved = graph.apply("Transpose", split, attr("perm", 2L, 3L, 0L, 4L, 1L, 5L));
    String joined = context.reshapeTo(moved, new long[] {n, h * block[0], w * block[1], c});
    String cropped =
        graph.node(
            "Slice",
            List.of(
                joined,
                graph.longs("starts", crops[0], crops[2]),
                graph.longs("ends", h * block[0] - crops[1], w * block[1] - crops[3]),
                graph.longs("axes", 1, 2)),
            graph.fresh(joined + "_crop"));
    context.define(op.outputs()[0], cropped, Layout.NATIVE);
  }

  /**
   * UNIDIRECTIONAL_SEQUENCE_LSTM with float weights, as one ONNX LSTM: gates reordered from
   * TFLite's (input, forget, cell, output) to ONNX's (input, output, forget, cell), peepholes kept,
   * initial states zero (TFLite's state variables start at zero).
   */
  void sequenceLstm(Operator op) {
    int[] in = op.inputs();
    for (int optional : new int[] {16, 20}) {
      if (in.length > optional && in[optional] >= 0) {
        throw context.unsupported(
            "LSTM with "
                + (optional == 16 ? "projection" : "layer normalization")
                + " is not supported");
      }
    }
    if (in[1] < 0 || in[5] < 0) {
      throw context.unsupported("LSTM with coupled input and forget gates (CIFG) is not supported");
    }
    if (Converter.floatOption(op, 1, 0f) != 0f || Converter.byteOption(op, 0) != 4) {
      throw context.unsupported(
          "LSTM with a cell clip or an activation other than TANH is not supported");
    }
    Tensor x = context.tensor(in[0]);
    Tensor y = context.tensor(op.outputs()[0]);
    boolean timeMajor = Converter.boolOption(op, 3);
    int hidden = context.tensor(in[2]).shape()[0];
    int inputSize = context.tensor(in[2]).shape()[1];
    int[] gates = {1, 4, 2, 3}; // ONNX order i, o, f, c as offsets into TFLite's i, f, c, o
    float[] w = new float[4 * hidden * inputSize];
    float[] r = new float[4 * hidden * hidden];
    float[] b = new float[8 * hidden];
    for (int g = 0; g < 4; g++) {
      int gate = gates[g];
      Tensor wi = context.tensor(in[gate]);
      Tensor ri = context.tensor(in[gate + 4]);
      context.requireConstant(wi, "weight");
      context.requireConstant(ri, "weight");
      System.arraycopy(Converter.realValues(wi), 0, w, g * hidden * inputSize, hidden * inputSize);
      System.arraycopy(Converter.realValues(ri), 0, r, g * hidden * hidden, hidden * hidden);
      int bias = in[gate + 11];
      if (bias >= 0) {
        context.requireConstant(context.tensor(bias), "bias");
        System.arraycopy(Converter.realValues(context.tensor(bias)), 0, b, g * hidden, hidden);
      }
    }
    List<String> inputs =
        new ArrayList<>(
            List.of(
                timeMajor
                    ? context.value(x.index(), Layout.NATIVE)
                    : graph.apply(
                        "Transpose",
                        context.value(x.index(), Layout.NATIVE),
                        attr("perm", 1L, 0L, 2L)),
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
          System.arraycopy(
              Converter.realValues(context.tensor(in[peepholes[k]])), 0, p, k * hidden, hidden);
        }
      }
      inputs.add(graph.floats("lstm_p", p, 1, 3L * hidden));
    }
    String out = graph.fresh(y.name() + "_lstm");
    // ONNX Runtime runs only the time-major layout: Y is [time, 1, batch, hidden]
    graph.node("LSTM", inputs, List.of(out), attr("hidden_size", (long) hidden));
    int[] shape = y.shape();
    if (timeMajor) {
      context.define(op.outputs()[0], context.reshapeTo(out, shape), Layout.NATIVE);
    } else {
      String steps = context.reshapeTo(out, new long[] {shape[1], shape[0], shape[2]});
      context.define(
          op.outputs()[0],
          graph.apply("Transpose", steps, attr("perm", 1L, 0L, 2L)),
          Layout.NATIVE);
    }
  }

  /** TFLite SAME padding puts the odd pixel at the end, like ONNX SAME_UPPER. */
  static void spatialPads(
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

  static void transposePads(
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
}
