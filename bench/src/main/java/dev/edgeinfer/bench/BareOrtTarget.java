package dev.edgeinfer.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.edgeinfer.runtime.ModelFormats;
import dev.edgeinfer.runtime.ModelOptions;
import dev.edgeinfer.runtime.ModelSignature;
import dev.edgeinfer.runtime.Tensor;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The zero-overhead bound: a hand-written loop over {@code OrtSession.run} with the same model,
 * threads, optimization level and input values, tensors created once. CPU provider only.
 */
final class BareOrtTarget implements InferenceTarget {
  private final OrtSession session;
  private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
  private final Map<String, Tensor> values;
  private final int batch;

  BareOrtTarget(
      Path modelFile,
      ModelOptions options,
      ModelSignature signature,
      int batch,
      Map<String, long[]> shapes,
      long seed) {
    this.batch = batch;
    this.values = SyntheticInputs.create(signature, batch, shapes, seed);
    OrtEnvironment env =
        OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "edgeinfer");
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(options.intraOpThreads());
      opts.setInterOpNumThreads(options.interOpThreads());
      opts.setOptimizationLevel(
          switch (options.optimization()) {
            case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
            case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
          });
      this.session = env.createSession(ModelFormats.onnxFile(modelFile).toString(), opts);
      for (var entry : values.entrySet()) {
        Tensor t = entry.getValue();
        OnnxTensor tensor =
            t.type() == dev.edgeinfer.runtime.ElementType.STRING
                ? OnnxTensor.createTensor(env, t.toStrings(), t.shape())
                : OnnxTensor.createTensor(env, copy(t.buffer()), t.shape(), javaType(t));
        inputs.put(entry.getKey(), tensor);
      }
    } catch (OrtException e) {
      close();
      throw new BenchException(
          "the bare ONNX Runtime baseline could not load " + modelFile + ": " + e.getMessage());
    }
  }

  private static ByteBuffer copy(ByteBuffer source) {
    ByteBuffer copy =
        ByteBuffer.allocateDirect(source.remaining()).order(java.nio.ByteOrder.nativeOrder());
    copy.put(source.duplicate());
    return copy.flip();
  }

  private static ai.onnxruntime.OnnxJavaType javaType(Tensor t) {
    return switch (t.type()) {
      case FLOAT32 -> ai.onnxruntime.OnnxJavaType.FLOAT;
      case FLOAT16 -> ai.onnxruntime.OnnxJavaType.FLOAT16;
      case BFLOAT16 -> ai.onnxruntime.OnnxJavaType.BFLOAT16;
      case FLOAT64 -> ai.onnxruntime.OnnxJavaType.DOUBLE;
      case INT8 -> ai.onnxruntime.OnnxJavaType.INT8;
      case UINT8 -> ai.onnxruntime.OnnxJavaType.UINT8;
      case INT16 -> ai.onnxruntime.OnnxJavaType.INT16;
      case INT32 -> ai.onnxruntime.OnnxJavaType.INT32;
      case INT64 -> ai.onnxruntime.OnnxJavaType.INT64;
      case BOOL -> ai.onnxruntime.OnnxJavaType.BOOL;
      default -> throw new BenchException("the bare baseline cannot feed " + t.type() + " inputs");
    };
  }

  @Override
  public void infer() {
    try (OrtSession.Result result = session.run(inputs)) {
      if (result.size() == 0) {
        throw new IllegalStateException("the model returned no outputs");
      }
    } catch (OrtException e) {
      throw new IllegalStateException("bare ONNX Runtime run failed: " + e.getMessage(), e);
    }
  }

  @Override
  public int batch() {
    return batch;
  }

  @Override
  public void close() {
    inputs.values().forEach(OnnxTensor::close);
    values.values().forEach(Tensor::close);
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        // closing a session we own; nothing the caller can do
      }
    }
  }
}
