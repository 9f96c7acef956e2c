package dev.edgeinfer.tflite;

import ai.djl.engine.Engine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.lite.Interpreter;

/**
 * TensorFlow Lite's own interpreter (the JNI build DJL publishes on Maven Central, its linux-x86_64
 * library inside the jar), the oracle the importer is checked against.
 */
final class ReferenceInterpreter implements AutoCloseable {
  static {
    System.setProperty("ai.djl.offline", "true");
    Engine.getEngine("TFLite");
  }

  private final Interpreter interpreter;
  private final ByteBuffer model;

  ReferenceInterpreter(byte[] tflite, int threads) {
    this(tflite, threads, false);
  }

  ReferenceInterpreter(byte[] tflite, int threads, boolean xnnpack) {
    model = ByteBuffer.allocateDirect(tflite.length).order(ByteOrder.nativeOrder());
    model.put(tflite).flip();
    Interpreter.Options options = new Interpreter.Options().setNumThreads(threads);
    if (xnnpack) {
      options.setUseXNNPACK(true);
    }
    interpreter = new Interpreter(model, options);
  }

  /** Runs on raw little-endian input bytes (one buffer per input); returns raw output bytes. */
  List<ByteBuffer> run(List<ByteBuffer> inputs) {
    Object[] in = new Object[inputs.size()];
    for (int i = 0; i < in.length; i++) {
      ByteBuffer direct =
          ByteBuffer.allocateDirect(inputs.get(i).remaining()).order(ByteOrder.nativeOrder());
      direct.put(inputs.get(i).duplicate()).flip();
      in[i] = direct;
    }
    Map<Integer, Object> out = new HashMap<>();
    List<ByteBuffer> outputs = new ArrayList<>();
    for (int i = 0; i < interpreter.getOutputTensorCount(); i++) {
      ByteBuffer buffer =
          ByteBuffer.allocateDirect(interpreter.getOutputTensor(i).numBytes())
              .order(ByteOrder.nativeOrder());
      outputs.add(buffer);
      out.put(i, buffer);
    }
    interpreter.runForMultipleInputsOutputs(in, out);
    outputs.forEach(ByteBuffer::rewind);
    return outputs;
  }

  @Override
  public void close() {
    interpreter.close();
  }
}
