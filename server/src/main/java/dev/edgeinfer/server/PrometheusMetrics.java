package dev.edgeinfer.server;

import dev.edgeinfer.pipeline.ProcessFootprint;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The {@code /metrics} page in Prometheus text format, with Triton's series names ({@code
 * nv_inference_*}, labels {@code model} and {@code version}) so existing dashboards work, plus the
 * process's CPU time and resident memory.
 */
final class PrometheusMetrics {
  private PrometheusMetrics() {}

  private record Series(String name, String help, ToLongFunction<ModelStatistics> value) {}

  private static final List<Series> SERIES =
      List.of(
          new Series(
              "nv_inference_request_success",
              "Number of successful inference requests, all batch sizes",
              ModelStatistics::success),
          new Series(
              "nv_inference_request_failure",
              "Number of failed inference requests, all batch sizes",
              ModelStatistics::failure),
          new Series(
              "nv_inference_count",
              "Number of inferences performed (a request of batch n counts n)",
              ModelStatistics::inferences),
          new Series(
              "nv_inference_exec_count",
              "Number of model executions performed (count / exec_count = " + "average batch size)",
              ModelStatistics::executions),
          new Series(
              "nv_inference_request_duration_us",
              "Cumulative inference request duration in microseconds",
              s -> s.requestNanos() / 1000),
          new Series(
              "nv_inference_queue_duration_us",
              "Cumulative inference queuing duration in microseconds",
              s -> s.queueNanos() / 1000),
          new Series(
              "nv_inference_compute_input_duration_us",
              "Cumulative compute input duration in microseconds",
              s -> s.computeInputNanos() / 1000),
          new Series(
              "nv_inference_compute_infer_duration_us",
              "Cumulative compute inference duration in microseconds",
              s -> s.computeInferNanos() / 1000),
          new Series(
              "nv_inference_compute_output_duration_us",
              "Cumulative inference compute output duration in " + "microseconds",
              s -> s.computeOutputNanos() / 1000));

  static String render(List<ModelStatistics> statistics) {
    StringBuilder text = new StringBuilder(2048);
    for (Series series : SERIES) {
      text.append("# HELP ").append(series.name).append(' ').append(series.help).append('\n');
      text.append("# TYPE ").append(series.name).append(" counter\n");
      for (ModelStatistics s : statistics) {
        text.append(series.name)
            .append("{model=\"")
            .append(escape(s.model()))
            .append("\",version=\"")
            .append(escape(s.version()))
            .append("\"} ")
            .append(series.value.applyAsLong(s))
            .append('\n');
      }
    }
    if (ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      text.append(
              "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds\n")
          .append("# TYPE process_cpu_seconds_total counter\n")
          .append("process_cpu_seconds_total ")
          .append(os.getProcessCpuTime() / 1e9)
          .append('\n');
    }
    ProcessFootprint.rssMb()
        .ifPresent(
            mb ->
                text.append("# HELP process_resident_memory_bytes Resident memory size in bytes\n")
                    .append("# TYPE process_resident_memory_bytes gauge\n")
                    .append("process_resident_memory_bytes ")
                    .append((long) (mb * 1024 * 1024))
                    .append('\n'));
    return text.toString();
  }

  private static String escape(String label) {
    return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
