package dev.edgeinfer.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** {@link Model} on an ONNX Runtime session. */
final class OrtModel implements Model {
  private static final System.Logger LOG = System.getLogger(OrtModel.class.getName());

  private final OrtSession session;
  private final OrtEnvironment env;
  private final ModelSignature signature;
  private final ExecutionProvider provider;
  private final String source;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private OrtModel(
      OrtEnvironment env, OrtSession session, ExecutionProvider provider, String source)
      throws OrtException {
    this.env = env;
    this.session = session;
    this.provider = provider;
    this.source = source;
    this.signature =
        new ModelSignature(
            specs(session.getInputInfo()),
            specs(session.getOutputInfo()),
            session.getMetadata().getCustomMetadata());
  }

  static Model open(Path file, ModelOptions options) {
    if (!Files.exists(file)) {
      throw new InferenceException(
          InferenceException.Code.MODEL_NOT_FOUND,
          "model file " + file + " does not exist; check the path");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InferenceException(
          InferenceException.Code.MODEL_NOT_FOUND,
          "model file " + file + " is not a readable file; pass the .onnx file itself");
    }
    return create(
        file.toString(), options, (env, opts) -> env.createSession(file.toString(), opts));
  }

  static Model load(byte[] bytes, ModelOptions options) {
    if (bytes.length == 0) {
      throw new InferenceException(
          InferenceException.Code.INVALID_MODEL,
          "model bytes are empty; pass a serialized ONNX model");
    }
    return create(
        "<" + bytes.length + " bytes>", options, (env, opts) -> env.createSession(bytes, opts));
  }

  private interface SessionFactory {
    OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
  }

  private static Model create(String source, ModelOptions options, SessionFactory factory) {
    OrtEnvironment env = environment();
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
      ExecutionProvider active = ProviderSelection.apply(opts, options);
      OrtSession session;
      try {
        session = factory.create(env, opts);
      } catch (OrtException e) {
        throw invalidModel(source, e);
      }
      try {
        return new OrtModel(env, session, active, source);
      } catch (OrtException | RuntimeException e) {
        closeQuietly(session);
        throw e instanceof InferenceException ie ? ie : invalidModel(source, e);
      }
    } catch (OrtException e) {
      throw new InferenceException(
          InferenceException.Code.RUNTIME_FAILURE,
          "could not configure ONNX Runtime for " + source + ": " + firstLine(e.getMessage()),
          e);
    }
  }

  private static InferenceException invalidModel(String source, Exception e) {
    return new InferenceException(
        InferenceException.Code.INVALID_MODEL,
        source
            + " is not a model ONNX Runtime can load ("
            + firstLine(e.getMessage())
            + "); check that it is a complete .onnx export with an opset ONNX Runtime supports",
        e);
  }

  static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "edgeinfer");
  }

  @Override
  public ModelSignature signature() {
    return signature;
  }

  @Override
  public ExecutionProvider provider() {
    return provider;
  }

  @Override
  public Outputs run(Map<String, Tensor> inputs) {
    return run(inputs, Set.of());
  }

  @Override
  public Outputs run(Map<String, Tensor> inputs, Set<String> outputNames) {
    var lock = lifecycle.readLock();
    lock.lock();
    try {
      if (closed) {
        throw new InferenceException(
            InferenceException.Code.CLOSED, "model " + source + " was run after close()");
      }
      Map<String, OnnxTensor> feed = feed(inputs);
      OrtSession.Result result =
          outputNames.isEmpty() ? session.run(feed) : session.run(feed, checkOutputs(outputNames));
      return new Outputs(result);
    } catch (OrtException e) {
      throw new InferenceException(
          InferenceException.Code.RUNTIME_FAILURE,
          "ONNX Runtime failed to run " + source + ": " + firstLine(e.getMessage()),
          e);
    } finally {
      lock.unlock();
    }
  }

  private Map<String, OnnxTensor> feed(Map<String, Tensor> inputs) throws OrtException {
    List<TensorSpec> specs = signature.inputs();
    if (inputs.size() != specs.size()) {
      throw wrongInputNames(inputs);
    }
    Map<String, OnnxTensor> feed = HashMap.newHashMap(specs.size());
    for (TensorSpec spec : specs) {
      Tensor tensor = inputs.get(spec.name());
      if (tensor == null) {
        throw wrongInputNames(inputs);
      }
      String mismatch = spec.mismatch(tensor.type(), tensor.shape());
      if (!mismatch.isEmpty()) {
        throw new InferenceException(
            InferenceException.Code.INVALID_INPUT,
            "input '"
                + spec.name()
                + "' got "
                + tensor.describe()
                + " but the model expects "
                + spec.type()
                + dims(spec)
                + ": "
                + mismatch
                + "; reshape or convert the input to match");
      }
      feed.put(spec.name(), tensor.onnx(env));
    }
    return feed;
  }

  private Set<String> checkOutputs(Set<String> requested) {
    for (String name : requested) {
      if (signature.output(name).isEmpty()) {
        throw new InferenceException(
            InferenceException.Code.INVALID_ARGUMENT,
            "no output named '"
                + name
                + "'; the outputs are "
                + signature.outputs().stream().map(TensorSpec::name).toList());
      }
    }
    return requested;
  }

  private InferenceException wrongInputNames(Map<String, Tensor> inputs) {
    return new InferenceException(
        InferenceException.Code.INVALID_INPUT,
        "the model takes inputs "
            + signature.inputs().stream().map(s -> s.name() + " " + s.type() + dims(s)).toList()
            + " but got "
            + inputs.keySet()
            + "; pass exactly one tensor per input name");
  }

  private static String dims(TensorSpec spec) {
    return spec.shape().toString().replace(" ", "");
  }

  @Override
  public void close() {
    var lock = lifecycle.writeLock();
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        closeQuietly(session);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "Model " + source + " on " + provider;
  }

  private static List<TensorSpec> specs(Map<String, NodeInfo> infos) {
    List<TensorSpec> specs = new ArrayList<>(infos.size());
    for (NodeInfo node : infos.values()) {
      if (!(node.getInfo() instanceof TensorInfo info)) {
        throw new InferenceException(
            InferenceException.Code.UNSUPPORTED,
            "model input/output '"
                + node.getName()
                + "' is a "
                + node.getInfo()
                + ", not a tensor; only tensor inputs and outputs are supported");
      }
      long[] shape = info.getShape();
      String[] names = info.getDimensionNames();
      List<Dimension> dims = new ArrayList<>(shape.length);
      for (int i = 0; i < shape.length; i++) {
        dims.add(Dimension.of(shape[i], names != null && i < names.length ? names[i] : null));
      }
      specs.add(new TensorSpec(node.getName(), ElementType.of(info.onnxType), dims));
    }
    return specs;
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.log(
          System.Logger.Level.WARNING, "closing an ONNX Runtime session failed: " + e.getMessage());
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    String line = message.strip();
    int newline = line.indexOf('\n');
    return newline < 0 ? line : line.substring(0, newline);
  }
}
