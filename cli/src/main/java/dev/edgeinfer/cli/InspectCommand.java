package dev.edgeinfer.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.edgeinfer.onnx.ModelSummary;
import dev.edgeinfer.onnx.OnnxModel;
import dev.edgeinfer.runtime.ModelFormats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edgeinfer inspect}: what a model takes, returns and costs, read from the file alone (no
 * session).
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description =
        "Show a model's inputs, outputs, opsets, operators, parameters and estimated MACs.")
final class InspectCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The ONNX model (or .tflite, converted on load).")
  Path file;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    ModelSummary summary = ModelSummary.of(OnnxModel.read(ModelFormats.onnxFile(file)));
    if (json) {
      writeJson(summary, System.out);
    } else {
      System.out.print(describe(summary));
    }
    return 0;
  }

  private String describe(ModelSummary s) {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "model      %s (%s), IR %d%s%n",
            file,
            bytes(s.fileSizeBytes()),
            s.irVersion(),
            s.producerName().isEmpty()
                ? ""
                : ", made by " + s.producerName() + " " + s.producerVersion()));
    text.append("opsets     ")
        .append(
            s.opsets().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")))
        .append(System.lineSeparator());
    for (var input : s.inputs()) {
      text.append(
          String.format(
              Locale.ROOT,
              "input      %s: %s%s%n",
              input.name(),
              input.elementType(),
              input.shape()));
    }
    for (var output : s.outputs()) {
      text.append(
          String.format(
              Locale.ROOT,
              "output     %s: %s%s%n",
              output.name(),
              output.elementType(),
              output.shape()));
    }
    text.append(
        String.format(
            Locale.ROOT,
            "operators  %d nodes: %s%n",
            s.nodeCount(),
            s.opHistogram().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "))));
    text.append(
        String.format(
            Locale.ROOT, "parameters %,d (%s)%n", s.parameterCount(), bytes(s.parameterBytes())));
    text.append(
        String.format(
            Locale.ROOT,
            "MACs       %,d per inference at batch 1%s%n",
            s.macs(),
            s.macsAreLowerBound()
                ? " (a lower bound: not estimated for "
                    + String.join(", ", s.macsNotEstimatedFor())
                    + ")"
                : ""));
    return text.toString();
  }

  private static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
  }

  private static void writeJson(ModelSummary s, PrintStream out) throws IOException {
    try (JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeNumberField("ir_version", s.irVersion());
      json.writeStringField("producer", (s.producerName() + " " + s.producerVersion()).trim());
      json.writeNumberField(
          "opset", s.opsets().getOrDefault("ai.onnx", s.opsets().getOrDefault("", 0L)));
      json.writeObjectFieldStart("opsets");
      for (Map.Entry<String, Long> e : s.opsets().entrySet()) {
        json.writeNumberField(e.getKey(), e.getValue());
      }
      json.writeEndObject();
      writeValues(json, "inputs", s.inputs());
      writeValues(json, "outputs", s.outputs());
      json.writeNumberField("nodes", s.nodeCount());
      json.writeObjectFieldStart("op_types");
      for (Map.Entry<String, Long> e : s.opHistogram().entrySet()) {
        json.writeNumberField(e.getKey(), e.getValue());
      }
      json.writeEndObject();
      json.writeNumberField("parameters", s.parameterCount());
      json.writeNumberField("parameter_bytes", s.parameterBytes());
      json.writeNumberField("file_bytes", s.fileSizeBytes());
      json.writeNumberField("macs", s.macs());
      json.writeBooleanField("macs_lower_bound", s.macsAreLowerBound());
      json.writeArrayFieldStart("macs_not_estimated_for");
      for (String op : s.macsNotEstimatedFor()) {
        json.writeString(op);
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    out.println();
  }

  private static void writeValues(
      JsonGenerator json, String field, java.util.List<ModelSummary.ValueSummary> values)
      throws IOException {
    json.writeArrayFieldStart(field);
    for (var v : values) {
      json.writeStartObject();
      json.writeStringField("name", v.name());
      json.writeStringField("type", v.elementType());
      json.writeArrayFieldStart("shape");
      for (String d : v.dims()) {
        if (d.matches("\\d+")) {
          json.writeNumber(Long.parseLong(d));
        } else {
          json.writeString(d);
        }
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    json.writeEndArray();
  }
}
