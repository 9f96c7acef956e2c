package dev.edgeinfer.tflite;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scripted check behind scripts/check-tflite.sh: for each .tflite given, converts it, compares
 * ONNX Runtime's outputs with TFLite's interpreter on random inputs, and times both, interleaved
 * (rounds alternate, so load from other processes hits both alike). One line per model.
 *
 * <p>Usage: {@code TfliteCheck THREADS ROUNDS RUNS_PER_ROUND model.tflite...}
 */
public final class TfliteCheck {
  private TfliteCheck() {}

  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    int runs = Integer.parseInt(args[2]);
    System.out.println(
        "| model | TFLite ops | max abs err | max rel err | noise: XNNPACK vs TFLite abs |"
            + " int8 steps | ORT µs (median) |"
            + " TFLite µs | TFLite+XNNPACK µs | ORT speed-up vs TFLite / vs XNNPACK |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (int i = 3; i < args.length; i++) {
      Path file = Path.of(args[i]);
      String name = file.getFileName().toString();
      try {
        System.out.println(check(file, threads, rounds, runs));
      } catch (Exception | LinkageError e) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        System.out.println("| " + name + " | | not checked: " + message + " | | | | | | | |");
      }
    }
  }

  private static String check(Path file, int threads, int rounds, int runs) throws Exception {
    byte[] tflite = Files.readAllBytes(file);
    TfliteModel model = TfliteModel.parse(tflite, file.toString());
    Parity.Result parity = Parity.check(tflite, 42);
    byte[] onnx = model.toOnnx().toByteArray();
    List<ByteBuffer> inputs = Parity.randomInputs(model, 42);
    double noise = 0;
    try (ReferenceInterpreter reference = new ReferenceInterpreter(tflite, 1, false);
        ReferenceInterpreter xnnpack = new ReferenceInterpreter(tflite, 1, true)) {
      List<ByteBuffer> a = reference.run(inputs);
      List<ByteBuffer> b = xnnpack.run(inputs);
      for (int o = 0; o < a.size(); o++) {
        Tensor t = model.tensors().get(model.outputs()[o]);
        float[] x = Parity.floats(t, a.get(o));
        float[] y = Parity.floats(t, b.get(o));
        for (int i = 0; i < x.length; i++) {
          noise = Math.max(noise, Math.abs(x[i] - y[i]));
        }
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    double[] ort = new double[rounds];
    double[] plain = new double[rounds];
    double[] xnn = new double[rounds];
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      try (OrtSession session = env.createSession(onnx, options);
          ReferenceInterpreter reference = new ReferenceInterpreter(tflite, threads, false);
          ReferenceInterpreter xnnpack = new ReferenceInterpreter(tflite, threads, true)) {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
          Tensor t = model.tensors().get(model.inputs()[i]);
          ByteBuffer direct =
              ByteBuffer.allocateDirect(inputs.get(i).remaining()).order(ByteOrder.nativeOrder());
          direct.put(inputs.get(i).duplicate()).flip();
          feed.put(
              t.name(),
              OnnxTensor.createTensor(
                  env, direct, Parity.longs(t.shape()), Parity.javaType(t.type())));
        }
        for (int warm = 0; warm < 5; warm++) {
          session.run(feed).close();
          reference.run(inputs);
          xnnpack.run(inputs);
        }
        for (int round = 0; round < rounds; round++) {
          long start = System.nanoTime();
          for (int r = 0; r < runs; r++) {
            session.run(feed).close();
          }
          ort[round] = (System.nanoTime() - start) / 1e3 / runs;
          start = System.nanoTime();
          for (int r = 0; r < runs; r++) {
            reference.run(inputs);
          }
          plain[round] = (System.nanoTime() - start) / 1e3 / runs;
          start = System.nanoTime();
          for (int r = 0; r < runs; r++) {
            xnnpack.run(inputs);
          }
          xnn[round] = (System.nanoTime() - start) / 1e3 / runs;
        }
        feed.values().forEach(OnnxTensor::close);
      }
    }
    double o = median(ort);
    double p = median(plain);
    double x = median(xnn);
    return String.format(
        Locale.ROOT,
        "| %s | %d | %.3g | %.3g | %.3g | %s | %.0f | %.0f | %.0f | %.2f× / %.2f× |",
        file.getFileName(),
        model.operators().size(),
        parity.maxAbs(),
        parity.maxRelative(),
        noise,
        parity.maxSteps() > 0 ? String.format(Locale.ROOT, "%.2f", parity.maxSteps()) : "-",
        o,
        p,
        x,
        p / o,
        x / o);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
