package dev.edgeinfer.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A KServe v2 REST inference request body, parsed with jackson-core's streaming parser: JSON
 * tensors (flat or nested {@code data}) and the binary tensor data extension ({@code
 * Inference-Header-Content-Length}, {@code binary_data_size}).
 *
 * @param request the protocol-neutral request
 * @param binaryOutputs whether {@code binary_data_output} asked for every output in binary
 */
record RestInferRequest(InferRequest request, boolean binaryOutputs) {
  static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** A tensor while its fields arrive in any order. */
  private static final class PendingTensor {
    String name;
    Datatype datatype;
    long[] shape;
    ByteBuffer data;
    List<Object> untyped;
    long binarySize = -1;
    final Map<String, Object> parameters = new HashMap<>();
  }

  /**
   * Parses {@code body}; {@code headerLength} is the {@code Inference-Header-Content-Length}, or
   * empty when the whole body is JSON.
   */
  static RestInferRequest parse(
      String model, Optional<String> version, byte[] body, Optional<Integer> headerLength) {
    int jsonLength = headerLength.orElse(body.length);
    if (jsonLength < 0 || jsonLength > body.length) {
      throw bad(
          "Inference-Header-Content-Length is "
              + jsonLength
              + " but the body has "
              + body.length
              + " bytes");
    }
    List<PendingTensor> inputs = new ArrayList<>();
    List<InferRequest.RequestedOutput> outputs = new ArrayList<>();
    Optional<String> id = Optional.empty();
    boolean binaryOutputs = false;
    Optional<java.time.Duration> timeout = Optional.empty();
    try (JsonParser parser = JSON.createParser(body, 0, jsonLength)) {
      expect(parser.nextToken(), JsonToken.START_OBJECT, "the request body");
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "id" -> id = Optional.of(text(parser, "id"));
          case "parameters" -> {
            expect(value, JsonToken.START_OBJECT, "parameters");
            Map<String, Object> parameters = parameters(parser);
            binaryOutputs = Boolean.TRUE.equals(parameters.get("binary_data_output"));
            timeout = InferRequest.timeoutParameter(parameters);
          }
          case "inputs" -> {
            expect(value, JsonToken.START_ARRAY, "inputs");
            while (parser.nextToken() != JsonToken.END_ARRAY) {
              inputs.add(tensor(parser, body.length));
            }
          }
          case "outputs" -> {
            expect(value, JsonToken.START_ARRAY, "outputs");
            while (parser.nextToken() != JsonToken.END_ARRAY) {
              outputs.add(output(parser));
            }
          }
          default -> parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        throw bad("the request body has data after its JSON object");
      }
    } catch (JsonProcessingException e) {
      throw bad(
          "malformed JSON in the request: " + ModelConfigFile.firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw bad("cannot read the request: " + e.getMessage());
    }
    if (inputs.isEmpty()) {
      throw bad(
          "the request has no inputs; send \"inputs\": [{\"name\", \"datatype\", \"shape\", \"data\"}]");
    }
    ByteBuffer binary = ByteBuffer.wrap(body, jsonLength, body.length - jsonLength).slice();
    List<InferTensor> tensors = new ArrayList<>(inputs.size());
    for (PendingTensor pending : inputs) {
      tensors.add(finish(pending, binary));
    }
    if (binary.hasRemaining()) {
      throw bad(
          "the request has "
              + binary.remaining()
              + " bytes of binary data that no input's binary_data_size "
              + "claims");
    }
    return new RestInferRequest(
        new InferRequest(model, version, id, tensors, outputs, timeout), binaryOutputs);
  }

