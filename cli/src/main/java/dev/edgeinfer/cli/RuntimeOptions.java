package dev.edgeinfer.cli;

import dev.edgeinfer.runtime.ExecutionProvider;
import dev.edgeinfer.runtime.ModelOptions;
import picocli.CommandLine.Option;

/** The options every command that loads a model shares. */
final class RuntimeOptions {

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "0",
      description = "Threads inside one operator (0 = one per core; default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--provider",
      paramLabel = "NAME",
      defaultValue = "cpu",
      description =
          "Execution provider: cpu, cuda, tensorrt, openvino, dnnl, xnnpack, coreml, ... "
              + "Falls back to cpu with a warning when this build lacks it (default: ${DEFAULT-VALUE}).")
  String provider;

  @Option(
      names = "--optimization",
      paramLabel = "LEVEL",
      defaultValue = "all",
      description = "Graph optimization: none, basic, extended, all (default: ${DEFAULT-VALUE}).")
  String optimization;

  ModelOptions toModelOptions() {
    if (threads < 0) {
      throw new UsageException("--threads must be >= 0 (0 = one per core), got " + threads);
    }
    return ModelOptions.builder()
        .intraOpThreads(threads)
        .providers(ExecutionProvider.parse(provider))
        .optimization(ModelOptions.Optimization.parse(optimization))
        .build();
  }
}
