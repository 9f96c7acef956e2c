package dev.edgeinfer.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.edgeinfer.server.grpc.InferParameter;
import dev.edgeinfer.server.grpc.InferStatistics;
import dev.edgeinfer.server.grpc.InferTensorContents;
import dev.edgeinfer.server.grpc.ModelInferRequest;
import dev.edgeinfer.server.grpc.ModelInferResponse;
import dev.edgeinfer.server.grpc.ModelMetadataResponse;
import dev.edgeinfer.server.grpc.StatisticDuration;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Translates between the gRPC messages of {@code grpc_service.proto} and the protocol-neutral
 * {@link InferRequest}, {@link InferResponse} and metadata records, in both directions: the front
 * end decodes requests and encodes responses, the gRPC client does the reverse. Raw contents pass
 * through as they are (they already have the {@link InferTensor#data()} layout); typed contents are
 * packed into that layout. Every size and datatype is checked, and a bad request fails with a
 * {@link ServerException} {@code BAD_REQUEST} that names the tensor. Stateless.
 */
final class GrpcCodec {
  private static final List<String> TRANSPORT_PARAMETERS =
      List.of("binary_data", "binary_data_size", "binary_data_output");

  private GrpcCodec() {}

  // ---- server side: requests in, responses out

  /** Decodes a request from a client, checking every input against its datatype and shape. */
  static InferRequest request(ModelInferRequest message) {
    if (message.getModelName().isEmpty()) {
      throw badRequest("model_name is empty: name the model to run");
    }
    boolean raw = message.getRawInputContentsCount() > 0;
    if (raw && message.getRawInputContentsCount() != message.getInputsCount()) {
      throw badRequest(
          "raw_input_contents has "
              + message.getRawInputContentsCount()
              + " entries but there are "
              + message.getInputsCount()
              + " inputs; send one entry per input, in the order of 'inputs'");
    }
    List<InferTensor> inputs = new ArrayList<>(message.getInputsCount());
    for (int i = 0; i < message.getInputsCount(); i++) {
      ModelInferRequest.InferInputTensor input = message.getInputs(i);
      String name = input.getName().isEmpty() ? "#" + i : input.getName();
      Datatype datatype = datatype(input.getDatatype(), name);
      long[] shape = toArray(input.getShapeList());
      long count = elementCount(name, shape);
      ByteBuffer data;
      if (raw) {
        if (input.hasContents() && !fieldsIn(input.getContents()).isEmpty()) {
          throw badRequest(
              "input '"
                  + name
                  + "' sets contents while raw_input_contents is used; send each input one way");
        }
        data = raw(message.getRawInputContents(i));
        checkRaw("input '" + name + "'", datatype, count, data);
      } else {
        data = pack("input '" + name + "'", datatype, count, input.getContents());
      }
      inputs.add(
          new InferTensor(
              input.getName(), datatype, shape, data, parameters(input.getParametersMap())));
    }
    List<InferRequest.RequestedOutput> outputs = new ArrayList<>(message.getOutputsCount());
    for (ModelInferRequest.InferRequestedOutputTensor output : message.getOutputsList()) {
      if (output.getName().isEmpty()) {
        throw badRequest("a requested output has no name");
      }
      InferParameter classification = output.getParametersMap().get("classification");
      if (classification != null && classification.getInt64Param() != 0) {
        throw badRequest(
            "output '"
                + output.getName()
                + "' asks for the classification extension, which EdgeInfer does not serve;"
                + " request the output tensor and take the top classes on the client");
      }
      outputs.add(new InferRequest.RequestedOutput(output.getName(), true));
    }
    return new InferRequest(
        message.getModelName(),
        nonEmpty(message.getModelVersion()),
        nonEmpty(message.getId()),
        inputs,
        outputs,
        InferRequest.timeoutParameter(parameters(message.getParametersMap())));
  }

  /** Encodes a result the way Triton does by default: every output in raw_output_contents. */
  static ModelInferResponse response(InferResponse response) {
    ModelInferResponse.Builder message =
        ModelInferResponse.newBuilder()
            .setModelName(response.model())
            .setModelVersion(response.version());
    response.id().ifPresent(message::setId);
    for (InferTensor output : response.outputs()) {
      message.addOutputs(
          ModelInferResponse.InferOutputTensor.newBuilder()
              .setName(output.name())
              .setDatatype(output.datatype().name())
              .addAllShape(Arrays.stream(output.shape()).boxed().toList())
              .putAllParameters(messages(output.parameters())));
      message.addRawOutputContents(bytes(output.data()));
    }
    return message.build();
  }

  static ModelMetadataResponse metadata(InferenceService.ModelMetadata metadata) {
    ModelMetadataResponse.Builder message =
        ModelMetadataResponse.newBuilder()
            .setName(metadata.name())
            .addAllVersions(metadata.versions())
            .setPlatform(metadata.platform());
    metadata.inputs().forEach(tensor -> message.addInputs(tensorMetadata(tensor)));
    metadata.outputs().forEach(tensor -> message.addOutputs(tensorMetadata(tensor)));
    return message.build();
  }

  /** A model version's counters as Triton's statistics message. */
  static dev.edgeinfer.server.grpc.ModelStatistics statistics(ModelStatistics counters) {
    return dev.edgeinfer.server.grpc.ModelStatistics.newBuilder()
        .setName(counters.model())
        .setVersion(counters.version())
        .setInferenceCount(counters.inferences())
        .setExecutionCount(counters.executions())
        .setInferenceStats(
            InferStatistics.newBuilder()
                .setSuccess(duration(counters.success(), counters.requestNanos()))
                .setFail(duration(counters.failure(), 0))
                .setQueue(duration(counters.success(), counters.queueNanos()))
                .setComputeInput(duration(counters.success(), counters.computeInputNanos()))
                .setComputeInfer(duration(counters.success(), counters.computeInferNanos()))
                .setComputeOutput(duration(counters.success(), counters.computeOutputNanos()))
                .setCacheHit(duration(0, 0))
                .setCacheMiss(duration(0, 0)))
        .build();
  }

  private static StatisticDuration duration(long count, long nanos) {
    return StatisticDuration.newBuilder().setCount(count).setNs(nanos).build();
  }

  // ---- client side: requests out, responses in

  /** Encodes a request for a server, every input as raw contents (what Triton clients send). */
  static ModelInferRequest request(InferRequest request) {
    ModelInferRequest.Builder message =
        ModelInferRequest.newBuilder().setModelName(request.model());
    request.version().ifPresent(message::setModelVersion);
    request.id().ifPresent(message::setId);
    request
        .timeout()
        .ifPresent(
            limit ->
                message.putParameters(
                    "timeout",
                    InferParameter.newBuilder().setInt64Param(limit.toNanos() / 1000).build()));
    for (InferTensor input : request.inputs()) {
      message.addInputs(
          ModelInferRequest.InferInputTensor.newBuilder()
              .setName(input.name())
              .setDatatype(input.datatype().name())
              .addAllShape(Arrays.stream(input.shape()).boxed().toList())
              .putAllParameters(messages(input.parameters())));
      message.addRawInputContents(bytes(input.data()));
    }
    for (InferRequest.RequestedOutput output : request.outputs()) {
      message.addOutputs(
          ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(output.name()));
    }
    return message.build();
  }

  /** Decodes a server's result, from raw_output_contents or typed contents. */
  static InferResponse response(ModelInferResponse message) {
    boolean raw = message.getRawOutputContentsCount() > 0;
    if (raw && message.getRawOutputContentsCount() != message.getOutputsCount()) {
      throw badRequest(
          "the response has "
              + message.getRawOutputContentsCount()
              + " raw_output_contents for "
              + message.getOutputsCount()
              + " outputs");
    }
    List<InferTensor> outputs = new ArrayList<>(message.getOutputsCount());
    for (int i = 0; i < message.getOutputsCount(); i++) {
      ModelInferResponse.InferOutputTensor output = message.getOutputs(i);
      String name = "output '" + output.getName() + "'";
      Datatype datatype = datatype(output.getDatatype(), output.getName());
      long[] shape = toArray(output.getShapeList());
      long count = elementCount(output.getName(), shape);
      ByteBuffer data;
      if (raw) {
        data = raw(message.getRawOutputContents(i));
        checkRaw(name, datatype, count, data);
      } else {
        data = pack(name, datatype, count, output.getContents());
      }
      outputs.add(
          new InferTensor(
              output.getName(), datatype, shape, data, parameters(output.getParametersMap())));
    }
    return new InferResponse(
        message.getModelName(), message.getModelVersion(), nonEmpty(message.getId()), outputs);
  }

  static InferenceService.ModelMetadata metadata(ModelMetadataResponse message) {
    return new InferenceService.ModelMetadata(
        message.getName(),
        message.getVersionsList(),
        message.getPlatform(),
        message.getInputsList().stream().map(GrpcCodec::tensorMetadata).toList(),
        message.getOutputsList().stream().map(GrpcCodec::tensorMetadata).toList());
  }

  // ---- tensors

  /** Packs typed contents into the binary layout, checking the field, the count and the ranges. */
  static ByteBuffer pack(String what, Datatype datatype, long count, InferTensorContents contents) {
    String field = field(datatype, what);
    List<String> used = fieldsIn(contents);
    used.remove(field);
    if (!used.isEmpty()) {
      throw badRequest(
          what + " is " + datatype + " but its contents are in " + used + "; use " + field);
    }
    int n = fieldCount(datatype, contents);
    if (n != count) {
      throw badRequest(
          what
              + " has "
              + n
              + " elements in "
              + field
              + " but its shape holds "
              + count
              + "; send exactly one value per element");
    }
    if (datatype == Datatype.BYTES) {
      long total = 0;
      for (ByteString element : contents.getBytesContentsList()) {
        total += 4L + element.size();
      }
      ByteBuffer out = allocate(what, total);
      for (ByteString element : contents.getBytesContentsList()) {
        out.putInt(element.size());
        element.copyTo(out);
      }
      return out.flip();
    }
    ByteBuffer out = allocate(what, count * datatype.byteSize());
    for (int i = 0; i < n; i++) {
      switch (datatype) {
        case BOOL -> out.put((byte) (contents.getBoolContents(i) ? 1 : 0));
        case INT8 -> out.put((byte) inRange(what, i, contents.getIntContents(i), -128, 127));
        case INT16 ->
            out.putShort((short) inRange(what, i, contents.getIntContents(i), -32768, 32767));
        case INT32 -> out.putInt(contents.getIntContents(i));
        case INT64 -> out.putLong(contents.getInt64Contents(i));
        case UINT8 ->
            out.put(
                (byte)
                    inRange(what, i, Integer.toUnsignedLong(contents.getUintContents(i)), 0, 255));
        case UINT16 ->
            out.putShort(
                (short)
                    inRange(
                        what, i, Integer.toUnsignedLong(contents.getUintContents(i)), 0, 65535));
        case UINT32 -> out.putInt(contents.getUintContents(i));
        case UINT64 -> out.putLong(contents.getUint64Contents(i));
        case FP32 -> out.putFloat(contents.getFp32Contents(i));
        case FP64 -> out.putDouble(contents.getFp64Contents(i));
        default -> throw new IllegalStateException("no typed contents for " + datatype);
      }
    }
    return out.flip();
  }

  /** Checks that raw bytes hold exactly {@code count} elements of {@code datatype}. */
  static void checkRaw(String what, Datatype datatype, long count, ByteBuffer data) {
    if (datatype != Datatype.BYTES) {
      long expected = count * datatype.byteSize();
      if (data.remaining() != expected) {
        throw badRequest(
            what
                + " has "
                + data.remaining()
                + " bytes of raw contents but "
                + datatype
                + " with "
                + count
                + " elements needs "
                + expected);
      }
      return;
    }
    ByteBuffer walk = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long elements = 0;
    while (walk.hasRemaining()) {
      if (walk.remaining() < 4) {
        throw badRequest(
            what
                + " ends inside a BYTES length prefix; each element is a 4-byte "
                + "little-endian length, then that many bytes");
      }
      int length = walk.getInt();
      if (length < 0 || length > walk.remaining()) {
        throw badRequest(
            what
                + " element "
                + elements
                + " claims "
                + Integer.toUnsignedLong(length)
                + " bytes but only "
                + walk.remaining()
                + " remain");
      }
      walk.position(walk.position() + length);
      elements++;
    }
    if (elements != count) {
      throw badRequest(
          what + " holds " + elements + " BYTES elements but its shape needs " + count);
    }
  }

  private static String field(Datatype datatype, String what) {
    return switch (datatype) {
      case BOOL -> "bool_contents";
      case INT8, INT16, INT32 -> "int_contents";
      case INT64 -> "int64_contents";
      case UINT8, UINT16, UINT32 -> "uint_contents";
      case UINT64 -> "uint64_contents";
      case FP32 -> "fp32_contents";
      case FP64 -> "fp64_contents";
      case BYTES -> "bytes_contents";
      case FP16 ->
          throw badRequest(
              what
                  + " is FP16, which has no typed contents field; send it in raw contents"
                  + " (2-byte little-endian IEEE half floats)");
    };
  }

  private static int fieldCount(Datatype datatype, InferTensorContents contents) {
    return switch (datatype) {
      case BOOL -> contents.getBoolContentsCount();
      case INT8, INT16, INT32 -> contents.getIntContentsCount();
      case INT64 -> contents.getInt64ContentsCount();
      case UINT8, UINT16, UINT32 -> contents.getUintContentsCount();
      case UINT64 -> contents.getUint64ContentsCount();
      case FP32 -> contents.getFp32ContentsCount();
      case FP64 -> contents.getFp64ContentsCount();
      case BYTES -> contents.getBytesContentsCount();
      case FP16 -> 0;
    };
  }

  private static List<String> fieldsIn(InferTensorContents contents) {
    List<String> used = new ArrayList<>();
    if (contents.getBoolContentsCount() > 0) used.add("bool_contents");
    if (contents.getIntContentsCount() > 0) used.add("int_contents");
    if (contents.getInt64ContentsCount() > 0) used.add("int64_contents");
    if (contents.getUintContentsCount() > 0) used.add("uint_contents");
    if (contents.getUint64ContentsCount() > 0) used.add("uint64_contents");
    if (contents.getFp32ContentsCount() > 0) used.add("fp32_contents");
    if (contents.getFp64ContentsCount() > 0) used.add("fp64_contents");
    if (contents.getBytesContentsCount() > 0) used.add("bytes_contents");
    return used;
  }

  private static long inRange(String what, int index, long value, long min, long max) {
    if (value < min || value > max) {
      throw badRequest(
          what + " element " + index + " is " + value + ", outside [" + min + ", " + max + "]");
    }
    return value;
  }

  private static ByteBuffer allocate(String what, long bytes) {
    if (bytes > Integer.MAX_VALUE - 8) {
      throw badRequest(what + " needs " + bytes + " bytes, more than one tensor can hold (2 GiB)");
    }
    return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer raw(ByteString bytes) {
    return bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Wraps without copying: a response's or request's data is not changed once built. */
  private static ByteString bytes(ByteBuffer data) {
    return UnsafeByteOperations.unsafeWrap(data.duplicate().position(0));
  }

  private static Datatype datatype(String name, String tensor) {
    if (name.isEmpty()) {
      throw badRequest("tensor '" + tensor + "' has no datatype: give one such as FP32 or INT64");
    }
    return Datatype.parse(name);
  }

  private static long elementCount(String tensor, long[] shape) {
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw badRequest(
            "tensor '"
                + tensor
                + "' has a negative dimension in shape "
                + Arrays.toString(shape)
                + "; send concrete sizes");
      }
      try {
        count = Math.multiplyExact(count, dim);
      } catch (ArithmeticException e) {
        throw badRequest(
            "tensor '" + tensor + "' shape " + Arrays.toString(shape) + " is too large");
      }
    }
    return count;
  }

  private static long[] toArray(List<Long> shape) {
    return shape.stream().mapToLong(Long::longValue).toArray();
  }

  private static Optional<String> nonEmpty(String value) {
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  private static ModelMetadataResponse.TensorMetadata tensorMetadata(
      InferenceService.TensorMetadata tensor) {
    return ModelMetadataResponse.TensorMetadata.newBuilder()
        .setName(tensor.name())
        .setDatatype(tensor.datatype().name())
        .addAllShape(tensor.shape())
        .build();
  }

  private static InferenceService.TensorMetadata tensorMetadata(
      ModelMetadataResponse.TensorMetadata tensor) {
    return new InferenceService.TensorMetadata(
        tensor.getName(), Datatype.parse(tensor.getDatatype()), tensor.getShapeList());
  }

  /** Parameter values as Java values: Boolean, Long, String or Double (uint64 as its long bits). */
  static Map<String, Object> parameters(Map<String, InferParameter> parameters) {
    Map<String, Object> values = new HashMap<>();
    parameters.forEach(
        (key, value) -> {
          switch (value.getParameterChoiceCase()) {
            case BOOL_PARAM -> values.put(key, value.getBoolParam());
            case INT64_PARAM -> values.put(key, value.getInt64Param());
            case STRING_PARAM -> values.put(key, value.getStringParam());
            case DOUBLE_PARAM -> values.put(key, value.getDoubleParam());
            case UINT64_PARAM -> values.put(key, value.getUint64Param());
            case PARAMETERCHOICE_NOT_SET -> {}
          }
        });
    return values;
  }

  private static Map<String, InferParameter> messages(Map<String, Object> parameters) {
    Map<String, InferParameter> messages = new HashMap<>();
    parameters.forEach(
        (key, value) -> {
          if (TRANSPORT_PARAMETERS.contains(key)) {
            return;
          }
          InferParameter.Builder parameter = InferParameter.newBuilder();
          switch (value) {
            case Boolean b -> parameter.setBoolParam(b);
            case Long l -> parameter.setInt64Param(l);
            case Integer i -> parameter.setInt64Param(i);
            case Double d -> parameter.setDoubleParam(d);
            case Float f -> parameter.setDoubleParam(f);
            default -> parameter.setStringParam(String.valueOf(value));
          }
          messages.put(key, parameter.build());
        });
    return messages;
  }

  private static ServerException badRequest(String message) {
    return new ServerException(ServerException.Code.BAD_REQUEST, message);
  }
}
