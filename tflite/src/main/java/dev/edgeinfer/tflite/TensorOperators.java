package dev.edgeinfer.tflite;

import static dev.edgeinfer.tflite.OnnxGraph.attr;

import dev.edgeinfer.onnx.proto.AttributeProto;
import dev.edgeinfer.onnx.proto.TensorProto.DataType;
import dev.edgeinfer.tflite.Converter.Layout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Maps operators that move or select data (reshape, transpose, concatenation, padding, slices,
 * splits, gathers, reductions, tiling, top-k), remapping axes for channels-first inputs. Part of
 * one {@link Converter}; not thread-safe.
 */
final class TensorOperators {
  private final Converter context;
  private final OnnxGraph graph;

  TensorOperators(Converter context, OnnxGraph graph) {
    this.context = context;
    this.graph = graph;
  }

  void reshape(Operator op) {
    Tensor y = context.tensor(op.outputs()[0]);
    context.define(
        op.outputs()[0],
        context.reshapeTo(context.value(op.inputs()[0], Layout.NATIVE), y.shape()),
        Layout.NATIVE);
  }

  void concatenation(Operator op) {
    Tensor y = context.tensor(op.outputs()[0]);
    int axis = Converter.intOption(op, 0, 0);
    if (axis < 0) {
      axis += y.rank();
    }
    Layout layout = context.elementwiseLayout(op, y);
    List<String> inputs = new ArrayList<>();
    for (int input : op.inputs()) {
      inputs.add(context.operand(input, layout, y.rank()));
    }
    long onnxAxis = layout == Layout.NCHW ? Converter.NCHW_POSITION[axis] : axis;
    String out =
        graph.node("Concat", inputs, graph.fresh(y.name() + "_concat"), attr("axis", onnxAxis));
    context.define(op.outputs()[0], context.activate(out, Converter.byteOption(op, 1)), layout);
  }

  void pad(Operator op) {
    Tensor x = context.tensor(op.inputs()[0]);
    long[] paddings = context.constantInts(op.inputs()[1], "paddings");
    int rank = x.rank();
    Layout layout = rank == 4 ? context.preferredLayout(x.index()) : Layout.NATIVE;
    long[] pads = new long[2 * rank];
    for (int axis = 0; axis < rank; axis++) {
      int target = layout == Layout.NCHW ? Converter.NCHW_POSITION[axis] : axis;
      pads[target] = paddings[2 * axis];
      pads[rank + target] = paddings[2 * axis + 1];
    }
    List<String> inputs =
        new ArrayList<>(List.of(context.value(x.index(), layout), graph.longs("pads", pads)));
    if (op.builtinCode() == BuiltinOperator.PADV2 && op.inputs().length > 2) {
      Tensor padValue = context.tensor(op.inputs()[2]);
      context.requireConstant(padValue, "constant value");
      inputs.add(graph.scalar("pad_value", Converter.realValues(padValue)[0]));
    }
    List<AttributeProto> mode = new ArrayList<>();
    if (op.builtinCode() == BuiltinOperator.MIRROR_PAD) {
      if (Converter.byteOption(op, 0) != 0) {
        throw context.unsupported(
            "MIRROR_PAD in SYMMETRIC mode has no ONNX equivalent; only REFLECT");
      }
      mode.add(attr("mode", "reflect"));
    }
    context.define(
        op.outputs()[0],
        graph.node(
            "Pad", inputs, graph.fresh(x.name() + "_pad"), mode.toArray(AttributeProto[]::new)),
        layout);
  }

