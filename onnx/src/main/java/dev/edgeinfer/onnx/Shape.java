package dev.edgeinfer.onnx;

import dev.edgeinfer.onnx.proto.TensorShapeProto;
import dev.edgeinfer.onnx.proto.TypeProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** The shape of a tensor as far as it is known: its rank, and per axis a {@link Dim}. */
record Shape(List<Dim> dims) {

  Shape {
    dims = List.copyOf(dims);
  }

  static Shape of(long... sizes) {
    List<Dim> dims = new ArrayList<>(sizes.length);
    for (long size : sizes) {
      dims.add(size >= 0 ? Dim.of(size) : Dim.UNKNOWN);
    }
    return new Shape(dims);
  }

  static Shape of(List<Long> sizes) {
    return of(sizes.stream().mapToLong(Long::longValue).toArray());
  }

  /** A shape of {@code rank} axes about which nothing else is known. */
  static Shape unknownOfRank(int rank) {
    return new Shape(Collections.nCopies(rank, Dim.UNKNOWN));
  }

  /** The declared shape of a tensor or sparse tensor type; empty when it declares none. */
  static Optional<Shape> of(TypeProto type) {
    TensorShapeProto shape;
    if (type.hasTensorType() && type.getTensorType().hasShape()) {
      shape = type.getTensorType().getShape();
    } else if (type.hasSparseTensorType() && type.getSparseTensorType().hasShape()) {
      shape = type.getSparseTensorType().getShape();
    } else {
      return Optional.empty();
    }
    return Optional.of(new Shape(shape.getDimList().stream().map(Dim::of).toList()));
  }

  int rank() {
    return dims.size();
  }

  /** The axis {@code axis}, counted from the end when negative. */
  Dim dim(int axis) {
    return dims.get(axis < 0 ? axis + dims.size() : axis);
  }

  /** Number of elements for a batch-1 estimate; empty when any axis is unknown. */
  OptionalLong elementCountForBatchOne() {
    long count = 1;
    for (Dim dim : dims) {
      OptionalLong size = dim.sizeForBatchOne();
      if (size.isEmpty()) {
        return OptionalLong.empty();
      }
      try {
        count = Math.multiplyExact(count, size.getAsLong());
      } catch (ArithmeticException overflow) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(count);
  }

  /** The product of the axes {@code [from, to)}, kept symbolic when exactly one symbol remains. */
  Dim product(int from, int to) {
    return product(dims.subList(from, to));
  }

  static Dim product(List<Dim> dims) {
    long known = 1;
    Dim symbol = null;
    for (Dim dim : dims) {
      switch (dim) {
        case Dim.Known(long value) -> known = value < 0 ? -1 : known * value;
        case Dim.Symbolic s -> {
          if (symbol != null) {
            return Dim.UNKNOWN;
          }
          symbol = s;
        }
        case Dim.Unknown u -> {
          return Dim.UNKNOWN;
        }
      }
      if (known < 0) {
        return Dim.UNKNOWN;
      }
    }
    if (symbol == null) {
      return Dim.of(known);
    }
    return known == 1 ? symbol : known == 0 ? Dim.of(0) : Dim.UNKNOWN;
  }

  /**
   * The shape numpy-style broadcasting gives these shapes: axes aligned from the right, an axis of
   * size 1 stretching to the other sizes.
   */
  static Shape broadcast(List<Shape> shapes) {
    int rank = shapes.stream().mapToInt(Shape::rank).max().orElse(0);
    List<Dim> out = new ArrayList<>(rank);
    for (int i = 0; i < rank; i++) {
      List<Dim> column = new ArrayList<>();
      for (Shape shape : shapes) {
        int axis = i - (rank - shape.rank());
        if (axis >= 0) {
          column.add(shape.dims.get(axis));
        }
      }
      out.add(broadcastDim(column));
    }
    return new Shape(out);
  }

  private static Dim broadcastDim(List<Dim> column) {
    Dim known = null;
    Dim symbol = null;
    boolean unknown = false;
    boolean allOnes = true;
    for (Dim dim : column) {
      if (dim.is(1)) {
        continue;
      }
      allOnes = false;
      switch (dim) {
        case Dim.Known k -> {
          if (known != null && !known.equals(k)) {
            return Dim.UNKNOWN;
          }
          known = k;
        }
        case Dim.Symbolic s -> {
          if (symbol != null && !symbol.equals(s)) {
            unknown = true;
          }
          symbol = s;
        }
        case Dim.Unknown u -> unknown = true;
      }
    }
    if (allOnes) {
      return Dim.of(1);
    }
    if (known != null) {
      return known;
    }
    return unknown ? Dim.UNKNOWN : symbol;
  }

  /**
   * Combines what inference found with what the model declares: per axis a known size wins over a
   * symbol, and a symbol over nothing; the declaration wins when the two disagree.
   */
  static Optional<Shape> merge(Optional<Shape> inferred, Optional<Shape> declared) {
    if (inferred.isEmpty() || declared.isEmpty()) {
      return inferred.isPresent() ? inferred : declared;
    }
    List<Dim> a = inferred.get().dims;
    List<Dim> b = declared.get().dims;
    if (a.size() != b.size()) {
      return declared;
    }
    List<Dim> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      Dim mine = a.get(i);
      Dim theirs = b.get(i);
      if (theirs.isKnown()) {
        out.add(theirs);
      } else if (mine.isKnown()) {
        out.add(mine);
      } else if (theirs instanceof Dim.Symbolic) {
        out.add(theirs);
      } else {
        out.add(mine);
      }
    }
    return Optional.of(new Shape(out));
  }