  private static PendingTensor tensor(JsonParser parser, int bodyLength) throws IOException {
    expect(parser.currentToken(), JsonToken.START_OBJECT, "an input");
    PendingTensor tensor = new PendingTensor();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "name" -> tensor.name = text(parser, "an input's name");
        case "datatype" -> tensor.datatype = Datatype.parse(text(parser, "datatype"));
        case "shape" -> {
          expect(value, JsonToken.START_ARRAY, "shape");
          List<Long> dims = new ArrayList<>();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT || parser.getLongValue() < 0) {
              throw bad("shape must be a list of whole numbers >= 0, got " + parser.getText());
            }
            dims.add(parser.getLongValue());
          }
          tensor.shape = dims.stream().mapToLong(Long::longValue).toArray();
        }
        case "parameters" -> {
          expect(value, JsonToken.START_OBJECT, "parameters");
          tensor.parameters.putAll(parameters(parser));
          if (tensor.parameters.get("binary_data_size") instanceof Long size) {
            tensor.binarySize = size;
          } else if (tensor.parameters.containsKey("binary_data_size")) {
            throw bad("binary_data_size must be a whole number of bytes");
          }
        }
        case "data" -> {
          if (tensor.datatype != null && tensor.shape != null) {
            tensor.data = data(parser, tensor, bodyLength);
          } else {
            tensor.untyped = new ArrayList<>();
            collect(parser, tensor.untyped);
          }
        }
        default -> parser.skipChildren();
      }
    }
    return tensor;
  }

  private static InferTensor finish(PendingTensor tensor, ByteBuffer binary) {
    if (tensor.name == null || tensor.name.isEmpty()) {
      throw bad("an input has no name");
    }
    String what = "input '" + tensor.name + "'";
    if (tensor.datatype == null) {
      throw bad(what + " has no datatype");
    }
    if (tensor.shape == null) {
      throw bad(what + " has no shape");
    }
    ByteBuffer data;
    if (tensor.binarySize >= 0) {
      if (tensor.data != null || tensor.untyped != null) {
        throw bad(what + " has both JSON data and binary_data_size; send one");
      }
      if (tensor.binarySize > binary.remaining()) {
        throw bad(
            what
                + " has binary_data_size "
                + tensor.binarySize
                + " but only "
                + binary.remaining()
                + " bytes of binary data are left (is Inference-Header-Content-Length right?)");
      }
      int size = (int) tensor.binarySize;
      data = binary.slice(binary.position(), size).order(ByteOrder.LITTLE_ENDIAN);
      binary.position(binary.position() + size);
    } else if (tensor.data != null) {
      data = tensor.data;
    } else if (tensor.untyped != null) {
      data = encode(tensor, tensor.untyped);
    } else {
      throw bad(what + " has no data; send \"data\" or a binary_data_size");
    }
    return new InferTensor(tensor.name, tensor.datatype, tensor.shape, data, tensor.parameters);
  }

  private static InferRequest.RequestedOutput output(JsonParser parser) throws IOException {
    expect(parser.currentToken(), JsonToken.START_OBJECT, "an output");
    String name = null;
    boolean binary = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "name" -> name = text(parser, "an output's name");
        case "parameters" -> {
          expect(value, JsonToken.START_OBJECT, "parameters");
          binary = Boolean.TRUE.equals(parameters(parser).get("binary_data"));
        }
        default -> parser.skipChildren();
      }
    }
    if (name == null || name.isEmpty()) {
      throw bad("a requested output has no name");
    }
    return new InferRequest.RequestedOutput(name, binary);
  }

  /** Scalar parameters (bool, number, string); nested values are skipped. */
  private static Map<String, Object> parameters(JsonParser parser) throws IOException {
    Map<String, Object> parameters = new HashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (value) {
        case VALUE_TRUE, VALUE_FALSE -> parameters.put(name, parser.getBooleanValue());
        case VALUE_NUMBER_INT -> parameters.put(name, parser.getLongValue());
        case VALUE_NUMBER_FLOAT -> parameters.put(name, parser.getDoubleValue());
        case VALUE_STRING -> parameters.put(name, parser.getText());
        default -> parser.skipChildren();
      }
    }
    return parameters;
  }

  /** Streams (nested) JSON data straight into the wire layout. */
  private static ByteBuffer data(JsonParser parser, PendingTensor tensor, int bodyLength)
      throws IOException {
    long count = count(tensor);
    if (count > bodyLength) {
      throw bad(
          "input '"
              + tensor.name
              + "' has shape "
              + Arrays.toString(tensor.shape)
              + " ("
              + count
              + " elements), more than a "
              + bodyLength
              + "-byte body can hold");
    }
    Writer writer = new Writer(tensor, count);
    if (parser.currentToken() == JsonToken.START_ARRAY) {
      writeArray(parser, writer);
    } else {
      writer.write(parser);
    }
    return writer.finish();
  }

  private static void writeArray(JsonParser parser, Writer writer) throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token == JsonToken.START_ARRAY) {
        writeArray(parser, writer);
      } else {
        writer.write(parser);
      }
    }
  }

  private static void collect(JsonParser parser, List<Object> values) throws IOException {
    if (parser.currentToken() == JsonToken.START_ARRAY) {
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        collect(parser, values);
      }
      return;
    }
    values.add(
        switch (parser.currentToken()) {
          case VALUE_TRUE, VALUE_FALSE -> parser.getBooleanValue();
          case VALUE_NUMBER_INT -> parser.getBigIntegerValue();
          case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
          case VALUE_STRING -> parser.getText();
          default ->
              throw bad(
                  "data holds " + parser.currentToken() + "; use numbers, booleans or strings");
        });
  }

  private static ByteBuffer encode(PendingTensor tensor, List<Object> values) {
    Writer writer = new Writer(tensor, count(tensor));
    for (Object value : values) {
      writer.write(value);
    }
    return writer.finish();
  }

  private static long count(PendingTensor tensor) {
    long n = 1;
    try {
      for (long d : tensor.shape) {
        n = Math.multiplyExact(n, d);
      }
    } catch (ArithmeticException e) {
      throw bad(
          "input '" + tensor.name + "' has shape " + Arrays.toString(tensor.shape) + ", too large");
    }
    return n;
  }

  /** Appends elements of one datatype, little-endian, checking each value's range. */
  private static final class Writer {
    private final PendingTensor tensor;
    private final long expected;
    private ByteBuffer out;
    private long written;

    Writer(PendingTensor tensor, long expected) {
      this.tensor = tensor;
      this.expected = expected;
      int size = Math.max(tensor.datatype.byteSize(), 1);
      this.out =
          ByteBuffer.allocate((int) Math.min(Math.max(expected * size, 16), 1 << 20))
              .order(ByteOrder.LITTLE_ENDIAN);
    }

    void write(JsonParser parser) throws IOException {
      write(
          switch (parser.currentToken()) {
            case VALUE_TRUE, VALUE_FALSE -> parser.getBooleanValue();
            case VALUE_NUMBER_INT ->
                parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? parser.getBigIntegerValue()
                    : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_STRING -> parser.getText();
            default ->
                throw bad(
                    "input '"
                        + tensor.name
                        + "' data holds "
                        + parser.currentToken()
                        + "; use numbers, booleans or strings");
          });
    }

    void write(Object value) {
      written++;
      if (written > expected) {
        throw bad(
            "input '"
                + tensor.name
                + "' has more values than its shape "
                + Arrays.toString(tensor.shape)
                + " holds ("
                + expected
                + ")");
      }
      Datatype type = tensor.datatype;
      ensure(
          type == Datatype.BYTES
              ? 4 + ((String) checkString(value)).length() * 3
              : type.byteSize());
      switch (type) {
        case BOOL -> out.put((byte) (bool(value) ? 1 : 0));
        case UINT8 -> out.put((byte) integer(value, 0, 255));
        case INT8 -> out.put((byte) integer(value, Byte.MIN_VALUE, Byte.MAX_VALUE));
        case UINT16 -> out.putShort((short) integer(value, 0, 65535));
        case INT16 -> out.putShort((short) integer(value, Short.MIN_VALUE, Short.MAX_VALUE));
        case UINT32 -> out.putInt((int) integer(value, 0, 0xffffffffL));
        case INT32 -> out.putInt((int) integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE));
        case INT64 -> out.putLong(integer(value, Long.MIN_VALUE, Long.MAX_VALUE));
        case UINT64 -> out.putLong(unsigned64(value));
        case FP16 -> out.putShort(Float.floatToFloat16((float) real(value)));
        case FP32 -> out.putFloat((float) real(value));
        case FP64 -> out.putDouble(real(value));
        case BYTES -> {
          byte[] bytes = ((String) value).getBytes(StandardCharsets.UTF_8);
          out.putInt(bytes.length).put(bytes);
        }
      }
    }

    ByteBuffer finish() {
      if (written != expected) {
        throw bad(
            "input '"
                + tensor.name
                + "' has "
                + written
                + " values but its shape "
                + Arrays.toString(tensor.shape).replace(" ", "")
                + " needs "
                + expected);
      }
      return out.flip();
    }

    private Object checkString(Object value) {
      if (!(value instanceof String)) {
        throw bad(
            "input '" + tensor.name + "' is BYTES, so its data must be strings, got " + value);
      }
      return value;
    }

    private void ensure(int bytes) {
      if (out.remaining() < bytes) {
        int capacity = Math.max(out.capacity() * 2, out.position() + bytes);
        out = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN).put(out.flip());
      }
    }

    private boolean bool(Object value) {
      return switch (value) {
        case Boolean b -> b;
        case Long l when l == 0 || l == 1 -> l == 1;
        case BigInteger b when b.signum() >= 0 && b.compareTo(BigInteger.ONE) <= 0 ->
            b.signum() == 1;
        default ->
            throw bad(
                "input '"
                    + tensor.name
                    + "' is BOOL, so its data must be true or false, got "
                    + value);
      };
    }

    private long integer(Object value, long min, long max) {
      long v =
          switch (value) {
            case Long l -> l;
            case BigInteger b when b.bitLength() < 64 -> b.longValue();
            default ->
                throw bad(
                    "input '"
                        + tensor.name
                        + "' is "
                        + tensor.datatype
                        + ", so its data must be whole "
                        + "numbers, got "
                        + value);
          };
      if (v < min || v > max) {
        throw bad(
            "input '"
                + tensor.name
                + "' value "
                + v
                + " is outside "
                + tensor.datatype
                + " ["
                + min
                + ", "
                + max
                + "]");
      }
      return v;
    }

    private long unsigned64(Object value) {
      BigInteger v =
          switch (value) {
            case Long l -> BigInteger.valueOf(l);
            case BigInteger b -> b;
            default ->
                throw bad(
                    "input '"
                        + tensor.name
                        + "' is UINT64, so its data must be whole numbers, got "
                        + value);
          };
      if (v.signum() < 0 || v.compareTo(UINT64_MAX) > 0) {
        throw bad("input '" + tensor.name + "' value " + v + " is outside UINT64");
      }
      return v.longValue();
    }

    private double real(Object value) {
      return switch (value) {
        case Double d -> d;
        case Long l -> l;
        case BigInteger b -> b.doubleValue();
        default ->
            throw bad(
                "input '"
                    + tensor.name
                    + "' is "
                    + tensor.datatype
                    + ", so its data must be numbers, "
                    + "got "
                    + value);
      };
    }
  }

  private static String text(JsonParser parser, String what) throws IOException {
    if (parser.currentToken() != JsonToken.VALUE_STRING) {
      throw bad(what + " must be a string, got " + parser.currentToken());
    }
    return parser.getText();
  }

  private static void expect(JsonToken actual, JsonToken expected, String what) {
    if (actual != expected) {
      throw bad(
          what
              + " must be "
              + (expected == JsonToken.START_OBJECT ? "a JSON object" : "a JSON array")
              + ", got "
              + (actual == null
                  ? "nothing"
                  : actual.asString() == null ? actual : actual.asString()));
    }
  }

  private static ServerException bad(String message) {
    return new ServerException(ServerException.Code.BAD_REQUEST, message);
  }
}
