package dev.edgeinfer.cli;

import dev.edgeinfer.pipeline.Classifier;
import dev.edgeinfer.pipeline.ImageFormat;
import dev.edgeinfer.pipeline.Preprocessor;
import dev.edgeinfer.pipeline.ProcessFootprint;
import dev.edgeinfer.pipeline.RealtimePipeline;
import dev.edgeinfer.pipeline.RunSummary;
import dev.edgeinfer.pipeline.SinkSpec;
import dev.edgeinfer.pipeline.SourceSpec;
import dev.edgeinfer.pipeline.spi.Sink;
import dev.edgeinfer.pipeline.spi.Source;
import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.ModelOptions;
import dev.edgeinfer.runtime.TensorSpec;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edgeinfer run}: stream a source through a model and watch latency, throughput and results
 * live.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Stream a source through a model: pre-process, infer, post-process, sinks.",
      "With no arguments: the bundled digits CNN on its 360 held-out digits at 30 fps."
    })
final class RunCommand implements Callable<Integer> {
  private static final String BUNDLED = "digits (bundled)";

  @Option(
      names = "--model",
      paramLabel = "FILE",
      description = "ONNX model (default: the bundled digits CNN).")
  Optional<Path> model;

  @Option(
      names = "--source",
      paramLabel = "SPEC",
      description =
          "digits, images:DIR or npy:FILE[:LABELS.npy] (default: digits with the bundled model).")
  Optional<String> source;

  @Option(
      names = "--sink",
      paramLabel = "SPEC",
      description = "console or jsonl:FILE; repeatable (default: console).")
  List<String> sinks = new ArrayList<>();

  @Option(
      names = "--fps",
      paramLabel = "N",
      description =
          "Pace the source like a camera at N frames/s; 0 = flat out (default: 30 for digits, else 0).")
  Optional<Double> fps;