  /**
   * Resolves a Reshape target: {@code 0} copies the input axis (unless {@code allowZero}), one
   * {@code -1} takes whatever size is left.
   */
  static Optional<Shape> reshape(Optional<Shape> input, List<Dim> target, boolean allowZero) {
    List<Dim> out = new ArrayList<>(target.size());
    int inferAt = -1;
    for (int i = 0; i < target.size(); i++) {
      Dim t = target.get(i);
      if (t.is(0) && !allowZero) {
        out.add(
            input
                .filter(s -> s.rank() > out.size())
                .map(s -> s.dims.get(out.size()))
                .orElse(Dim.UNKNOWN));
      } else if (t.is(-1)) {
        if (inferAt >= 0) {
          return Optional.empty();
        }
        inferAt = i;
        out.add(Dim.UNKNOWN);
      } else if (t instanceof Dim.Known(long v) && v < -1) {
        return Optional.empty();
      } else {
        out.add(t);
      }
    }
    if (inferAt >= 0 && input.isPresent()) {
      List<Dim> others = new ArrayList<>(out);
      others.remove(inferAt);
      out.set(inferAt, quotient(input.get().dims, others));
    }
    return Optional.of(new Shape(out));
  }

  /**
   * The size that, multiplied by {@code divisor}'s axes, gives {@code dividend}'s element count.
   */
  private static Dim quotient(List<Dim> dividend, List<Dim> divisor) {
    long knownDividend = 1;
    long knownDivisor = 1;
    Map<String, Integer> symbols = new HashMap<>();
    for (Dim dim : dividend) {
      switch (dim) {
        case Dim.Known(long v) -> knownDividend *= v;
        case Dim.Symbolic(String name) -> symbols.merge(name, 1, Integer::sum);
        case Dim.Unknown u -> {
          return Dim.UNKNOWN;
        }
      }
    }
    for (Dim dim : divisor) {
      switch (dim) {
        case Dim.Known(long v) -> knownDivisor *= v;
        case Dim.Symbolic(String name) -> {
          if (symbols.merge(name, -1, Integer::sum) < 0) {
            return Dim.UNKNOWN;
          }
        }
        case Dim.Unknown u -> {
          return Dim.UNKNOWN;
        }
      }
    }
    symbols.values().removeIf(count -> count == 0);
    if (knownDivisor == 0 || knownDividend % knownDivisor != 0) {
      return Dim.UNKNOWN;
    }
    long ratio = knownDividend / knownDivisor;
    if (symbols.isEmpty()) {
      return Dim.of(ratio);
    }
    if (symbols.size() == 1 && symbols.values().iterator().next() == 1 && ratio == 1) {
      return new Dim.Symbolic(symbols.keySet().iterator().next());
    }
    return Dim.UNKNOWN;
  }

  @Override
  public String toString() {
    return dims.toString();
  }
}
