package dev.edgeinfer.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerComparisonTest {
  static final Path DIGITS = Path.of("..", "models", "digits", "digits.onnx");

  @Test
  void allThreeEnginesLoadTheDigitsModelAndGiveTheSameLogits() {
    List<Peer> peers = Peer.openAll(DIGITS, 1);
    try {
      InputBatch twoImages = InputBatch.random(2, new long[] {1, 8, 8});
      Map<String, Double> difference = Comparison.outputDifference(peers, twoImages);

      assertEquals(
          List.of("edgeinfer", "bare-ort", "djl"), peers.stream().map(Peer::name).toList());
      assertEquals(2 * 10, peers.get(1).firstOutput().length, "bare ORT logits for two images");
      difference.forEach(
          (engine, maxAbs) ->
              assertTrue(maxAbs <= 1e-5, engine + " differs from bare ORT by " + maxAbs));
    } finally {
      peers.forEach(Peer::close);
    }
  }
}
