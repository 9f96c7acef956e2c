package dev.edgeinfer.onnx;

import dev.edgeinfer.onnx.proto.GraphProto;
import dev.edgeinfer.onnx.proto.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Multiply-accumulates one inference of a graph takes, for a batch of one (symbolic sizes count as
 * 1).
 *
 * <p>Convolutions, matrix products and recurrent cells are counted; the other operators of the
 * default domain count as zero. Operators outside both groups (custom domains, control flow, {@code
 * Einsum}...), and counted operators whose shapes could not be inferred, make the figure a lower
 * bound: their op types are listed in {@link #notEstimated()}.
 *
 * @param macs the multiply-accumulates counted
 * @param notEstimated op types whose work is not in {@code macs}, sorted
 */
record MacEstimate(long macs, List<String> notEstimated) {

  private static final Set<String> COUNTED =
      ShapeInference.names(
          """
          Conv ConvInteger QLinearConv ConvTranspose Gemm MatMul MatMulInteger
          QLinearMatMul LSTM GRU RNN
          """);

  /** Default-domain operators that do no multiply-accumulate work worth counting. */
  private static final Set<String> FREE =
      ShapeInference.names(
          """
          Abs Acos Acosh Add And ArgMax ArgMin Asin Asinh Atan Atanh AveragePool
          BatchNormalization Bernoulli BitShift BitwiseAnd BitwiseNot BitwiseOr
          BitwiseXor BlackmanWindow Cast CastLike Ceil Celu CenterCropPad Clip Compress
          Concat ConcatFromSequence Constant ConstantOfShape Cos Cosh CumSum DepthToSpace
          DequantizeLinear Div Dropout DynamicQuantizeLinear Elu Equal Erf Exp Expand
          EyeLike Flatten Floor Gather GatherElements GatherND Gelu GlobalAveragePool
          GlobalLpPool GlobalMaxPool Greater GreaterOrEqual GridSample GroupNormalization
          HammingWindow HannWindow HardSigmoid HardSwish Hardmax Identity
          InstanceNormalization IsInf IsNaN LRN LayerNormalization LeakyRelu Less
          LessOrEqual Log LogSoftmax LpNormalization LpPool Max MaxPool MaxRoiPool
          MaxUnpool Mean MeanVarianceNormalization Min Mish Mod Mul Multinomial Neg
          NonMaxSuppression NonZero Not OneHot Or PRelu Pad Pow QuantizeLinear
          RandomNormal RandomNormalLike RandomUniform RandomUniformLike Range Reciprocal
          ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin
          ReduceProd ReduceSum ReduceSumSquare Relu Reshape Resize ReverseSequence
          RoiAlign Round Scatter ScatterElements ScatterND Selu SequenceAt
          SequenceConstruct SequenceEmpty SequenceErase SequenceInsert SequenceLength
          Shape Shrink Sigmoid Sign Sin Sinh Size Slice Softmax Softplus Softsign
          SpaceToDepth Split SplitToSequence Sqrt Squeeze Sub Sum Tan Tanh
          ThresholdedRelu Tile TopK Transpose Trilu Unique Unsqueeze Upsample Where Xor
          """);

  MacEstimate {
    if (macs < 0) {
      throw new IllegalArgumentException("macs must be >= 0, got " + macs);
    }
    notEstimated = List.copyOf(notEstimated);
  }

  /** Counts the multiply-accumulates of {@code graph}'s nodes, using {@code shapes}. */
  static MacEstimate of(GraphProto graph, ShapeInference shapes) {
    long total = 0;
    Set<String> notEstimated = new TreeSet<>();
    for (NodeProto proto : graph.getNodeList()) {
      GraphNode node = new GraphNode(proto);
      if (node.isDefaultDomain() && FREE.contains(node.opType())) {
        continue;
      }
      OptionalLong macs =
          node.isDefaultDomain() && COUNTED.contains(node.opType())
              ? count(node, shapes)
              : OptionalLong.empty();
      if (macs.isEmpty()) {
        notEstimated.add(node.qualifiedOpType());
        continue;
      }
      try {
        total = Math.addExact(total, macs.getAsLong());
      } catch (ArithmeticException overflow) {
        notEstimated.add(node.qualifiedOpType());
      }
    }
    return new MacEstimate(total, List.copyOf(notEstimated));
  }

  private static OptionalLong count(GraphNode node, ShapeInference shapes) {
    try {
      return switch (node.opType()) {
        case "Conv", "ConvInteger" -> convolution(node, shapes, 1);
        case "QLinearConv" -> convolution(node, shapes, 3);
        case "ConvTranspose" -> transposedConvolution(node, shapes);
        case "Gemm" -> gemm(node, shapes);
        case "MatMul", "MatMulInteger", "QLinearMatMul" -> matMul(node, shapes);
        case "LSTM" -> recurrent(node, shapes, 4);
        case "GRU" -> recurrent(node, shapes, 3);
        case "RNN" -> recurrent(node, shapes, 1);
        default -> OptionalLong.empty();
      };
    } catch (ArithmeticException overflow) {
      return OptionalLong.empty();
    }
  }

  private static Optional<Shape> shapeOf(GraphNode node, ShapeInference shapes, int input) {
    return node.input(input).flatMap(shapes::shape);
  }

  private static Optional<Shape> outputShape(GraphNode node, ShapeInference shapes) {
    return node.proto().getOutputCount() == 0
        ? Optional.empty()
        : shapes.shape(node.proto().getOutput(0));
  }

  /**
   * N·C_out·∏output·(C_in/group)·∏kernel, that is the output's batch and spatial size times the
   * weights.
   */
  private static OptionalLong convolution(GraphNode node, ShapeInference shapes, int weightsIndex) {
    Optional<Shape> out = outputShape(node, shapes);
    Optional<Shape> weights = shapeOf(node, shapes, weightsIndex);
    if (out.isEmpty() || weights.isEmpty() || out.get().rank() < 3) {
      return OptionalLong.empty();
    }
    Shape y = out.get();
    List<Dim> batchAndSpatial = new ArrayList<>(y.dims().subList(2, y.rank()));
    batchAndSpatial.add(y.dim(0));
    return product(new Shape(batchAndSpatial), weights.get());
  }

  /** N·C_in·∏input·(C_out/group)·∏kernel: every input pixel is spread over the kernel. */
  private static OptionalLong transposedConvolution(GraphNode node, ShapeInference shapes) {
    Optional<Shape> in = shapeOf(node, shapes, 0);
    Optional<Shape> weights = shapeOf(node, shapes, 1);
    if (in.isEmpty() || weights.isEmpty() || in.get().rank() < 3) {
      return OptionalLong.empty();
    }
    Shape x = in.get();
    List<Dim> batchAndSpatial = new ArrayList<>(x.dims().subList(2, x.rank()));
    batchAndSpatial.add(x.dim(0));
    return product(new Shape(batchAndSpatial), weights.get());
  }

  /** M·N·K, K read from whichever operand has it. */
  private static OptionalLong gemm(GraphNode node, ShapeInference shapes) {
    Optional<Shape> out = outputShape(node, shapes);
    if (out.isEmpty()) {
      return OptionalLong.empty();
    }
    Dim fromA =
        shapeOf(node, shapes, 0)
            .filter(s -> s.rank() == 2)
            .map(s -> s.dim(node.intAttribute("transA", 0) != 0 ? 0 : 1))
            .orElse(Dim.UNKNOWN);
    Dim fromB =
        shapeOf(node, shapes, 1)
            .filter(s -> s.rank() == 2)
            .map(s -> s.dim(node.intAttribute("transB", 0) != 0 ? 1 : 0))
            .orElse(Dim.UNKNOWN);
    return product(out.get(), new Shape(List.of(fromA.isKnown() ? fromA : fromB)));
  }

  /** batch·M·N·K: each output element is a dot product of length K. */
  private static OptionalLong matMul(GraphNode node, ShapeInference shapes) {
    Optional<Shape> out = outputShape(node, shapes);
    if (out.isEmpty()) {
      return OptionalLong.empty();
    }
    int bIndex = node.opType().equals("QLinearMatMul") ? 3 : 1;
    Dim fromA =
        shapeOf(node, shapes, 0).filter(s -> s.rank() >= 1).map(s -> s.dim(-1)).orElse(Dim.UNKNOWN);
    Dim fromB =
        shapeOf(node, shapes, bIndex)
            .filter(s -> s.rank() >= 1)
            .map(s -> s.dim(s.rank() == 1 ? 0 : -2))
            .orElse(Dim.UNKNOWN);
    return product(out.get(), new Shape(List.of(fromA.isKnown() ? fromA : fromB)));
  }

  /**
   * sequence·batch·directions·gates·hidden·(input + hidden): each step multiplies the input and the
   * previous state by the gate weights.
   */
  private static OptionalLong recurrent(GraphNode node, ShapeInference shapes, int gates) {
    Optional<Shape> x = shapeOf(node, shapes, 0).filter(s -> s.rank() == 3);
    Optional<Shape> r = shapeOf(node, shapes, 2).filter(s -> s.rank() == 3);
    if (x.isEmpty() || r.isEmpty()) {
      return OptionalLong.empty();
    }
    OptionalLong steps = x.get().elementCountForBatchOne();
    OptionalLong inputSize = x.get().dim(2).sizeForBatchOne();
    OptionalLong directions = r.get().dim(0).sizeForBatchOne();
    OptionalLong hidden = r.get().dim(2).sizeForBatchOne();
    if (steps.isEmpty() || inputSize.isEmpty() || directions.isEmpty() || hidden.isEmpty()) {
      return OptionalLong.empty();
    }
    long sequenceTimesBatch =
        inputSize.getAsLong() == 0 ? 0 : steps.getAsLong() / inputSize.getAsLong();
    long h = hidden.getAsLong();
    return OptionalLong.of(
        Math.multiplyExact(
            Math.multiplyExact(
                Math.multiplyExact(sequenceTimesBatch, directions.getAsLong()), gates * h),
            Math.addExact(inputSize.getAsLong(), h)));
  }

  private static OptionalLong product(Shape first, Shape second) {
    OptionalLong a = first.elementCountForBatchOne();
    OptionalLong b = second.elementCountForBatchOne();
    if (a.isEmpty() || b.isEmpty()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.multiplyExact(a.getAsLong(), b.getAsLong()));
  }
}
