package dev.edgeinfer.tflite;

import static dev.edgeinfer.tflite.OnnxGraph.attr;

import dev.edgeinfer.onnx.proto.AttributeProto;
import dev.edgeinfer.tflite.Converter.Layout;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps elementwise operators (arithmetic, comparisons, activations, softmax, casts), which follow
 * the layout of their inputs. Part of one {@link Converter}; not thread-safe.
 */
final class ElementwiseOperators {
  private final Converter context;
  private final OnnxGraph graph;

  ElementwiseOperators(Converter context, OnnxGraph graph) {
    this.context = context;
    this.graph = graph;
  }

  void binary(Operator op, String onnxOp, int activation) {
    Tensor y = context.tensor(op.outputs()[0]);
    Layout layout = context.elementwiseLayout(op, y);
    List<String> inputs = new ArrayList<>();
    for (int input : op.inputs()) {
      inputs.add(context.operand(input, layout, y.rank()));
    }
    String out = graph.node(onnxOp, inputs, graph.fresh(y.name() + "_" + onnxOp));
    context.define(op.outputs()[0], context.activate(out, activation), layout);
  }

  void squaredDifference(Operator op) {
    Tensor y = context.tensor(op.outputs()[0]);
    Layout layout = context.elementwiseLayout(op, y);
    String a = context.operand(op.inputs()[0], layout, y.rank());
    String b = context.operand(op.inputs()[1], layout, y.rank());
    String diff = graph.node("Sub", List.of(a, b), graph.fresh(y.name() + "_diff"));
    context.define(
        op.outputs()[0],
        graph.node("Mul", List.of(diff, diff), graph.fresh(y.name() + "_sq")),
        layout);
  }

  void unary(Operator op, String onnxOp, AttributeProto... attributes) {
    int input = op.inputs()[0];
    Layout layout = context.preferredLayout(input);
    String out =
        graph.node(
            onnxOp,
            List.of(context.value(input, layout)),
            graph.fresh(context.tensor(op.outputs()[0]).name() + "_" + onnxOp),
            attributes);
    context.define(op.outputs()[0], out, layout);
  }

  void clip(Operator op, float min, float max) {
    int input = op.inputs()[0];
    Layout layout = context.preferredLayout(input);
    String out =
        graph.node(
            "Clip",
            List.of(
                context.value(input, layout),
                graph.scalar("clip_min", min),
                graph.scalar("clip_max", max)),
            graph.fresh(context.tensor(op.outputs()[0]).name() + "_clip"));
    context.define(op.outputs()[0], out, layout);
  }

  void rsqrt(Operator op) {
    int input = op.inputs()[0];
    Layout layout = context.preferredLayout(input);
    String root = graph.apply("Sqrt", context.value(input, layout));
    context.define(op.outputs()[0], graph.apply("Reciprocal", root), layout);
  }

  void square(Operator op) {
    int input = op.inputs()[0];
    Layout layout = context.preferredLayout(input);
    String x = context.value(input, layout);
    context.define(
        op.outputs()[0], graph.node("Mul", List.of(x, x), graph.fresh(x + "_square")), layout);
  }

  void gelu(Operator op) {
    int input = op.inputs()[0];
    Layout layout = context.preferredLayout(input);
    String x = context.value(input, layout);
    String inner;
    if (Converter.boolOption(op, 0)) {
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
    context.define(
        op.outputs()[0],
        graph.node("Mul", List.of(half, onePlus), graph.fresh(x + "_gelu")),
        layout);
  }

  void cast(Operator op) {
    Tensor y = context.tensor(op.outputs()[0]);
    int input = op.inputs()[0];
    Layout layout = context.preferredLayout(input);
    String out =
        graph.apply(
            "Cast",
            context.value(input, layout),
            attr("to", (long) context.valueType(y).getNumber()));
    context.define(op.outputs()[0], out, layout);
  }

  void softmax(Operator op, String onnxOp) {
    Tensor x = context.tensor(op.inputs()[0]);
    Layout layout = context.preferredLayout(x.index());
    String in = context.value(x.index(), layout);
    float beta =
        op.builtinCode() == BuiltinOperator.SOFTMAX ? Converter.floatOption(op, 0, 1f) : 1f;
    if (beta != 1f) {
      in = graph.node("Mul", List.of(in, graph.scalar("beta", beta)), graph.fresh(in + "_beta"));
    }
    long axis = layout == Layout.NCHW ? 1 : -1;
    context.define(op.outputs()[0], graph.apply(onnxOp, in, attr("axis", axis)), layout);
  }

  void notEqual(Operator op) {
    Tensor y = context.tensor(op.outputs()[0]);
    Layout layout = context.elementwiseLayout(op, y);
    String equal =
        graph.node(
            "Equal",
            List.of(
                context.operand(op.inputs()[0], layout, y.rank()),
                context.operand(op.inputs()[1], layout, y.rank())),
            graph.fresh(y.name() + "_eq"));
    context.define(op.outputs()[0], graph.apply("Not", equal), layout);
  }

  void floorDiv(Operator op) {
    Tensor y = context.tensor(op.outputs()[0]);
    if (y.type() != TensorType.FLOAT32) {
      throw context.unsupported("FLOOR_DIV on " + y.type() + " is not supported, only on float32");
    }
    Layout layout = context.elementwiseLayout(op, y);
    String quotient =
        graph.node(
            "Div",
            List.of(
                context.operand(op.inputs()[0], layout, y.rank()),
                context.operand(op.inputs()[1], layout, y.rank())),
            graph.fresh(y.name() + "_div"));
    context.define(op.outputs()[0], graph.apply("Floor", quotient), layout);
  }

  void zerosLike(Operator op) {
    String x = context.value(op.inputs()[0], Layout.NATIVE);
    String zero = graph.node("Sub", List.of(x, x), graph.fresh(x + "_zeros"));
    context.define(op.outputs()[0], zero, Layout.NATIVE);
  }
}