  void reduce(Operator op, String onnxOp) {
    Tensor x = context.tensor(op.inputs()[0]);
    long[] axes = context.constantInts(op.inputs()[1], "axes");
    boolean keepDims = Converter.boolOption(op, 0);
    int rank = x.rank();
    boolean[] reduced = new boolean[rank];
    for (long axis : axes) {
      reduced[(int) (axis < 0 ? axis + rank : axis)] = true;
    }
    Layout layout = Layout.NATIVE;
    if (rank == 4 && context.hasNchw(x.index())) {
      boolean ordered = true;
      int last = -1;
      for (int position = 0; position < 4; position++) {
        int nhwcAxis = Converter.TO_NCHW[position];
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
      onnxAxes[i] = layout == Layout.NCHW ? Converter.NCHW_POSITION[axis] : axis;
    }
    Arrays.sort(onnxAxes);
    String in = context.value(x.index(), layout);
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
    Tensor y = context.tensor(op.outputs()[0]);
    context.define(op.outputs()[0], out, y.rank() == 4 ? layout : Layout.NATIVE);
  }

  void transpose(Operator op) {
    long[] perm = context.constantInts(op.inputs()[1], "perm");
    context.define(
        op.outputs()[0],
        graph.apply("Transpose", context.value(op.inputs()[0], Layout.NATIVE), attr("perm", perm)),
        Layout.NATIVE);
  }

  void stridedSlice(Operator op) {
    Tensor x = context.tensor(op.inputs()[0]);
    long[] begin = context.constantInts(op.inputs()[1], "begin");
    long[] end = context.constantInts(op.inputs()[2], "end");
    long[] strides =
        op.inputs().length > 3 ? context.constantInts(op.inputs()[3], "strides") : null;
    int beginMask = Converter.intOption(op, 0, 0);
    int endMask = Converter.intOption(op, 1, 0);
    int ellipsisMask = Converter.intOption(op, 2, 0);
    int newAxisMask = Converter.intOption(op, 3, 0);
    int shrinkMask = Converter.intOption(op, 4, 0);
    boolean offset = Converter.boolOption(op, 5);
    if (ellipsisMask != 0 || newAxisMask != 0) {
      throw context.unsupported(
          "STRIDED_SLICE with ellipsis_mask or new_axis_mask is not supported");
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
        throw context.invalid("STRIDED_SLICE has stride 0 on axis " + i);
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
                context.value(x.index(), Layout.NATIVE),
                graph.longs("starts", starts),
                graph.longs("ends", ends),
                graph.longs("axes", axes),
                graph.longs("steps", steps)),
            graph.fresh(x.name() + "_slice"));
    context.define(
        op.outputs()[0],
        context.reshapeTo(out, context.tensor(op.outputs()[0]).shape()),
        Layout.NATIVE);
  }

