package dev.edgeinfer.cli;

import dev.edgeinfer.onnx.OnnxModel;
import dev.edgeinfer.tflite.TfliteModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code edgeinfer convert}: a TFLite model to an equivalent ONNX file, in pure Java. */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description =
        "Convert a TFLite model (float, float16 or int8) to ONNX with the same inputs and outputs.")
final class ConvertCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "IN.tflite", description = "The TFLite model.")
  Path input;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "OUT.onnx",
      description = "Where to write the ONNX model (default: IN with the extension .onnx).")
  Optional<Path> output;

  @Override
  public Integer call() {
    String name = input.getFileName() == null ? "" : input.getFileName().toString();
    if (!name.toLowerCase(Locale.ROOT).endsWith(".tflite")) {
      throw new UsageException(
          "convert reads .tflite files, got " + input + "; pass the TFLite model to convert");
    }
    Path target =
        output.orElseGet(() -> input.resolveSibling(name.replaceFirst("(?i)\\.tflite$", ".onnx")));
    if (Files.exists(target)
        && target.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())) {
      throw new UsageException(
          "-o " + target + " is the input file itself; choose another output path");
    }
    if (Files.isDirectory(target)) {
      throw new UsageException("-o " + target + " is a folder; give the .onnx file to write");
    }
    long start = System.nanoTime();
    TfliteModel model = TfliteModel.read(input);
    OnnxModel onnx = model.toOnnx();
    onnx.write(target);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        Locale.ROOT,
        "converted %s (%d operators: %s) to %s (%d ONNX nodes) in %d ms%n",
        input,
        model.operatorCounts().values().stream().mapToInt(Integer::intValue).sum(),
        model.operatorCounts().entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", ")),
        target,
        onnx.proto().getGraph().getNodeCount(),
        millis);
    return 0;
  }
}
