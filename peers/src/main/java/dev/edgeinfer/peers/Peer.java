package dev.edgeinfer.peers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One way a Java program can run an ONNX model: EdgeInfer's {@code Model}, a bare {@code
 * OrtSession}, or DJL's {@code Predictor}. Each holds its own session, loaded once, and one input
 * built once per batch size and reused for every query, so a query measures only the engine's own
 * per-call work. Not thread-safe: one thread drives a peer.
 */
sealed interface Peer extends AutoCloseable permits EdgeInferPeer, BareOrtPeer, DjlPeer {

  /**
   * Opens all three peers on one model, ours first. DJL's engine is started before anything else
   * touches ONNX Runtime: it creates the process-wide {@code OrtEnvironment} with its own thread
   * options and fails if one already exists; the other two then share that environment.
   *
   * @param intraOpThreads threads inside one operator, the same for every peer
   */
  static List<Peer> openAll(Path model, int intraOpThreads) {
    DjlPeer.startEngine();
    List<Peer> peers = new ArrayList<>(3);
    try {
      peers.add(EdgeInferPeer.open(model, intraOpThreads));
      peers.add(BareOrtPeer.open(model, intraOpThreads));
      peers.add(DjlPeer.open(model, intraOpThreads));
      return List.copyOf(peers);
    } catch (RuntimeException e) {
      peers.forEach(Peer::close);
      throw e;
    }
  }

  /** Short name for tables and JSON: {@code edgeinfer}, {@code bare-ort}, {@code djl}. */
  String name();

  /** Replaces the reused input with {@code input}; later queries run on it. */
  void prepare(InputBatch input);

  /** Runs one query on the prepared input and frees its outputs without reading them. */
  void infer();

  /** Runs one query on the prepared input and returns the first output's values. */
  float[] firstOutput();

  /** Idempotent: frees the input and the session. */
  @Override
  void close();
}
