package dev.edgeinfer.bench;

import dev.edgeinfer.onnx.ModelSummary;
import dev.edgeinfer.pipeline.LatencyHistogram;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A benchmark report as one self-contained HTML page ({@code edgeinfer bench --html FILE}): the
 * headline figure, a summary table, the latency distribution, throughput and latency against
 * offered load for the server scenario, energy, the roofline, edge against cloud, the bare ONNX
 * Runtime comparison, and the model and machine. Charts are inline SVG drawn here and the styles
 * are inline, so the page opens from a file, mailed or archived, with no network; it holds no
 * script. Every text from the report is escaped, since model names come from the user.
 *
 * <p>The page depends only on the report (no date, no host lookups), so the same report always
 * gives the same bytes. Stateless and safe to use from any thread.
 */
public final class HtmlReport {

  private static final String STYLE =
      """
      :root { color-scheme: light; }
      body { margin: 0; background: #f6f6f4; color: #1a1a1a;
        font: 15px/1.5 "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; }
      header, main, footer { max-width: 980px; margin: 0 auto; padding: 0 20px; }
      header { padding-top: 24px; }
      .kicker { margin: 0; color: #555; text-transform: uppercase; letter-spacing: .08em; font-size: 12px; }
      h1 { margin: 4px 0; font-size: 26px; overflow-wrap: anywhere; }
      .meta { margin: 0 0 14px; color: #444; }
      .headline { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 16px; background: #fff;
        border: 1px solid #d8d8d8; border-left: 6px solid #0072B2; border-radius: 6px; padding: 12px 18px; }
      .headline .figure { font-size: 32px; font-weight: bold; color: #0b4f7c; }
      section { background: #fff; border: 1px solid #d8d8d8; border-radius: 6px; margin: 18px 0;
        padding: 6px 20px 16px; }
      h2 { font-size: 19px; margin: 12px 0 8px; }
      h3 { font-size: 15px; margin: 14px 0 4px; }
      svg { display: block; width: 100%; height: auto; max-width: 900px; margin: 6px 0; }
      table { border-collapse: collapse; margin: 8px 0; }
      th, td { text-align: left; padding: 4px 14px 4px 0; border-bottom: 1px solid #e6e6e6; vertical-align: top; }
      td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
      th { font-weight: 600; color: #333; }
      .note { color: #444; font-size: 14px; }
      .empty { color: #555; font-style: italic; }
      .badge { display: inline-block; padding: 1px 10px; border-radius: 10px; font-weight: bold;
        background: #D55E00; color: #fff; text-transform: uppercase; letter-spacing: .05em; font-size: 13px; }
      .estimate { border: 2px dashed #D55E00; border-radius: 6px; padding: 8px 12px; background: #fff6f0; }
      .share { display: inline-block; height: 10px; background: #56B4E9; vertical-align: middle; }
      footer { color: #666; font-size: 13px; padding-bottom: 24px; }
      """;

  private final BenchReport report;
  private final StringBuilder html = new StringBuilder();

  private HtmlReport(BenchReport report) {
    this.report = report;
  }

