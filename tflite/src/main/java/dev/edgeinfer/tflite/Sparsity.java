package dev.edgeinfer.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Expands a constant stored in TFLite's sparse format (the {@code SparsityParameters} of
 * schema.fbs: a traversal order over the tensor's dimensions and optional block dimensions, each
 * dense or compressed-sparse-row) into ordinary dense row-major bytes.
 */
final class Sparsity {
  private static final int SPARSE_CSR = 1;

  private final int[] shape;
  private final int rank;
  private final int[] traversal;
  private final int[] blockMap;
  private final int[] denseSize;
  private final int[][] segments;
  private final int[][] indices;
  private final int[] blockSizes;
  private final ByteBuffer values;
  private final byte[] dense;
  private final int elementBytes;
  private int next;

  private Sparsity(
      FlatTable sparsity, int[] shape, int elementBytes, ByteBuffer values, String name) {
    this.shape = shape;
    this.rank = shape.length;
    this.traversal = sparsity.ints(0);
    this.blockMap = sparsity.ints(1);
    this.elementBytes = elementBytes;
    this.values = values;
    int levels = sparsity.vectorSize(2);
    if (levels != traversal.length || levels != rank + blockMap.length) {
      throw new TfliteException(
          TfliteException.Code.INVALID_MODEL,
          "sparse tensor '"
              + name
              + "' has "
              + levels
              + " dimension entries for rank "
              + rank
              + " and "
              + blockMap.length
              + " block dimensions");
    }
    denseSize = new int[levels];
    segments = new int[levels][];
    indices = new int[levels][];
    for (int level = 0; level < levels; level++) {
      FlatTable meta =
          sparsity.tableAt(2, level, "dimension " + level + " of sparse '" + name + "'");
      if (meta.int8(0, 0) == SPARSE_CSR) {
        segments[level] = indexVector(meta, 2, 3, name);
        indices[level] = indexVector(meta, 4, 5, name);
      } else {
        denseSize[level] = meta.int32(1, 0);
      }
    }
    blockSizes = new int[blockMap.length];
    for (int b = 0; b < blockMap.length; b++) {
      for (int level = 0; level < levels; level++) {
        if (traversal[level] == rank + b) {
          blockSizes[b] = denseSize[level];
        }
      }
    }
    long count = 1;
    for (int dim : shape) {
      count *= dim;
    }
    this.dense = new byte[Math.toIntExact(count * elementBytes)];
  }

  /** The dense row-major bytes of a sparse constant. */
  static ByteBuffer densify(
      FlatTable sparsity, int[] shape, int elementBytes, ByteBuffer values, String name) {
    Sparsity s = new Sparsity(sparsity, shape, elementBytes, values, name);
    s.fill(new int[s.traversal.length], 0, 0);
    return ByteBuffer.wrap(s.dense).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static int[] indexVector(FlatTable meta, int typeField, int field, String name) {
    int type = meta.uint8(typeField, 0);
    FlatTable vector =
        meta.table(field, "index vector of sparse '" + name + "'")
            .orElseThrow(
                () ->
                    new TfliteException(
                        TfliteException.Code.INVALID_MODEL,
                        "sparse tensor '" + name + "' lacks its index arrays"));
    return switch (type) {
      case 1 -> vector.ints(0);
      case 2, 3 -> {
        int width = type == 2 ? 2 : 1;
        ByteBuffer raw = vector.vector(0, width);
        int[] out = new int[raw.remaining() / width];
        for (int i = 0; i < out.length; i++) {
          out[i] = width == 2 ? raw.getShort(2 * i) & 0xffff : raw.get(i) & 0xff;
        }
        yield out;
      }
      default ->
          throw new TfliteException(
              TfliteException.Code.INVALID_MODEL,
              "sparse tensor '" + name + "' has index vector type " + type);
    };
  }

  private void fill(int[] position, int level, int parent) {
    if (level == traversal.length) {
      int[] coordinate = new int[rank];
      for (int l = 0; l < traversal.length; l++) {
        int dim = traversal[l];
        if (dim < rank) {
          coordinate[dim] += position[l] * blockSizeOf(dim);
        } else {
          coordinate[blockMap[dim - rank]] += position[l];
        }
      }
      int offset = 0;
      for (int d = 0; d < rank; d++) {
        if (coordinate[d] >= shape[d]) {
          throw new TfliteException(
              TfliteException.Code.INVALID_MODEL, "a sparse index lies outside the tensor");
        }
        offset = offset * shape[d] + coordinate[d];
      }
      int from = next++ * elementBytes;
      if (from + elementBytes > values.limit()) {
        throw new TfliteException(
            TfliteException.Code.TRUNCATED, "a sparse tensor holds fewer values than its indices");
      }
      for (int b = 0; b < elementBytes; b++) {
        dense[offset * elementBytes + b] = values.get(from + b);
      }
      return;
    }
    if (segments[level] == null) {
      for (int i = 0; i < denseSize[level]; i++) {
        position[level] = i;
        fill(position, level + 1, parent * denseSize[level] + i);
      }
    } else {
      int[] seg = segments[level];
      if (parent + 1 >= seg.length) {
        throw new TfliteException(
            TfliteException.Code.INVALID_MODEL, "a sparse segment array is too short");
      }
      for (int j = seg[parent]; j < seg[parent + 1]; j++) {
        position[level] = indices[level][j];
        fill(position, level + 1, j);
      }
    }
  }

  private int blockSizeOf(int dim) {
    for (int b = 0; b < blockMap.length; b++) {
      if (blockMap[b] == dim) {
        return blockSizes[b];
      }
    }
    return 1;
  }
}
