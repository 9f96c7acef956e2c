package dev.edgeinfer.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The hardware back-ends ONNX Runtime can run a model on. Which ones are present depends on the
 * ONNX Runtime build on the class path (the default CPU build, or {@code onnxruntime_gpu} for CUDA
 * and TensorRT); {@link #available()} says, detected once per process.
 */
public enum ExecutionProvider {
  CPU("cpu", OrtProvider.CPU),
  CUDA("cuda", OrtProvider.CUDA),
  TENSORRT("tensorrt", OrtProvider.TENSOR_RT),
  OPENVINO("openvino", OrtProvider.OPEN_VINO),
  DNNL("dnnl", OrtProvider.DNNL),
  XNNPACK("xnnpack", OrtProvider.XNNPACK),
  COREML("coreml", OrtProvider.CORE_ML),
  NNAPI("nnapi", OrtProvider.NNAPI),
  QNN("qnn", OrtProvider.QNN),
  ROCM("rocm", OrtProvider.ROCM),
  MIGRAPHX("migraphx", OrtProvider.MI_GRAPH_X),
  DIRECTML("directml", OrtProvider.DIRECT_ML),
  ACL("acl", OrtProvider.ACL),
  WEBGPU("webgpu", OrtProvider.WEBGPU);

  private final String label;
  final OrtProvider ort;

  ExecutionProvider(String label, OrtProvider ort) {
    this.label = label;
    this.ort = ort;
  }

  @Override
  public String toString() {
    return label;
  }

  /**
   * Parses {@code cpu}, {@code cuda}, {@code tensorrt} (or {@code trt}), {@code openvino}...
   * case-insensitively.
   */
  public static ExecutionProvider parse(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    for (ExecutionProvider p : values()) {
      if (p.label.equals(key)) {
        return p;
      }
    }
    return switch (key) {
      case "trt" -> TENSORRT;
      case "gpu" -> CUDA;
      case "dml" -> DIRECTML;
      default ->
          throw new InferenceException(
              InferenceException.Code.UNKNOWN_PROVIDER,
              "unknown execution provider '"
                  + name
                  + "': use one of "
                  + Arrays.stream(values())
                      .map(ExecutionProvider::toString)
                      .collect(Collectors.joining(", "))
                  + " (available in this build: "
                  + available().stream()
                      .map(ExecutionProvider::toString)
                      .collect(Collectors.joining(", "))
                  + ")");
    };
  }

  /** True when the ONNX Runtime build on the class path includes this provider. */
  public boolean isAvailable() {
    return available().contains(this);
  }

  /** The providers the ONNX Runtime build on the class path includes; CPU is always one. */
  public static Set<ExecutionProvider> available() {
    return Detected.PROVIDERS;
  }

  private static final class Detected {
    static final Set<ExecutionProvider> PROVIDERS = detect();

    private static Set<ExecutionProvider> detect() {
      EnumSet<ExecutionProvider> found = EnumSet.of(CPU);
      EnumSet<OrtProvider> ort = OrtEnvironment.getAvailableProviders();
      for (ExecutionProvider p : values()) {
        if (ort.contains(p.ort)) {
          found.add(p);
        }
      }
      return java.util.Collections.unmodifiableSet(found);
    }
  }
}
