package dev.edgeinfer.server;

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

  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }
}
