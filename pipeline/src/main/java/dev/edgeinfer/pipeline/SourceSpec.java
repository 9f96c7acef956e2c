package dev.edgeinfer.pipeline;

import dev.edgeinfer.pipeline.spi.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A parsed {@code --source} value: {@code digits} (the bundled held-out digits), {@code images:DIR}
 * or {@code npy:FILE[:LABELS.npy]}.
 *
 * @param kind which source
 * @param path the folder or file, for the file-backed kinds
 * @param labels a labels file, for {@code npy}
 */
public record SourceSpec(Kind kind, Optional<Path> path, Optional<Path> labels) {

  /** The source kinds the {@code run} command knows. */
  public enum Kind {
    DIGITS,
    IMAGES,
    NPY
  }

  /** Parses a spec, or fails with a message that lists the valid forms. */
  public static SourceSpec parse(String spec) {
    String text = spec.trim();
    if (text.equals("digits")) {
      return new SourceSpec(Kind.DIGITS, Optional.empty(), Optional.empty());
    }
    int colon = text.indexOf(':');
    String kind = colon < 0 ? text : text.substring(0, colon);
    String rest = colon < 0 ? "" : text.substring(colon + 1);
    switch (kind) {
      case "images" -> {
        requireValue(spec, rest, "images:DIR");
        return new SourceSpec(Kind.IMAGES, Optional.of(Path.of(rest)), Optional.empty());
      }
      case "npy" -> {
        requireValue(spec, rest, "npy:FILE[:LABELS.npy]");
        int split = rest.indexOf(".npy:");
        if (split >= 0) {
          return new SourceSpec(
              Kind.NPY,
              Optional.of(Path.of(rest.substring(0, split + 4))),
              Optional.of(Path.of(rest.substring(split + 5))));
        }
        return new SourceSpec(Kind.NPY, Optional.of(Path.of(rest)), Optional.empty());
      }
      default ->
          throw new PipelineException(
              PipelineException.Code.INVALID_SPEC,
              "unknown source '" + spec + "': use digits, images:DIR or npy:FILE[:LABELS.npy]");
    }
  }

  private static void requireValue(String spec, String value, String form) {
    if (value.isBlank()) {
      throw new PipelineException(
          PipelineException.Code.INVALID_SPEC, "source '" + spec + "' needs a path: " + form);
    }
  }

  /** Opens the source. */
  public Source open() {
    return switch (kind) {
      case DIGITS -> BundledDigits.source();
      case IMAGES -> new ImageFolderSource(path.orElseThrow());
      case NPY -> {
        Path file = path.orElseThrow();
        yield new NpySource(
            NpyArray.read(file),
            labels.map(NpyArray::read),
            "npy:" + file,
            file.getFileName().toString());
      }
    };
  }

  /** The bundled default: the digits CNN and its 360 held-out test samples with labels. */
  public static final class BundledDigits {
    private static final String ROOT = "/edgeinfer/digits/";

    private BundledDigits() {}

    /** The ONNX model's bytes. */
    public static byte[] model() {
      return resource("digits.onnx");
    }

    /** The class names, in output order. */
    public static java.util.List<String> labels() {
      return new String(resource("labels.txt"), java.nio.charset.StandardCharsets.UTF_8)
          .lines()
          .map(String::trim)
          .filter(l -> !l.isEmpty())
          .toList();
    }

    static Source source() {
      try (InputStream x = stream("test_x.npy");
          InputStream y = stream("test_y.npy")) {
        return new NpySource(
            NpyArray.read("digits test_x.npy", x),
            Optional.of(NpyArray.read("digits test_y.npy", y)),
            "digits (360 held-out handwritten digits, 8x8)",
            "digits");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static byte[] resource(String name) {
      try (InputStream in = stream(name)) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static InputStream stream(String name) {
      InputStream in = BundledDigits.class.getResourceAsStream(ROOT + name);
      if (in == null) {
        throw new IllegalStateException(
            "bundled resource "
                + ROOT
                + name
                + " is missing from the jar; rebuild with ./mvnw package");
      }
      return in;
    }
  }
}
