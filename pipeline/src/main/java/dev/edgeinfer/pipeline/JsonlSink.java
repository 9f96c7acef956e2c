package dev.edgeinfer.pipeline;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import dev.edgeinfer.pipeline.spi.Sink;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes one JSON object per result to a file, one per line: {@code id}, {@code seq}, {@code
 * source}, {@code captured_at}, {@code latency_ms}, {@code result} (top classes), and {@code
 * label}/{@code correct} when the label is known. Flushed on close.
 */
final class JsonlSink implements Sink {
  private final Path file;
  private final JsonGenerator json;

  JsonlSink(Path file) {
    this.file = file;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
      this.json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
      json.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public void accept(SampleResult result) {
    try {
      json.writeStartObject();
      json.writeStringField("id", result.id());
      json.writeNumberField("seq", result.sequence());
      json.writeStringField("source", result.origin());
      json.writeStringField("captured_at", result.capturedAt().toString());
      json.writeNumberField("latency_ms", Math.round(result.latencyMillis() * 1e4) / 1e4);
      json.writeObjectFieldStart("result");
      json.writeArrayFieldStart("top");
      for (Prediction.ClassScore score : result.prediction().top()) {
        json.writeStartObject();
        json.writeStringField("label", score.label());
        json.writeNumberField("index", score.index());
        json.writeNumberField("score", score.score());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
      if (result.label().isPresent()) {
        json.writeStringField("label", result.label().get());
        json.writeBooleanField("correct", result.correct().orElse(false));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw failed(e);
    }
  }

  private PipelineException failed(IOException e) {
    return new PipelineException(
        PipelineException.Code.SINK_FAILED,
        "cannot write results to "
            + file
            + " ("
            + e.getMessage()
            + "); check the folder exists, is writable and has space",
        e);
  }

  @Override
  public void close() {
    try {
      json.writeRaw('\n');
      json.close();
    } catch (IOException e) {
      throw failed(e);
    }
  }
}