  /**
   * Writes the page for {@code report} to {@code file}, replacing it.
   *
   * @throws BenchException when the file cannot be written
   */
  public static void write(BenchReport report, Path file) {
    String page = render(report);
    try {
      Files.writeString(file, page, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BenchException(
          "cannot write the HTML report to "
              + file
              + " ("
              + reason(e)
              + "); check the folder exists and is writable");
    }
  }

  /** The page for {@code report}, as HTML text. */
  public static String render(BenchReport report) {
    return new HtmlReport(report).page();
  }

  private String page() {
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        .append("<title>EdgeInfer bench: ")
        .append(escape(report.model()))
        .append(", ")
        .append(escape(report.scenario().toString()))
        .append("</title>\n<style>\n")
        .append(STYLE)
        .append("</style>\n</head>\n<body>\n");
    header();
    html.append("<main>\n");
    summary();
    distribution();
    report.server().ifPresent(this::server);
    report.energy().ifPresent(this::energy);
    report.roofline().ifPresent(this::roofline);
    report.cloud().ifPresent(this::cloud);
    report.bare().ifPresent(this::bare);
    report.details().ifPresent(this::model);
    machine();
    html.append(
            "</main>\n<footer>Written by <code>edgeinfer bench --html</code>. Self-contained: no scripts, ")
        .append("fonts or images are fetched.</footer>\n</body>\n</html>\n");
    return html.toString();
  }

  private void header() {
    Headline headline = headline();
    html.append("<header>\n<p class=\"kicker\">EdgeInfer benchmark report</p>\n<h1>")
        .append(escape(report.model()))
        .append("</h1>\n<p class=\"meta\">")
        .append(escape(report.scenario().toString()))
        .append(" scenario &#183; ")
        .append(escape(report.provider()))
        .append(" &#183; ")
        .append(report.threads() == 0 ? "threads: one per core" : "threads: " + report.threads())
        .append(" &#183; batch ")
        .append(report.batch())
        .append("</p>\n<div class=\"headline\"><span class=\"figure\">")
        .append(escape(headline.figure()))
        .append("</span><span>")
        .append(escape(headline.what()))
        .append("</span></div>\n</header>\n");
  }

  /** The scenario's headline figure and what it means. */
  private record Headline(String figure, String what) {}

  private Headline headline() {
    if (report.server().isPresent()) {
      ServerLoad s = report.server().get();
      String bound = figure(s.latencyBoundMillis()) + " ms";
      return s.peakQps() > 0
          ? new Headline(
              figure(s.peakQps()) + " queries/s",
              "peak offered load with p99 latency under " + bound)
          : new Headline("no load", "kept p99 latency under " + bound);
    }
    if (report.scenario() == Scenario.OFFLINE) {
      return new Headline(
          figure(report.throughputPerSecond()) + " samples/s",
          "offline throughput at batch " + report.batch());
    }
    if (report.headline().isPresent()) {
      BenchReport.Headline h = report.headline().get();
      return new Headline(
          figure(h.millis()) + " ms",
          percentile(h.percentile())
              + " latency per query; early-stopping"
              + " estimate "
              + figure(h.earlyStoppingMillis())
              + " ms (99 % confidence)");
    }
    double p = report.scenario().headlinePercentile();
    LatencyHistogram.LatencySummary l = report.latency();
    double millis = p <= 50 ? l.p50() : p <= 90 ? l.p90() : l.p99();
    String shown = p <= 50 ? "p50" : p <= 90 ? "p90" : "p99";
    return new Headline(
        figure(millis) + " ms",
        shown + " latency per query; too few queries for an early-stopping" + " estimate");
  }

  private void summary() {
    LatencyHistogram.LatencySummary l = report.latency();
    html.append("<section id=\"summary\">\n<h2>Summary</h2>\n<table>\n");
    row("Throughput", figure(report.throughputPerSecond()) + " samples/s");
    html.append(
            "<tr><th>Latency per query</th><td><table>\n<tr><th class=\"num\">p50</th><th class=\"num\">p90</th>")
        .append(
            "<th class=\"num\">p99</th><th class=\"num\">max</th><th class=\"num\">mean</th></tr>\n<tr>");
    for (double v : new double[] {l.p50(), l.p90(), l.p99(), l.max(), l.mean()}) {
      html.append("<td class=\"num\">").append(figure(v)).append(" ms</td>");
    }
    html.append("</tr>\n</table></td></tr>\n");
    report
        .headline()
        .ifPresent(
            h ->
                row(
                    "Headline",
                    percentile(h.percentile())
                        + " "
                        + figure(h.millis())
                        + " ms, early-stopping estimate "
                        + figure(h.earlyStoppingMillis())
                        + " ms"));
    row("Queries", count(report.queries()));
    row("Samples", count(report.samples()) + " (batch " + report.batch() + ")");
    row("Duration", figure(report.durationSeconds()) + " s");
    report.accuracy().ifPresent(a -> row("Top-1 accuracy", figure(a * 100) + " %"));
    html.append("</table>\n</section>\n");
  }

  private void distribution() {
    html.append("<section id=\"latency\">\n<h2>Latency distribution</h2>\n");
    List<LatencyHistogram.Bucket> buckets = report.distribution();
    if (buckets.stream().mapToLong(LatencyHistogram.Bucket::count).sum() == 0) {
      html.append(
          "<p class=\"empty\">No query latency was recorded, so there is no distribution to plot.</p>\n");
    } else {
      html.append(
              "<p class=\"note\">Bars: share of queries in each latency bucket (each 25 % wider than the last; ")
          .append(
              "right axis). Line: share of queries at or below a latency (left axis). Hover for the counts.</p>\n")
          .append(new SvgLatencyChart(buckets, report.latency()).toSvg())
          .append('\n');
    }
    html.append("</section>\n");
  }

  private void server(ServerLoad load) {
    html.append(
            "<section id=\"server\">\n<h2>Throughput against offered load</h2>\n<p class=\"note\">Poisson arrivals, ")
        .append("open loop; latency counts from each query's scheduled time. Bound: p99 under ")
        .append(figure(load.latencyBoundMillis()))
        .append(" ms; peak within it: ")
        .append(figure(load.peakQps()))
        .append(" queries/s.</p>\n");
    if (load.steps().isEmpty()) {
      html.append("<p class=\"empty\">No load steps were run.</p>\n</section>\n");
      return;
    }
    SvgLoadCharts charts = new SvgLoadCharts(load);
    html.append("<h3>Achieved against offered queries per second</h3>\n")
        .append(charts.throughputSvg())
        .append("\n<h3>Latency against offered load</h3>\n")
        .append(charts.latencySvg())
        .append('\n');
    html.append(
            "<table>\n<tr><th class=\"num\">offered q/s</th><th class=\"num\">achieved q/s</th>")
        .append(
            "<th class=\"num\">p50 ms</th><th class=\"num\">p99 ms</th><th>p99 bound</th></tr>\n");
    for (LoadPoint p : load.steps()) {
      html.append("<tr><td class=\"num\">")
          .append(figure(p.offeredQps()))
          .append("</td><td class=\"num\">")
          .append(figure(p.achievedQps()))
          .append("</td><td class=\"num\">")
          .append(figure(p.p50Millis()))
          .append("</td><td class=\"num\">")
          .append(figure(p.p99Millis()))
          .append("</td><td>")
          .append(p.withinBound() ? "within" : "<strong>over</strong>")
          .append("</td></tr>\n");
    }
    html.append("</table>\n</section>\n");
  }

  private void energy(EnergyFigures e) {
    html.append("<section id=\"energy\">\n<h2>Energy</h2>\n");
    if (e.isEstimate()) {
      html.append("<p class=\"estimate\"><span class=\"badge\">estimate</span> Not measured: ")
          .append(escape(e.description()))
          .append("</p>\n");
    }
    html.append("<table>\n");
    row("Energy per inference", figure(e.joulesPerInference()) + " J");
    row("Inferences per joule", figure(e.inferencesPerJoule()));
    row("Total", figure(e.joules()) + " J over " + count(e.inferences()) + " inferences");
    row("Source", e.isEstimate() ? "estimate" : e.source());
    if (!e.isEstimate()) {
      row("What was read", e.description());
    }
    html.append("</table>\n</section>\n");
  }

  private void roofline(Roofline r) {
    String achieved =
        figure(r.achievedGmacPerSecond())
            + " of "
            + figure(r.peakGmacPerSecond())
            + " GMAC/s ("
            + figure(r.percentOfPeak())
            + " % of peak)";
    html.append("<section id=\"roofline\">\n<h2>Roofline</h2>\n")
        .append(
            new SvgBars(
                    "Achieved against peak multiply-accumulates per second",
                    "GMAC/s (billions of MACs per second)",
                    List.of(
                        new SvgBars.Row(
                            "achieved",
                            r.achievedGmacPerSecond(),
                            r.peakGmacPerSecond(),
                            SvgPlot.BLUE,
                            achieved)))
                .toSvg())
        .append(
            "\n<p class=\"note\">Pale bar: the machine's fp32 peak; dark bar: what the model reached.</p>\n<table>\n");
    row(
        "MACs per inference",
        (r.macsLowerBound() ? "at least " : "") + count(r.macsPerInference()));
    row("Achieved", achieved);
    row("Peak", r.peakDerivation());
    row(
        "CPU features",
        r.cpuFeatures().isEmpty() ? "none detected" : String.join(", ", r.cpuFeatures()));
    html.append("</table>\n");
    if (r.macsLowerBound()) {
      html.append(
              "<p class=\"note\"><strong>Lower bound:</strong> the MAC count leaves out some operators, so the ")
          .append(
              "model does more work than shown and the achieved rate is higher than shown.</p>\n");
    }
    html.append("</section>\n");
  }

  private void cloud(CloudComparison c) {
    html.append("<section id=\"cloud\">\n<h2>Edge against cloud</h2>\n")
        .append(
            new SvgBars(
                    "Latency at the edge against the same model behind a modelled network",
                    "latency (ms)",
                    List.of(
                        new SvgBars.Row(
                            "edge p50",
                            c.localP50Millis(),
                            0,
                            SvgPlot.BLUE,
                            figure(c.localP50Millis()) + " ms"),
                        new SvgBars.Row(
                            "cloud p50",
                            c.cloudP50Millis(),
                            0,
                            SvgPlot.VERMILLION,
                            figure(c.cloudP50Millis()) + " ms"),
                        new SvgBars.Row(
                            "edge p99",
                            c.localP99Millis(),
                            0,
                            SvgPlot.BLUE,
                            figure(c.localP99Millis()) + " ms"),
                        new SvgBars.Row(
                            "cloud p99",
                            c.cloudP99Millis(),
                            0,
                            SvgPlot.VERMILLION,
                            figure(c.cloudP99Millis()) + " ms")))
                .toSvg())
        .append("\n<p class=\"note\">Cloud: the local latency plus a modelled link of ")
        .append(figure(c.rttMillis()))
        .append(" ms round trip at ")
        .append(figure(c.bandwidthMbit()))
        .append(" Mbit/s, ")
        .append(count(c.bytesUpPerSample()))
        .append(" bytes up and ")
        .append(count(c.bytesDownPerSample()))
        .append(
            " bytes down per sample. The cloud's own inference is taken to be as fast as this machine's.</p>\n")
        .append("</section>\n");
  }

  private void bare(BenchReport.BareComparison b) {
    LatencyHistogram.LatencySummary ours = report.latency();
    html.append("<section id=\"bare\">\n<h2>Against a bare ONNX Runtime loop</h2>\n<table>\n")
        .append(
            "<tr><th></th><th class=\"num\">EdgeInfer</th><th class=\"num\">bare OrtSession.run</th></tr>\n");
    compared("Batch", Integer.toString(report.batch()), Integer.toString(b.batch()));
    compared(
        "Throughput (samples/s)",
        figure(report.throughputPerSecond()),
        figure(b.throughputPerSecond()));
    compared("p50 (ms)", figure(ours.p50()), figure(b.latency().p50()));
    compared("p90 (ms)", figure(ours.p90()), figure(b.latency().p90()));
    compared("p99 (ms)", figure(ours.p99()), figure(b.latency().p99()));
    html.append("</table>\n<table>\n");
    report.p50Ratio().ifPresent(v -> row("p50, ours over bare", figure(v) + "\u00d7"));
    report
        .p50OverheadMicros()
        .ifPresent(v -> row("p50 overhead", (v >= 0 ? "+" : "") + figure(v) + " \u00b5s"));
    report
        .throughputRatio()
        .ifPresent(v -> row("Throughput, ours over bare", figure(v) + "\u00d7"));
    html.append("</table>\n</section>\n");
  }

  private void model(ModelSummary m) {
    html.append("<section id=\"model\">\n<h2>Model</h2>\n<table>\n");
    row("File", report.model());
    row(
        "File size",
        bytes(m.fileSizeBytes())
            + (m.fileSizeBytes() >= 1024 ? " (" + count(m.fileSizeBytes()) + " bytes)" : ""));
    row("Parameters", count(m.parameterCount()) + " (" + bytes(m.parameterBytes()) + ")");
    row("Nodes", count(m.nodeCount()));
    row(
        "MACs per inference",
        (m.macsAreLowerBound() ? "at least " : "")
            + count(m.macs())
            + (m.macsAreLowerBound()
                ? " (not counted: " + String.join(", ", m.macsNotEstimatedFor()) + ")"
                : ""));
    row("ONNX IR version", Long.toString(m.irVersion()));
    if (!m.producerName().isEmpty()) {
      row("Producer", (m.producerName() + " " + m.producerVersion()).trim());
    }
    if (!m.opsets().isEmpty()) {
      row(
          "Opsets",
          m.opsets().entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining(", ")));
    }
    for (ModelSummary.ValueSummary v : m.inputs()) {
      row("Input", v.name() + ": " + v.elementType() + " " + v.shape());
    }
    for (ModelSummary.ValueSummary v : m.outputs()) {
      row("Output", v.name() + ": " + v.elementType() + " " + v.shape());
    }
    html.append("</table>\n");
    if (!m.opHistogram().isEmpty()) {
      long nodes = m.opHistogram().values().stream().mapToLong(Long::longValue).sum();
      html.append(
          "<h3>Operators</h3>\n<table>\n<tr><th>op type</th><th class=\"num\">nodes</th><th>share</th></tr>\n");
      for (Map.Entry<String, Long> e : m.opHistogram().entrySet()) {
        double share = nodes == 0 ? 0 : 100.0 * e.getValue() / nodes;
        html.append("<tr><td>")
            .append(escape(e.getKey()))
            .append("</td><td class=\"num\">")
            .append(count(e.getValue()))
            .append("</td><td><span class=\"share\" style=\"width:")
            .append(String.format(Locale.ROOT, "%.0f", 2 * share))
            .append("px\"></span> ")
            .append(figure(share))
            .append(" %</td></tr>\n");
      }
      html.append("</table>\n");
    }
    html.append("</section>\n");
  }

