package dev.edgeinfer.onnx;

import com.google.protobuf.ByteString;
import dev.edgeinfer.onnx.proto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * A tensor stored in the model (an initializer or a {@code Constant}), read as numbers.
 *
 * <p>Values are decoded only from data held in the model: a tensor whose data is external, or whose
 * type has no numeric reading here, yields {@link Optional#empty()}.
 */
record ConstantTensor(TensorProto proto) {

  /**
   * Number of elements: the product of the dimensions, 1 for a scalar; saturates at Long.MAX_VALUE.
   */
  long elementCount() {
    long count = 1;
    for (long dim : proto.getDimsList()) {
      try {
        count = Math.multiplyExact(count, Math.max(dim, 0));
      } catch (ArithmeticException overflow) {
        return Long.MAX_VALUE;
      }
    }
    return count;
  }

  /**
   * Bytes the elements take, strings counted by their encoded length; saturates at Long.MAX_VALUE.
   */
  long byteSize() {
    if (proto.getDataType() == TensorProto.DataType.STRING_VALUE) {
      return proto.getStringDataList().stream().mapToLong(ByteString::size).sum();
    }
    try {
      return ElementType.of(proto.getDataType())
          .map(type -> type.bytesFor(elementCount()))
          .orElse(0L);
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }

  boolean isExternal() {
    return proto.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
  }

  /** The elements as integers, for integer and boolean tensors held in the model. */
  Optional<long[]> longs() {
    if (isExternal() || elementCount() > Integer.MAX_VALUE) {
      return Optional.empty();
    }
    int count = (int) elementCount();
    ElementType type = ElementType.of(proto.getDataType()).orElse(ElementType.STRING);
    if (!isInteger(type)) {
      return Optional.empty();
    }
    long[] out = new long[count];
    if (proto.hasRawData()) {
      ByteBuffer raw = proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if ((long) count * (type.bits() / 8) != raw.remaining()) {
        return Optional.empty();
      }
      for (int i = 0; i < count; i++) {
        out[i] =
            switch (type) {
              case INT64, UINT64 -> raw.getLong();
              case INT32 -> raw.getInt();
              case UINT32 -> Integer.toUnsignedLong(raw.getInt());
              case INT16 -> raw.getShort();
              case UINT16 -> Short.toUnsignedLong(raw.getShort());
              case INT8 -> raw.get();
              case UINT8, BOOL -> Byte.toUnsignedLong(raw.get());
              default -> throw new IllegalStateException("not an integer type: " + type);
            };
      }
      return Optional.of(out);
    }
    switch (type) {
      case INT64 -> {
        if (proto.getInt64DataCount() != count) {
          return Optional.empty();
        }
        for (int i = 0; i < count; i++) {
          out[i] = proto.getInt64Data(i);
        }
      }
      case UINT32, UINT64 -> {
        if (proto.getUint64DataCount() != count) {
          return Optional.empty();
        }
        for (int i = 0; i < count; i++) {
          out[i] = proto.getUint64Data(i);
        }
      }
      default -> {
        if (proto.getInt32DataCount() != count) {
          return Optional.empty();
        }
        for (int i = 0; i < count; i++) {
          out[i] = proto.getInt32Data(i);
        }
      }
    }
    return Optional.of(out);
  }

  /** The elements as doubles, for float, double, float16 and integer tensors held in the model. */
  Optional<double[]> doubles() {
    if (isExternal() || elementCount() > Integer.MAX_VALUE) {
      return Optional.empty();
    }
    int count = (int) elementCount();
    int dataType = proto.getDataType();
    double[] out = new double[count];
    if (dataType == TensorProto.DataType.FLOAT_VALUE) {
      if (proto.hasRawData()) {
        ByteBuffer raw = proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (raw.remaining() != 4L * count) {
          return Optional.empty();
        }
        for (int i = 0; i < count; i++) {
          out[i] = raw.getFloat();
        }
      } else if (proto.getFloatDataCount() == count) {
        for (int i = 0; i < count; i++) {
          out[i] = proto.getFloatData(i);
        }
      } else {
        return Optional.empty();
      }
      return Optional.of(out);
    }
    if (dataType == TensorProto.DataType.DOUBLE_VALUE) {
      if (proto.hasRawData()) {
        ByteBuffer raw = proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (raw.remaining() != 8L * count) {
          return Optional.empty();
        }
        for (int i = 0; i < count; i++) {
          out[i] = raw.getDouble();
        }
      } else if (proto.getDoubleDataCount() == count) {
        for (int i = 0; i < count; i++) {
          out[i] = proto.getDoubleData(i);
        }
      } else {
        return Optional.empty();
      }
      return Optional.of(out);
    }
    if (dataType == TensorProto.DataType.FLOAT16_VALUE) {
      if (proto.hasRawData()) {
        ByteBuffer raw = proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (raw.remaining() != 2L * count) {
          return Optional.empty();
        }
        for (int i = 0; i < count; i++) {
          out[i] = Float.float16ToFloat(raw.getShort());
        }
      } else if (proto.getInt32DataCount() == count) {
        for (int i = 0; i < count; i++) {
          out[i] = Float.float16ToFloat((short) proto.getInt32Data(i));
        }
      } else {
        return Optional.empty();
      }
      return Optional.of(out);
    }
    return longs()
        .map(
            longs -> {
              for (int i = 0; i < count; i++) {
                out[i] = longs[i];
              }
              return out;
            });
  }

  private static boolean isInteger(ElementType type) {
    return switch (type) {
      case INT64, UINT64, INT32, UINT32, INT16, UINT16, INT8, UINT8, BOOL -> true;
      default -> false;
    };
  }
}
