package dev.edgeinfer.server;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A KServe v2 REST inference response: the JSON header and, for outputs sent with the binary tensor
 * data extension, their bytes after it.
 *
 * @param json the JSON document
 * @param binary the binary outputs' bytes, in output order
 */
record RestInferResponse(byte[] json, List<ByteBuffer> binary) {
  RestInferResponse {
    binary = List.copyOf(binary);
  }

  /**
   * True when the body carries binary data, so it needs {@code Inference-Header-Content-Length}.
   */
  boolean hasBinary() {
    return !binary.isEmpty();
  }

  static RestInferResponse encode(InferResponse response, RestInferRequest request) {
    Set<String> binaryNames =
        request.request().outputs().stream()
            .filter(InferRequest.RequestedOutput::binary)
            .map(InferRequest.RequestedOutput::name)
            .collect(Collectors.toSet());
    List<ByteBuffer> binary = new ArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = RestInferRequest.JSON.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("model_name", response.model());
      json.writeStringField("model_version", response.version());
      if (response.id().isPresent()) {
        json.writeStringField("id", response.id().get());
      }
      json.writeArrayFieldStart("outputs");
      for (InferTensor tensor : response.outputs()) {
        json.writeStartObject();
        json.writeStringField("name", tensor.name());
        json.writeStringField("datatype", tensor.datatype().name());
        json.writeArrayFieldStart("shape");
        for (long d : tensor.shape()) {
          json.writeNumber(d);
        }
        json.writeEndArray();
        if (request.binaryOutputs() || binaryNames.contains(tensor.name())) {
          ByteBuffer data = tensor.data().duplicate();
          json.writeObjectFieldStart("parameters");
          json.writeNumberField("binary_data_size", data.remaining());
          json.writeEndObject();
          binary.add(data);
        } else {
          json.writeArrayFieldStart("data");
          writeData(json, tensor);
          json.writeEndArray();
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RestInferResponse(out.toByteArray(), binary);
  }

  private static void writeData(JsonGenerator json, InferTensor tensor) throws IOException {
    ByteBuffer data = tensor.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long count = tensor.elementCount();
    for (long i = 0; i < count; i++) {
      switch (tensor.datatype()) {
        case BOOL -> json.writeBoolean(data.get() != 0);
        case UINT8 -> json.writeNumber(data.get() & 0xff);
        case INT8 -> json.writeNumber(data.get());
        case UINT16 -> json.writeNumber(data.getShort() & 0xffff);
        case INT16 -> json.writeNumber(data.getShort());
        case UINT32 -> json.writeNumber(data.getInt() & 0xffffffffL);
        case INT32 -> json.writeNumber(data.getInt());
        case UINT64 -> json.writeNumber(Long.toUnsignedString(data.getLong()));
        case INT64 -> json.writeNumber(data.getLong());
        case FP16 -> writeReal(json, Float.float16ToFloat(data.getShort()));
        case FP32 -> writeReal(json, data.getFloat());
        case FP64 -> writeReal(json, data.getDouble());
        case BYTES -> {
          byte[] bytes = new byte[data.getInt()];
          data.get(bytes);
          json.writeString(new String(bytes, StandardCharsets.UTF_8));
        }
      }
    }
  }

  private static void writeReal(JsonGenerator json, float value) throws IOException {
    if (Float.isFinite(value)) {
      json.writeNumber(value);
    } else {
      json.writeNumber(Float.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }
  }

  private static void writeReal(JsonGenerator json, double value) throws IOException {
    if (Double.isFinite(value)) {
      json.writeNumber(value);
    } else {
      json.writeNumber(Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }
  }
}