  private void machine() {
    Machine m = report.machine();
    html.append("<section id=\"machine\">\n<h2>Machine</h2>\n<table>\n");
    row("CPU", m.cpu());
    row("Cores", Integer.toString(m.cores()));
    row("Operating system", m.os());
    row("Java", m.java());
    row("ONNX Runtime", m.onnxRuntime());
    row("Execution provider", report.provider());
    html.append("</table>\n</section>\n");
  }

  private void row(String name, String value) {
    html.append("<tr><th>")
        .append(escape(name))
        .append("</th><td>")
        .append(escape(value))
        .append("</td></tr>\n");
  }

  private void compared(String name, String ours, String bare) {
    html.append("<tr><th>")
        .append(escape(name))
        .append("</th><td class=\"num\">")
        .append(escape(ours))
        .append("</td><td class=\"num\">")
        .append(escape(bare))
        .append("</td></tr>\n");
  }

  /**
   * {@code text} safe inside HTML and SVG text and quoted attributes: markup characters become
   * entities that XML also knows, and control characters XML forbids become U+FFFD.
   */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        case '\t', '\n', '\r' -> out.append(c);
        default -> out.append(c < 0x20 || c == 0xFFFE || c == 0xFFFF ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }

  /**
   * A measured value for a reader: grouped whole numbers from 1000 up, then fewer decimals the
   * larger it is, three significant digits below 1.
   */
  static String figure(double value) {
    if (!Double.isFinite(value)) {
      return "n/a";
    }
    double size = Math.abs(value);
    if (size >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", value);
    } else if (size >= 100) {
      return String.format(Locale.ROOT, "%.1f", value);
    } else if (size >= 10) {
      return String.format(Locale.ROOT, "%.2f", value);
    } else if (size >= 1) {
      return String.format(Locale.ROOT, "%.3f", value);
    } else if (size == 0) {
      return "0";
    }
    return new BigDecimal(value).round(new MathContext(3)).toPlainString();
  }

  private static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  private static String bytes(long value) {
    if (value < 1024) {
      return value + " bytes";
    }
    return value < 1024 * 1024
        ? String.format(Locale.ROOT, "%.1f KiB", value / 1024.0)
        : String.format(Locale.ROOT, "%.1f MiB", value / (1024.0 * 1024));
  }

  private static String percentile(double percentile) {
    return "p" + BigDecimal.valueOf(percentile).stripTrailingZeros().toPlainString();
  }

  private static String reason(IOException e) {
    return switch (e) {
      case NoSuchFileException n -> "no such folder";
      case AccessDeniedException a -> "permission denied";
      case FileSystemException f ->
          f.getReason() == null ? f.getClass().getSimpleName() : f.getReason();
      default ->
          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
    };
  }
}
