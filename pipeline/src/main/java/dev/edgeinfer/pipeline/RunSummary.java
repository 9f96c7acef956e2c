package dev.edgeinfer.pipeline;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The final figures of a run. Latency is capture to result (T_end - T_start); throughput is results
 * per second of wall time between the first capture and the last result.
 *
 * @param model what ran (a file name, or {@code digits (bundled)})
 * @param provider the execution provider that ran it
 * @param source the source description
 * @param targetFps the pacing asked for; 0 = flat out
 * @param samples results produced
 * @param dropped frames a paced source produced that could not be taken in time
 * @param late results whose latency exceeded one frame interval (paced runs only)
 * @param failed frames that could not be decoded or run
 * @param durationSeconds first capture to last result
 * @param throughputPerSecond samples / durationSeconds
 * @param startupMillis process start to first result, when the process start is known
 * @param latency latency percentiles in milliseconds
 * @param peakRssMb peak resident memory of the process, where the OS reports it
 * @param accuracy share of labelled results whose best class was right, when labels are known
 * @param labelled how many results had a label
 */
public record RunSummary(
    String model,
    String provider,
    String source,
    double targetFps,
    long samples,
    long dropped,
    long late,
    long failed,
    double durationSeconds,
    double throughputPerSecond,
    OptionalDouble startupMillis,
    LatencyHistogram.LatencySummary latency,
    OptionalDouble peakRssMb,
    OptionalDouble accuracy,
    long labelled) {

  /** Writes this summary as one JSON object. */
  public void writeJson(OutputStream out) throws IOException {
    try (JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("model", model);
      json.writeStringField("provider", provider);
      json.writeStringField("source", source);
      json.writeNumberField("target_fps", targetFps);
      json.writeNumberField("samples", samples);
      json.writeNumberField("dropped", dropped);
      json.writeNumberField("late", late);
      json.writeNumberField("failed", failed);
      json.writeNumberField("duration_s", round(durationSeconds));
      json.writeNumberField("throughput_per_s", round(throughputPerSecond));
      if (startupMillis.isPresent()) {
        json.writeNumberField("startup_ms", round(startupMillis.getAsDouble()));
      }
      json.writeObjectFieldStart("latency_ms");
      json.writeNumberField("p50", round(latency.p50()));
      json.writeNumberField("p90", round(latency.p90()));
      json.writeNumberField("p99", round(latency.p99()));
      json.writeNumberField("max", round(latency.max()));
      json.writeNumberField("mean", round(latency.mean()));
      json.writeEndObject();
      if (peakRssMb.isPresent()) {
        json.writeNumberField("peak_rss_mb", round(peakRssMb.getAsDouble()));
      }
      if (accuracy.isPresent()) {
        json.writeNumberField("accuracy", round(accuracy.getAsDouble()));
        json.writeNumberField("labelled", labelled);
      }
      json.writeEndObject();
    }
  }

  /** Writes the JSON summary to {@code file}. */
  public void writeJson(Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      writeJson(out);
    } catch (IOException e) {
      throw new PipelineException(
          PipelineException.Code.SINK_FAILED,
          "cannot write the summary to "
              + file
              + " ("
              + e.getMessage()
              + "); check the folder exists and has space");
    }
  }

  /** A few human-readable lines. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "model      %s on %s%n", model, provider));
    text.append(
        String.format(
            Locale.ROOT,
            "source     %s%s%n",
            source,
            targetFps > 0 ? String.format(Locale.ROOT, " at %.1f fps", targetFps) : " flat out"));
    text.append(
        String.format(
            Locale.ROOT,
            "samples    %d in %.2f s = %.1f/s",
            samples,
            durationSeconds,
            throughputPerSecond));
    if (dropped > 0 || late > 0 || failed > 0) {
      text.append(
          String.format(Locale.ROOT, " (dropped %d, late %d, failed %d)", dropped, late, failed));
    }
    text.append(System.lineSeparator());
    text.append(
        String.format(
            Locale.ROOT,
            "latency    p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  mean %.3f ms%n",
            latency.p50(),
            latency.p90(),
            latency.p99(),
            latency.max(),
            latency.mean()));
    if (accuracy.isPresent()) {
      text.append(
          String.format(
              Locale.ROOT,
              "accuracy   %.2f %% of %d labelled samples%n",
              accuracy.getAsDouble() * 100,
              labelled));
    }
    StringBuilder process = new StringBuilder();
    startupMillis.ifPresent(
        ms ->
            process.append(
                String.format(Locale.ROOT, "first result %.0f ms after process start", ms)));
    peakRssMb.ifPresent(
        mb ->
            process
                .append(process.isEmpty() ? "" : ", ")
                .append(String.format(Locale.ROOT, "peak RSS %.0f MB", mb)));
    if (!process.isEmpty()) {
      text.append("process    ").append(process).append(System.lineSeparator());
    }
    return text.toString();
  }

  private static double round(double value) {
    return Math.round(value * 1e4) / 1e4;
  }
}
