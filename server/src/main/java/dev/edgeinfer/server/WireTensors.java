package dev.edgeinfer.server;

import dev.edgeinfer.runtime.Dimension;
import dev.edgeinfer.runtime.ElementType;
import dev.edgeinfer.runtime.Tensor;
import dev.edgeinfer.runtime.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Converts between the protocol's {@link InferTensor} (little-endian wire layout) and the runtime's
 * {@link Tensor} (native order, what ONNX Runtime reads), checking names, datatypes and shapes
 * against the model with one-line 400 messages.
 */
final class WireTensors {
  private WireTensors() {}

  /**
   * The protocol datatype of a runtime element type; empty for those the protocol lacks (bfloat16).
   */
  static Optional<Datatype> datatype(ElementType type) {
    return Optional.ofNullable(
        switch (type) {
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
          case BFLOAT16 -> null;
        });
  }

  static InferenceService.TensorMetadata metadata(TensorSpec spec) {
    return new InferenceService.TensorMetadata(
        spec.name(),
        datatype(spec.type()).orElseThrow(),
        spec.shape().stream().map(d -> d instanceof Dimension.Fixed f ? f.size() : -1L).toList());
  }

  /**
   * Checks the request's inputs against the model and converts them; closes what it made if one is
   * bad.
   */
  static Map<String, Tensor> inputs(String model, List<TensorSpec> specs, List<InferTensor> wire) {
    if (wire.size() != specs.size()
        || !wire.stream()
            .map(InferTensor::name)
            .collect(Collectors.toSet())
            .equals(specs.stream().map(TensorSpec::name).collect(Collectors.toSet()))
        || hasDuplicates(wire)) {
      throw bad(
          "model '"
              + model
              + "' takes inputs "
              + specs.stream().map(WireTensors::describe).toList()
              + " but the request has "
              + wire.stream().map(InferTensor::name).toList()
              + "; send each input once by name");
    }
    Map<String, Tensor> tensors = new java.util.LinkedHashMap<>();
    try {
      for (InferTensor tensor : wire) {
        TensorSpec spec =
            specs.stream().filter(s -> s.name().equals(tensor.name())).findFirst().orElseThrow();
        tensors.put(tensor.name(), toTensor(model, spec, tensor));
      }
      return tensors;
    } catch (RuntimeException e) {
      tensors.values().forEach(Tensor::close);
      throw e;
    }
  }

  private static boolean hasDuplicates(List<InferTensor> wire) {
    return wire.stream().map(InferTensor::name).distinct().count() != wire.size();
  }

  static Tensor toTensor(String model, TensorSpec spec, InferTensor wire) {
    Datatype expected = datatype(spec.type()).orElseThrow();
    String what = "input '" + spec.name() + "' of model '" + model + "'";
    switch (wire.datatype()) {
      case UINT16, UINT32, UINT64 ->
          throw bad(
              what
                  + " got "
                  + wire.datatype()
                  + ", which ONNX Runtime's Java API "
                  + "cannot build tensors of (so no served model takes it); send "
                  + expected);
      default -> {}
    }
    if (wire.datatype() != expected) {
      throw bad(what + " needs datatype " + expected + ", got " + wire.datatype());
    }
    long[] shape = wire.shape();
    if (!fits(spec, shape)) {
      throw bad(
          what + " needs shape " + dims(spec) + ", got " + Arrays.toString(shape).replace(" ", ""));
    }
    ByteBuffer data = wire.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long count;
    try {
      count = wire.elementCount();
    } catch (ArithmeticException e) {
      throw bad(what + " has shape " + Arrays.toString(shape) + ", too many elements");
    }
    if (expected == Datatype.BYTES) {
      return Tensor.ofStrings(strings(what, data, count), shape);
    }
    long bytes = count * expected.byteSize();
    if (data.remaining() != bytes) {
      throw bad(
          what
              + " has "
              + data.remaining()
              + " bytes of data, but "
              + expected
              + Arrays.toString(shape).replace(" ", "")
              + " needs "
              + bytes);
    }
    Tensor tensor = Tensor.zeros(spec.type(), shape);
    copy(data, tensor.buffer(), expected.byteSize());
    return tensor;
  }