  void slice(Operator op) {
    Tensor x = context.tensor(op.inputs()[0]);
    long[] begin = context.constantInts(op.inputs()[1], "begin");
    long[] size = context.constantInts(op.inputs()[2], "size");
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
                context.value(x.index(), Layout.NATIVE),
                graph.longs("starts", begin),
                graph.longs("ends", ends),
                graph.longs("axes", axes)),
            graph.fresh(x.name() + "_slice"));
    context.define(op.outputs()[0], out, Layout.NATIVE);
  }

  void split(Operator op, int input, long axis) {
    Tensor x = context.tensor(input);
    int rank = x.rank();
    int nhwcAxis = (int) (axis < 0 ? axis + rank : axis);
    Layout layout = rank == 4 ? context.preferredLayout(input) : Layout.NATIVE;
    long onnxAxis = layout == Layout.NCHW ? Converter.NCHW_POSITION[nhwcAxis] : nhwcAxis;
    long[] sizes = new long[op.outputs().length];
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      Tensor y = context.tensor(op.outputs()[i]);
      sizes[i] = y.shape()[nhwcAxis];
      outputs.add(graph.fresh(y.name() + "_split"));
    }
    graph.node(
        "Split",
        List.of(context.value(input, layout), graph.longs("split", sizes)),
        outputs,
        attr("axis", onnxAxis));
    for (int i = 0; i < sizes.length; i++) {
      context.define(op.outputs()[i], outputs.get(i), layout);
    }
  }

  void gather(Operator op) {
    Tensor x = context.tensor(op.inputs()[0]);
    int axis = Converter.intOption(op, 0, 0);
    if (Converter.intOption(op, 1, 0) != 0) {
      throw context.unsupported("GATHER with batch_dims is not supported");
    }
    String out =
        graph.node(
            "Gather",
            List.of(
                context.value(x.index(), Layout.NATIVE),
                context.value(op.inputs()[1], Layout.NATIVE)),
            graph.fresh(x.name() + "_gather"),
            attr("axis", (long) axis));
    context.define(op.outputs()[0], out, Layout.NATIVE);
  }

  void pack(Operator op) {
    Tensor y = context.tensor(op.outputs()[0]);
    int axis = Converter.intOption(op, 1, 0);
    if (axis < 0) {
      axis += y.rank();
    }
    List<String> inputs = new ArrayList<>();
    for (int input : op.inputs()) {
      String v = context.value(input, Layout.NATIVE);
      inputs.add(
          graph.node("Unsqueeze", List.of(v, graph.longs("axes", axis)), graph.fresh(v + "_unsq")));
    }
    context.define(
        op.outputs()[0],
        graph.node("Concat", inputs, graph.fresh(y.name() + "_pack"), attr("axis", (long) axis)),
        Layout.NATIVE);
  }

  void unpack(Operator op) {
    Tensor x = context.tensor(op.inputs()[0]);
    int axis = Converter.intOption(op, 1, 0);
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
        List.of(context.value(x.index(), Layout.NATIVE), graph.longs("split", sizes)),
        parts,
        attr("axis", (long) axis));
    for (int i = 0; i < count; i++) {
      String part = parts.get(i);
      context.define(
          op.outputs()[i],
          graph.node(
              "Squeeze", List.of(part, graph.longs("axes", axis)), graph.fresh(part + "_sq")),
          Layout.NATIVE);
    }
  }

  void tile(Operator op) {
    long[] multiples = context.constantInts(op.inputs()[1], "multiples");
    String x = context.value(op.inputs()[0], Layout.NATIVE);
    context.define(
        op.outputs()[0],
        graph.node("Tile", List.of(x, graph.longs("repeats", multiples)), graph.fresh(x + "_tile")),
        Layout.NATIVE);
  }

  void argReduce(Operator op, String onnxOp) {
    Tensor x = context.tensor(op.inputs()[0]);
    long axis = context.constantInts(op.inputs()[1], "axis")[0];
    if (axis < 0) {
      axis += x.rank();
    }
    String out =
        graph.apply(
            onnxOp,
            context.value(x.index(), Layout.NATIVE),
            attr("axis", axis),
            attr("keepdims", 0L));
    Tensor y = context.tensor(op.outputs()[0]);
    if (y.type() != TensorType.INT64) {
      out = graph.apply("Cast", out, attr("to", (long) y.type().onnx.getNumber()));
    }
    context.define(op.outputs()[0], out, Layout.NATIVE);
  }

  void shape(Operator op) {
    Tensor x = context.tensor(op.inputs()[0]);
    Tensor y = context.tensor(op.outputs()[0]);
    long[] dims = Converter.toLongs(x.shape());
    String value = graph.longs(y.name() + "_value", dims);
    if (y.type() != TensorType.INT64) {
      value = graph.apply("Cast", value, attr("to", (long) y.type().onnx.getNumber()));
    }
    context.define(op.outputs()[0], value, Layout.NATIVE);
  }

  void embeddingLookup(Operator op) {
    String ids = context.value(op.inputs()[0], Layout.NATIVE);
    String table = context.value(op.inputs()[1], Layout.NATIVE);
    context.define(
        op.outputs()[0],
        graph.node("Gather", List.of(table, ids), graph.fresh(table + "_lookup"), attr("axis", 0L)),
        Layout.NATIVE);
  }

  void gatherNd(Operator op) {
    String params = context.value(op.inputs()[0], Layout.NATIVE);
    String indices =
        graph.apply(
            "Cast",
            context.value(op.inputs()[1], Layout.NATIVE),
            attr("to", (long) DataType.INT64.getNumber()));
    context.define(
        op.outputs()[0],
        graph.node("GatherND", List.of(params, indices), graph.fresh(params + "_gathernd")),
        Layout.NATIVE);
  }

  void reverse(Operator op) {
    Tensor x = context.tensor(op.inputs()[0]);
    long[] axes = context.constantInts(op.inputs()[1], "axis");
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
                context.value(x.index(), Layout.NATIVE),
                graph.longs("starts", starts),
                graph.longs("ends", ends),
                graph.longs("axes", axes),
                graph.longs("steps", steps)),
            graph.fresh(x.name() + "_reversed"));
    context.define(op.outputs()[0], out, Layout.NATIVE);
  }

  void cumsum(Operator op) {
    long axis = context.constantInts(op.inputs()[1], "axis")[0];
    String x = context.value(op.inputs()[0], Layout.NATIVE);
    String out =
        graph.node(
            "CumSum",
            List.of(x, graph.longs("axis", axis)),
            graph.fresh(x + "_cumsum"),
            attr("exclusive", Converter.boolOption(op, 0) ? 1L : 0L),
            attr("reverse", Converter.boolOption(op, 1) ? 1L : 0L));
    context.define(op.outputs()[0], out, Layout.NATIVE);
  }

  /** BROADCAST_TO (input, shape) and FILL (dims, value): the value expanded to the output shape. */
  void expandTo(Operator op) {
    Tensor y = context.tensor(op.outputs()[0]);
    int source = op.builtinCode() == BuiltinOperator.FILL ? op.inputs()[1] : op.inputs()[0];
    String x = context.value(source, Layout.NATIVE);
    context.define(
        op.outputs()[0],
        graph.node(
            "Expand",
            List.of(x, graph.longs("shape", Converter.toLongs(y.shape()))),
            graph.fresh(y.name() + "_expand")),
        Layout.NATIVE);
  }

  void topK(Operator op) {
    long k = context.constantInts(op.inputs()[1], "k")[0];
    String x = context.value(op.inputs()[0], Layout.NATIVE);
    String values = graph.fresh(x + "_topk_values");
    String indices = graph.fresh(x + "_topk_indices");
    graph.node(
        "TopK",
        List.of(x, graph.longs("k", k)),
        List.of(values, indices),
        attr("axis", -1L),
        attr("largest", 1L),
        attr("sorted", 1L));
    context.define(op.outputs()[0], values, Layout.NATIVE);
    Tensor index = context.tensor(op.outputs()[1]);
    context.define(
        op.outputs()[1],
        index.type() == TensorType.INT64
            ? indices
            : graph.apply("Cast", indices, attr("to", (long) index.type().onnx.getNumber())),
        Layout.NATIVE);
  }
}
