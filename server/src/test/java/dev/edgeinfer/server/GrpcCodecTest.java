package dev.edgeinfer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.edgeinfer.server.grpc.InferParameter;
import dev.edgeinfer.server.grpc.InferTensorContents;
import dev.edgeinfer.server.grpc.ModelInferRequest;
import dev.edgeinfer.server.grpc.ModelInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The translation between gRPC messages and protocol tensors, for what the served models cannot
 * exercise: the unsigned datatypes ONNX Runtime's Java API has no tensors for, range checks and
 * malformed raw contents.
 */
class GrpcCodecTest {

  @Test
  void unsignedTypedContentsPackIntoLittleEndianBytesOfTheirWidth() {
    ByteBuffer uint16 =
        GrpcCodec.pack(
            "x",
            Datatype.UINT16,
            2,
            InferTensorContents.newBuilder().addAllUintContents(List.of(1, 65535)).build());
    ByteBuffer uint32 =
        GrpcCodec.pack(
            "x",
            Datatype.UINT32,
            1,
            InferTensorContents.newBuilder().addUintContents(0xFFFF_FFFE).build());
    ByteBuffer uint64 =
        GrpcCodec.pack(
            "x",
            Datatype.UINT64,
            1,
            InferTensorContents.newBuilder().addUint64Contents(-1L).build());

    assertArrayEquals(new byte[] {1, 0, (byte) 0xFF, (byte) 0xFF}, bytes(uint16));
    assertArrayEquals(
        new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, bytes(uint32));
    assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}, bytes(uint64));
  }

  @Test
  void aValueOutsideItsTypesRangeIsABadRequestNamingIt() {
    ServerException e =
        assertThrows(
            ServerException.class,
            () ->
                GrpcCodec.pack(
                    "input 'x'",
                    Datatype.INT8,
                    2,
                    InferTensorContents.newBuilder().addAllIntContents(List.of(1, 200)).build()));

    assertEquals(ServerException.Code.BAD_REQUEST, e.code());
    assertTrue(e.getMessage().contains("element 1 is 200"), e.getMessage());
  }

  @Test
  void tooFewTypedValuesAreABadRequest() {
    ServerException e =
        assertThrows(
            ServerException.class,
            () ->
                GrpcCodec.pack(
                    "input 'x'",
                    Datatype.FP64,
                    3,
                    InferTensorContents.newBuilder().addFp64Contents(1).build()));

    assertTrue(e.getMessage().contains("1 elements in fp64_contents"), e.getMessage());
  }

  @Test
  void bytesWhoseLengthPrefixRunsPastTheEndAreABadRequest() {
    ByteBuffer data =
        ByteBuffer.allocate(6)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(10)
            .put((byte) 1)
            .put((byte) 2)
            .flip();

    ServerException e =
        assertThrows(
            ServerException.class, () -> GrpcCodec.checkRaw("input 'x'", Datatype.BYTES, 1, data));

    assertTrue(e.getMessage().contains("claims 10 bytes"), e.getMessage());
  }

  @Test
  void rawContentsForOnlySomeInputsAreABadRequest() {
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("m")
            .addInputs(input("a"))
            .addInputs(input("b"))
            .addRawInputContents(ByteString.copyFrom(new byte[4]))
            .build();

    ServerException e = assertThrows(ServerException.class, () -> GrpcCodec.request(request));

    assertTrue(e.getMessage().contains("one entry per input"), e.getMessage());
  }

  @Test
  void aRequestSurvivesTheRoundTripThroughTheClientAndServerCodecs() {
    ByteBuffer data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(2.5f).flip();
    InferRequest sent =
        new InferRequest(
            "m",
            Optional.of("3"),
            Optional.of("id-1"),
            List.of(
                new InferTensor("a", Datatype.FP32, new long[] {1}, data, Map.of("priority", 2L))),
            List.of(new InferRequest.RequestedOutput("out", true)));

    InferRequest received = GrpcCodec.request(GrpcCodec.request(sent));

    assertEquals("m", received.model());
    assertEquals(Optional.of("3"), received.version());
    assertEquals(Optional.of("id-1"), received.id());
    assertEquals(Map.of("priority", 2L), received.inputs().getFirst().parameters());
    assertEquals(data, received.inputs().getFirst().data());
    assertEquals(List.of(new InferRequest.RequestedOutput("out", true)), received.outputs());
  }

  @Test
  void typedOutputContentsFromAnotherServerDecodeToo() {
    ModelInferResponse message =
        ModelInferResponse.newBuilder()
            .setModelName("m")
            .setModelVersion("1")
            .addOutputs(
                ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName("y")
                    .setDatatype("INT64")
                    .addShape(2)
                    .putParameters("flag", InferParameter.newBuilder().setBoolParam(true).build())
                    .setContents(
                        InferTensorContents.newBuilder().addAllInt64Contents(List.of(7L, -7L))))
            .build();

    InferResponse response = GrpcCodec.response(message);

    InferTensor y = response.outputs().getFirst();
    assertEquals(Map.of("flag", true), y.parameters());
    assertEquals(7L, y.data().getLong(0));
    assertEquals(-7L, y.data().getLong(8));
  }

  private static ModelInferRequest.InferInputTensor input(String name) {
    return ModelInferRequest.InferInputTensor.newBuilder()
        .setName(name)
        .setDatatype("FP32")
        .addShape(1)
        .build();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
