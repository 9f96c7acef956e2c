package dev.edgeinfer.server;

import dev.edgeinfer.runtime.Tensor;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * A tensor as the protocol carries it: name, datatype, shape and its elements in the binary tensor
 * layout (row-major, little-endian; BYTES elements as 4-byte length + bytes). Both the JSON and the
 * binary extension, REST and gRPC, decode into and encode from this form.
 *
 * @param name the input or output name
 * @param datatype the protocol datatype
 * @param shape dimensions
 * @param data the elements, little-endian, position 0 to limit
 * @param parameters protocol parameters of this tensor (e.g. {@code binary_data})
 */
public record InferTensor(
    String name, Datatype datatype, long[] shape, ByteBuffer data, Map<String, Object> parameters) {
  public InferTensor {
    if (name.isEmpty()) {
      throw new ServerException(ServerException.Code.BAD_REQUEST, "a tensor needs a name");
    }
    shape = shape.clone();
    for (long d : shape) {
      if (d < 0) {
        throw new ServerException(
            ServerException.Code.BAD_REQUEST,
            "tensor '" + name + "' has a negative dimension in shape " + Arrays.toString(shape));
      }
    }
    parameters = Map.copyOf(parameters);
  }

  /**
   * A runtime tensor as the protocol carries it (a little-endian copy); strings travel as UTF-8
   * BYTES.
   *
   * @throws IllegalArgumentException for bfloat16, which the protocol has no datatype for
   */
  public static InferTensor of(String name, Tensor tensor) {
    return ClientTensorCodec.wire(name, tensor);
  }

  /**
   * This tensor as a runtime tensor (a native-order copy the caller closes).
   *
   * @throws IllegalArgumentException for UINT16/32/64, which runtime tensors cannot hold
   */
  public Tensor toTensor() {
    return ClientTensorCodec.tensor(this);
  }

  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }
}
