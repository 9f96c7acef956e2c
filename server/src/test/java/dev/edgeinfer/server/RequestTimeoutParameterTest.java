package dev.edgeinfer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The protocol's request-level {@code timeout} parameter (microseconds), over REST and gRPC. */
class RequestTimeoutParameterTest {

  private static InferRequest rest(String parameters) {
    String body =
        "{\"parameters\": "
            + parameters
            + ", \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1],"
            + " \"data\": [1.0]}]}";
    return RestInferRequest.parse(
            "m", Optional.empty(), body.getBytes(StandardCharsets.UTF_8), Optional.empty())
        .request();
  }

  @Test
  void restReadsTheTimeoutInMicroseconds() {
    assertEquals(Optional.of(Duration.ofMillis(2)), rest("{\"timeout\": 2000}").timeout());
    assertEquals(Optional.empty(), rest("{}").timeout());
  }

  @Test
  void aTimeoutThatIsNotAPositiveIntegerIsA400() {
    for (String bad : List.of("\"soon\"", "0", "-5", "1.5")) {
      ServerException e =
          assertThrows(ServerException.class, () -> rest("{\"timeout\": " + bad + "}"));
      assertEquals(400, e.code().httpStatus(), bad);
      assertTrue(e.getMessage().contains("timeout parameter"), e.getMessage());
    }
  }

  @Test
  void grpcCarriesTheTimeoutBothWays() {
    InferRequest sent =
        new InferRequest(
                "m",
                Optional.empty(),
                Optional.empty(),
                List.of(
                    new InferTensor(
                        "x", Datatype.FP32, new long[] {1}, ByteBuffer.allocate(4), Map.of())),
                List.of())
            .withTimeout(Duration.ofMillis(3));
    InferRequest received = GrpcCodec.request(GrpcCodec.request(sent));
    assertEquals(Optional.of(Duration.ofMillis(3)), received.timeout());
  }
}