  @Option(
      names = "--max-samples",
      paramLabel = "N",
      defaultValue = "0",
      description = "Stop after N results (0 = all).")
  long maxSamples;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      description = "Stop after this long, e.g. 10s, 2m.")
  Optional<String> duration;

  @Option(
      names = "--summary-json",
      paramLabel = "FILE",
      description = "Write the final figures as JSON.")
  Optional<Path> summaryJson;

  @Option(
      names = "--labels",
      paramLabel = "FILE",
      description = "Class names, one per line (default: from the model's metadata).")
  Optional<Path> labels;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      defaultValue = "3",
      description = "Classes to report per result (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(
      names = "--softmax",
      paramLabel = "MODE",
      defaultValue = "auto",
      description =
          "auto (unless outputs already are probabilities), on, off (default: ${DEFAULT-VALUE}).")
  String softmax;

  @Option(
      names = "--output",
      paramLabel = "NAME",
      description = "Model output to classify (default: the first).")
  Optional<String> output;

  @Option(
      names = "--resize",
      paramLabel = "WxH",
      description = "Image size (default: from the model input).")
  Optional<String> resize;

  @Option(
      names = "--color",
      paramLabel = "MODE",
      description = "gray, rgb or bgr (default: from the channel count).")
  Optional<String> color;

  @Option(
      names = "--layout",
      paramLabel = "L",
      description = "nchw or nhwc (default: from the model input).")
  Optional<String> layout;

  @Option(
      names = "--scale",
      paramLabel = "S",
      description = "Multiply 0-255 pixels by S first (default: 1/255).")
  Optional<Float> scale;

  @Option(
      names = "--mean",
      paramLabel = "M[,M,M]",
      description = "Subtract after scaling, per channel (default: 0).")
  Optional<String> mean;

  @Option(
      names = "--std",
      paramLabel = "S[,S,S]",
      description = "Divide last, per channel (default: 1).")
  Optional<String> std;

  @Mixin RuntimeOptions runtime;

  @Override
  public Integer call() {
    var processStart = ProcessFootprint.processStart();
    ModelOptions options = runtime.toModelOptions();
    SourceSpec sourceSpec =
        SourceSpec.parse(
            source.orElseGet(
                () -> {
                  if (model.isPresent()) {
                    throw new UsageException(
                        "--source is needed with --model: give images:DIR or npy:FILE[:LABELS.npy]");
                  }
                  return "digits";
                }));
    List<SinkSpec> sinkSpecs =
        (sinks.isEmpty() ? List.of("console") : sinks).stream().map(SinkSpec::parse).toList();
    double pace = fps.orElse(sourceSpec.kind() == SourceSpec.Kind.DIGITS ? 30.0 : 0.0);
    var settings =
        new RealtimePipeline.Settings(
            pace,
            maxSamples,
            duration.map(d -> Arguments.duration("--duration", d)),
            Optional.of(processStart));

    String modelName = model.map(Path::toString).orElse(BUNDLED);
    boolean interactive = isTerminal();
    List<Sink> opened = new ArrayList<>();
    try (Model loaded =
            model.isPresent()
                ? Model.open(model.get(), options)
                : Model.load(SourceSpec.BundledDigits.model(), options);
        Source stream = sourceSpec.open()) {
      TensorSpec input = loaded.signature().inputs().getFirst();
      long[] shape = input.concreteShape(1, Map.of(), 1);
      Optional<ImageFormat> format = imageFormat(input, sourceSpec);
      Classifier classifier =
          new Classifier(topK, classLabels(loaded), Classifier.Softmax.parse(softmax));
      PrintStream console = System.out;
      for (SinkSpec spec : sinkSpecs) {
        opened.add(spec.open(console, interactive));
      }
      var builder =
          RealtimePipeline.builder()
              .model(loaded, modelName)
              .source(stream)
              .preprocessor(new Preprocessor(input.name(), shape, input.type(), format))
              .classifier(classifier)
              .settings(settings)
              .warnings(
                  message -> {
                    if (interactive) {
                      System.err.println();
                    }
                    System.err.println("warning: " + message);
                  });
      output.ifPresent(builder::output);
      opened.forEach(builder::sink);
      RunSummary summary = builder.build().run();
      summaryJson.ifPresent(summary::writeJson);
      return summary.failed() > 0 ? 1 : 0;
    } finally {
      for (Sink sink : opened) {
        sink.close();
      }
    }
  }

  private Optional<ImageFormat> imageFormat(TensorSpec input, SourceSpec sourceSpec) {
    boolean wantsImages = sourceSpec.kind() == SourceSpec.Kind.IMAGES;
    boolean customised =
        resize.isPresent()
            || color.isPresent()
            || layout.isPresent()
            || scale.isPresent()
            || mean.isPresent()
            || std.isPresent();
    if (!wantsImages) {
      if (customised) {
        throw new UsageException(
            "--resize/--color/--layout/--scale/--mean/--std apply to images:DIR sources only");
      }
      return Optional.empty();
    }
    ImageFormat inferred = ImageFormat.inferFrom(input);
    int width = inferred.width();
    int height = inferred.height();
    if (resize.isPresent()) {
      long[] size = Arguments.shape("--resize", resize.get());
      if (size.length != 2) {
        throw new UsageException(
            "--resize '" + resize.get() + "' needs WIDTHxHEIGHT, e.g. 224x224");
      }
      width = Math.toIntExact(size[0]);
      height = Math.toIntExact(size[1]);
    }
    return Optional.of(
        new ImageFormat(
            width,
            height,
            color.map(ImageFormat.Color::parse).orElse(inferred.color()),
            layout.map(ImageFormat.Layout::parse).orElse(inferred.layout()),
            scale.orElse(inferred.scale()),
            mean.map(m -> Arguments.floats("--mean", m)).orElse(inferred.mean()),
            std.map(s -> Arguments.floats("--std", s)).orElse(inferred.std())));
  }

  private List<String> classLabels(Model loaded) {
    if (labels.isPresent()) {
      try {
        return Files.readAllLines(labels.get()).stream()
            .map(String::trim)
            .filter(l -> !l.isEmpty())
            .toList();
      } catch (IOException e) {
        throw new UsageException(
            "cannot read labels file "
                + labels.get()
                + " ("
                + e.getMessage()
                + "); give a text file with one class name per line");
      }
    }
    if (model.isEmpty()) {
      return SourceSpec.BundledDigits.labels();
    }
    String stored = loaded.signature().metadata().get("labels");
    return stored == null ? List.of() : Arrays.stream(stored.split(",")).map(String::trim).toList();
  }

  /** True when stdout is an interactive terminal (so the status line can refresh in place). */
  static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
