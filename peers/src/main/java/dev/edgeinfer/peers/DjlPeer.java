package dev.edgeinfer.peers;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a Java user would pick instead: DJL's ONNX Runtime engine, loaded with {@link Criteria} and
 * a {@link NoopTranslator}, queried through a {@code Predictor<NDList, NDList>} with one reused
 * input {@link NDList}. Session options go through DJL's own Criteria options ({@code
 * intraOpNumThreads}, {@code interOpNumThreads}, {@code optLevel}).
 */
final class DjlPeer implements Peer {
  static final String ENGINE = "OnnxRuntime";

  /** Held so that its level sticks: java.util.logging keeps loggers only weakly. */
  private static final Logger ORT_ENVIRONMENT_LOG =
      Logger.getLogger(OrtEnvironment.class.getName());

  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;
  private NDManager inputs;
  private NDList feed;
  private boolean closed;

  private DjlPeer(ZooModel<NDList, NDList> model) {
    this.model = model;
    this.predictor = model.newPredictor();
  }

  /**
   * Starts DJL's ONNX Runtime engine, which creates the process-wide ORT environment. Idempotent.
   * EdgeInfer then asks for the environment under its own name and log level; ORT keeps DJL's and
   * warns about it on every model load, which is expected here and silenced.
   */
  static void startEngine() {
    Engine.getEngine(ENGINE);
    ORT_ENVIRONMENT_LOG.setLevel(Level.SEVERE);
  }

  static DjlPeer open(Path file, int intraOpThreads) {
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(file)
            .optEngine(ENGINE)
            .optTranslator(new NoopTranslator())
            .optOption("intraOpNumThreads", Integer.toString(intraOpThreads))
            .optOption("interOpNumThreads", "1")
            .optOption("optLevel", "ALL_OPT")
            .build();
    try {
      return new DjlPeer(criteria.loadModel());
    } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
      throw new PeerException(
          PeerException.Code.ENGINE_FAILURE,
          "DJL could not load " + file + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public String name() {
    return "djl";
  }

  @Override
  public void prepare(InputBatch batch) {
    closeInput();
    inputs = model.getNDManager().newSubManager();
    NDArray array = inputs.create(FloatBuffer.wrap(batch.values()), new Shape(batch.shape()));
    feed = new NDList(array);
  }

  @Override
  public void infer() {
    try (NDList outputs = predict()) {
      if (outputs.isEmpty()) {
        throw new PeerException(PeerException.Code.ENGINE_FAILURE, "DJL returned no outputs");
      }
    }
  }

  @Override
  public float[] firstOutput() {
    try (NDList outputs = predict()) {
      return outputs.get(0).toFloatArray();
    }
  }

  private NDList predict() {
    try {
      return predictor.predict(feed);
    } catch (TranslateException e) {
      throw new PeerException(
          PeerException.Code.ENGINE_FAILURE, "DJL failed to run: " + e.getMessage(), e);
    }
  }

  private void closeInput() {
    if (inputs != null) {
      inputs.close();
      inputs = null;
      feed = null;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeInput();
    predictor.close();
    model.close();
  }
}