  /** A runtime output as a protocol tensor (a little-endian copy). */
  static InferTensor toWire(String name, Tensor tensor) {
    Datatype datatype =
        datatype(tensor.type())
            .orElseThrow(
                () ->
                    new ServerException(
                        ServerException.Code.INTERNAL,
                        "output '"
                            + name
                            + "' is "
                            + tensor.type()
                            + ", which the protocol has no datatype for; cast it in the model"));
    ByteBuffer out;
    if (datatype == Datatype.BYTES) {
      String[] values = tensor.toStrings();
      byte[][] encoded = new byte[values.length][];
      int total = 0;
      for (int i = 0; i < values.length; i++) {
        encoded[i] = values[i].getBytes(StandardCharsets.UTF_8);
        total = Math.addExact(total, 4 + encoded[i].length);
      }
      out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
      for (byte[] value : encoded) {
        out.putInt(value.length).put(value);
      }
      out.flip();
    } else {
      ByteBuffer source = tensor.buffer();
      out = ByteBuffer.allocate(source.remaining()).order(ByteOrder.LITTLE_ENDIAN);
      copy(source, out, datatype.byteSize());
      out.clear();
    }
    return new InferTensor(name, datatype, tensor.shape(), out, Map.of());
  }

  /** Rows along the first axis, for batching; 1 for a model without a batch axis. */
  static long rows(Map<String, Tensor> inputs) {
    long rows = -1;
    for (var entry : inputs.entrySet()) {
      long[] shape = entry.getValue().shape();
      long first = shape.length == 0 ? 1 : shape[0];
      if (rows >= 0 && first != rows) {
        throw bad(
            "inputs disagree on the batch size: '"
                + entry.getKey()
                + "' has "
                + first
                + " rows, others "
                + rows
                + "; give every input the same first dimension");
      }
      rows = first;
    }
    return Math.max(rows, 0);
  }

  private static boolean fits(TensorSpec spec, long[] shape) {
    if (shape.length != spec.rank()) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (spec.shape().get(i) instanceof Dimension.Fixed f && f.size() != shape[i]) {
        return false;
      }
    }
    return true;
  }

  private static String[] strings(String what, ByteBuffer data, long count) {
    if (count > data.remaining() / 4) {
      throw bad(
          what
              + " declares "
              + count
              + " BYTES elements but has only "
              + data.remaining()
              + " bytes of data");
    }
    String[] values = new String[(int) count];
    for (int i = 0; i < values.length; i++) {
      if (data.remaining() < 4) {
        throw bad(what + " has " + i + " BYTES elements of the " + count + " its shape needs");
      }
      int length = data.getInt();
      if (length < 0 || length > data.remaining()) {
        throw bad(
            what
                + " has BYTES element "
                + i
                + " of length "
                + Integer.toUnsignedString(length)
                + " but only "
                + data.remaining()
                + " bytes follow");
      }
      byte[] bytes = new byte[length];
      data.get(bytes);
      values[i] = new String(bytes, StandardCharsets.UTF_8);
    }
    if (data.hasRemaining()) {
      throw bad(
          what
              + " has "
              + data.remaining()
              + " bytes of data beyond its "
              + count
              + " BYTES elements");
    }
    return values;
  }

  /** Copies elements between buffers of possibly different byte orders. */
  private static void copy(ByteBuffer from, ByteBuffer to, int elementSize) {
    switch (elementSize) {
      case 1 -> to.put(from);
      case 2 -> to.asShortBuffer().put(from.asShortBuffer());
      case 4 -> to.asIntBuffer().put(from.asIntBuffer());
      case 8 -> to.asLongBuffer().put(from.asLongBuffer());
      default -> throw new IllegalArgumentException("element size " + elementSize);
    }
  }

  static String describe(TensorSpec spec) {
    return spec.name()
        + " "
        + datatype(spec.type()).map(Enum::name).orElse(spec.type().toString())
        + dims(spec);
  }

  private static String dims(TensorSpec spec) {
    return spec.shape().stream()
        .map(d -> d instanceof Dimension.Fixed f ? Long.toString(f.size()) : "-1")
        .collect(Collectors.joining(",", "[", "]"));
  }

  private static ServerException bad(String message) {
    return new ServerException(ServerException.Code.BAD_REQUEST, message);
  }
}
