package dev.edgeinfer.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The zero-overhead bound: {@code OrtSession.run} in a hand-written loop with one {@link
 * OnnxTensor} over a direct buffer, created once per batch size. No checks, no copies.
 */
final class BareOrtPeer implements Peer {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String inputName;
  private OnnxTensor tensor;
  private Map<String, OnnxTensor> feed = Map.of();
  private boolean closed;

  private BareOrtPeer(OrtEnvironment env, OrtSession session) {
    this.env = env;
    this.session = session;
    this.inputName = session.getInputNames().iterator().next();
  }

  static BareOrtPeer open(Path file, int intraOpThreads) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return new BareOrtPeer(env, env.createSession(file.toString(), options));
    } catch (OrtException e) {
      throw new PeerException(
          PeerException.Code.ENGINE_FAILURE,
          "ONNX Runtime could not load " + file + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public String name() {
    return "bare-ort";
  }

  @Override
  public void prepare(InputBatch batch) {
    closeInput();
    float[] values = batch.values();
    FloatBuffer buffer =
        ByteBuffer.allocateDirect(values.length * Float.BYTES)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    buffer.put(values).flip();
    try {
      tensor = OnnxTensor.createTensor(env, buffer, batch.shape());
    } catch (OrtException e) {
      throw new PeerException(
          PeerException.Code.ENGINE_FAILURE,
          "ONNX Runtime could not create the input: " + e.getMessage(),
          e);
    }
    feed = Map.of(inputName, tensor);
  }

  @Override
  public void infer() {
    try (OrtSession.Result result = session.run(feed)) {
      if (result.size() == 0) {
        throw new PeerException(
            PeerException.Code.ENGINE_FAILURE, "ONNX Runtime returned no outputs");
      }
    } catch (OrtException e) {
      throw new PeerException(
          PeerException.Code.ENGINE_FAILURE, "ONNX Runtime failed to run: " + e.getMessage(), e);
    }
  }

  @Override
  public float[] firstOutput() {
    try (OrtSession.Result result = session.run(feed)) {
      FloatBuffer values = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] out = new float[values.remaining()];
      values.get(out);
      return out;
    } catch (OrtException e) {
      throw new PeerException(
          PeerException.Code.ENGINE_FAILURE, "ONNX Runtime failed to run: " + e.getMessage(), e);
    }
  }

  private void closeInput() {
    if (tensor != null) {
      tensor.close();
      tensor = null;
      feed = Map.of();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeInput();
    try {
      session.close();
    } catch (OrtException e) {
      // a session we own and no longer use: nothing the caller could do about it
    }
  }
}
