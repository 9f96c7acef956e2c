package dev.edgeinfer.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;

/**
 * Adds the requested execution providers to a session's options, falling back to CPU with a logged
 * warning.
 */
final class ProviderSelection {
  private static final System.Logger LOG = System.getLogger(ProviderSelection.class.getName());

  private ProviderSelection() {}

  /** Returns the provider that will run the model. */
  static ExecutionProvider apply(OrtSession.SessionOptions opts, ModelOptions options) {
    for (ExecutionProvider provider : options.providers()) {
      if (provider == ExecutionProvider.CPU) {
        return ExecutionProvider.CPU;
      }
      String problem;
      if (!provider.isAvailable()) {
        problem =
            "execution provider '"
                + provider
                + "' is not in this ONNX Runtime build (available: "
                + ExecutionProvider.available()
                + ")"
                + hint(provider);
      } else {
        try {
          add(opts, provider);
          return provider;
        } catch (OrtException | RuntimeException e) {
          problem =
              "execution provider '"
                  + provider
                  + "' failed to start ("
                  + OrtModel.firstLine(e.getMessage())
                  + ")";
        }
      }
      if (options.requireProvider()) {
        throw new InferenceException(
            InferenceException.Code.UNSUPPORTED,
            problem + "; drop the requirement to fall back to cpu");
      }
      LOG.log(System.Logger.Level.WARNING, problem + "; falling back");
    }
    return ExecutionProvider.CPU;
  }

  private static String hint(ExecutionProvider provider) {
    return switch (provider) {
      case CUDA, TENSORRT -> "; build with ./mvnw -Pgpu to use the CUDA build of ONNX Runtime";
      default -> "";
    };
  }

  private static void add(OrtSession.SessionOptions opts, ExecutionProvider provider)
      throws OrtException {
    switch (provider) {
      case CUDA -> opts.addCUDA(0);
      case TENSORRT -> {
        opts.addTensorrt(0);
        opts.addCUDA(0);
      }
      case OPENVINO -> opts.addOpenVINO("");
      case DNNL -> opts.addDnnl(true);
      case XNNPACK -> opts.addXnnpack(Map.of());
      case COREML -> opts.addCoreML();
      case NNAPI -> opts.addNnapi();
      case QNN -> opts.addQnn(Map.of());
      case ROCM -> opts.addROCM(0);
      case DIRECTML -> opts.addDirectML(0);
      case ACL -> opts.addACL(true);
      case WEBGPU -> opts.addWebGPU(Map.of());
      default ->
          throw new InferenceException(
              InferenceException.Code.UNSUPPORTED,
              "execution provider '"
                  + provider
                  + "' cannot be configured from EdgeInfer yet; use cpu");
    }
  }
}
