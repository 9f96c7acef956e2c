package dev.edgeinfer.server;

import dev.edgeinfer.runtime.ElementType;
import dev.edgeinfer.runtime.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Converts between the runtime's {@link Tensor} (native byte order) and the protocol's {@link
 * InferTensor} (little-endian wire layout) for {@link InferenceClient}: strings travel as UTF-8
 * BYTES. Stateless.
 */
final class ClientTensorCodec {
  private ClientTensorCodec() {}

  /** An input as the protocol carries it (a little-endian copy). */
  static InferTensor wire(String name, Tensor tensor) {
    Datatype datatype =
        switch (tensor.type()) {
          case FLOAT32 -> Datatype.FP32;
          case FLOAT16 -> Datatype.FP16;
          case FLOAT64 -> Datatype.FP64;
          case INT8 -> Datatype.INT8;
          case UINT8 -> Datatype.UINT8;
          case INT16 -> Datatype.INT16;
          case INT32 -> Datatype.INT32;
          case INT64 -> Datatype.INT64;
          case BOOL -> Datatype.BOOL;
          case STRING -> Datatype.BYTES;
          case BFLOAT16 ->
              throw new IllegalArgumentException(
                  "input '"
                      + name
                      + "' is bfloat16, which the KServe v2 protocol has no datatype for; convert"
                      + " it to float32 or float16");
        };
    if (datatype == Datatype.BYTES) {
      String[] values = tensor.toStrings();
      byte[][] encoded = new byte[values.length][];
      long total = 0;
      for (int i = 0; i < values.length; i++) {
        encoded[i] = values[i].getBytes(StandardCharsets.UTF_8);
        total += 4L + encoded[i].length;
      }
      ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(total)).order(ByteOrder.LITTLE_ENDIAN);
      for (byte[] value : encoded) {
        out.putInt(value.length).put(value);
      }
      return new InferTensor(name, datatype, tensor.shape(), out.flip(), Map.of());
    }
    ByteBuffer source = tensor.buffer();
    ByteBuffer out = ByteBuffer.allocate(source.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    copy(source, out, datatype.byteSize());
    return new InferTensor(name, datatype, tensor.shape(), out.clear(), Map.of());
  }

  /** An output as a runtime tensor (a native-order copy). */
  static Tensor tensor(InferTensor wire) {
    ElementType type =
        switch (wire.datatype()) {
          case FP32 -> ElementType.FLOAT32;
          case FP16 -> ElementType.FLOAT16;
          case FP64 -> ElementType.FLOAT64;
          case INT8 -> ElementType.INT8;
          case UINT8 -> ElementType.UINT8;
          case INT16 -> ElementType.INT16;
          case INT32 -> ElementType.INT32;
          case INT64 -> ElementType.INT64;
          case BOOL -> ElementType.BOOL;
          case BYTES -> ElementType.STRING;
          case UINT16, UINT32, UINT64 ->
              throw new IllegalArgumentException(
                  "output '"
                      + wire.name()
                      + "' is "
                      + wire.datatype()
                      + ", which runtime tensors cannot hold; call infer(InferRequest) to get it as"
                      + " protocol bytes");
        };
    ByteBuffer data = wire.data().duplicate().position(0).order(ByteOrder.LITTLE_ENDIAN);
    if (type == ElementType.STRING) {
      String[] values = new String[Math.toIntExact(wire.elementCount())];
      for (int i = 0; i < values.length; i++) {
        byte[] bytes = new byte[data.getInt()];
        data.get(bytes);
        values[i] = new String(bytes, StandardCharsets.UTF_8);
      }
      return Tensor.ofStrings(values, wire.shape());
    }
    Tensor tensor = Tensor.zeros(type, wire.shape());
    copy(data, tensor.buffer(), type.byteSize());
    return tensor;
  }

  /** Copies whole elements, swapping bytes where the two orders differ. */
  private static void copy(ByteBuffer from, ByteBuffer to, int elementSize) {
    switch (elementSize) {
      case 1 -> to.put(from);
      case 2 -> to.asShortBuffer().put(from.asShortBuffer());
      case 4 -> to.asIntBuffer().put(from.asIntBuffer());
      case 8 -> to.asLongBuffer().put(from.asLongBuffer());
      default -> throw new IllegalStateException("no element is " + elementSize + " bytes wide");
    }
  }
}
