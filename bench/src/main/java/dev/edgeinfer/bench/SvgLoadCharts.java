package dev.edgeinfer.bench;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The server scenario as two SVG charts over offered load: the queries per second achieved against
 * an ideal diagonal, and the p50 and p99 latency against the p99 bound. Loads whose p99 broke the
 * bound are drawn as crosses in a second colour, so the knee of the curve shows without relying on
 * colour alone.
 *
 * @param load the report's server figures, with at least one step
 */
record SvgLoadCharts(ServerLoad load) {

  SvgLoadCharts {
    if (load.steps().isEmpty()) {
      throw new IllegalArgumentException("load charts need at least one load step, got none");
    }
  }

  /** Achieved against offered queries per second. */
  String throughputSvg() {
    List<LoadPoint> steps = sorted();
    double largest =
        steps.stream().mapToDouble(p -> Math.max(p.offeredQps(), p.achievedQps())).max().orElse(0);
    SvgScale axis = SvgScale.fromZero(largest, "offered load (queries/s)");
    SvgPlot plot =
        new SvgPlot(
            "Achieved against offered load, server scenario",
            axis,
            new SvgScale(axis.min(), axis.max(), false, "achieved (queries/s)"),
            Optional.empty(),
            0);
    plot.line(
        new double[] {0, axis.max()},
        new double[] {0, axis.max()},
        SvgPlot.GREY,
        true,
        "ideal: achieved = offered");
    plot.line(
        steps.stream().mapToDouble(LoadPoint::offeredQps).toArray(),
        steps.stream().mapToDouble(LoadPoint::achievedQps).toArray(),
        SvgPlot.BLUE,
        false,
        "achieved");
    for (LoadPoint p : steps) {
      plot.point(p.offeredQps(), p.achievedQps(), marker(p), colour(p), tooltip(p));
    }
    legendForBound(plot, steps);
    if (load.peakQps() > 0) {
      plot.verticalRule(
          load.peakQps(),
          "peak " + HtmlReport.figure(load.peakQps()) + " q/s within the bound",
          SvgPlot.GREEN);
    }
    return plot.toSvg();
  }

  /** p50 and p99 latency against offered queries per second, with the bound. */
  String latencySvg() {
    List<LoadPoint> steps = sorted();
    double offered = steps.stream().mapToDouble(LoadPoint::offeredQps).max().orElse(0);
    double highest =
        Math.max(
            load.latencyBoundMillis(),
            steps.stream()
                .mapToDouble(p -> Math.max(p.p50Millis(), p.p99Millis()))
                .max()
                .orElse(0));
    double lowest =
        steps.stream().mapToDouble(LoadPoint::p50Millis).filter(v -> v > 0).min().orElse(highest);
    boolean logarithmic = lowest > 0 && highest / lowest > 30;
    SvgScale latency =
        logarithmic
            ? SvgScale.logarithmic(lowest, highest, "latency (ms, log scale)")
            : SvgScale.fromZero(highest * 1.05, "latency (ms)");
    SvgPlot plot =
        new SvgPlot(
            "p50 and p99 latency against offered load, server scenario",
            SvgScale.fromZero(offered, "offered load (queries/s)"),
            latency,
            Optional.empty(),
            0);
    double[] xs = steps.stream().mapToDouble(LoadPoint::offeredQps).toArray();
    plot.line(
        xs, steps.stream().mapToDouble(LoadPoint::p50Millis).toArray(), SvgPlot.SKY, false, "p50");
    plot.line(
        xs, steps.stream().mapToDouble(LoadPoint::p99Millis).toArray(), SvgPlot.BLUE, false, "p99");
    for (LoadPoint p : steps) {
      plot.point(p.offeredQps(), p.p50Millis(), SvgPlot.Marker.SQUARE, SvgPlot.SKY, tooltip(p));
      plot.point(p.offeredQps(), p.p99Millis(), marker(p), colour(p), tooltip(p));
    }
    legendForBound(plot, steps);
    plot.horizontalRule(
        load.latencyBoundMillis(),
        "p99 bound " + HtmlReport.figure(load.latencyBoundMillis()) + " ms",
        SvgPlot.VERMILLION);
    return plot.toSvg();
  }

  private List<LoadPoint> sorted() {
    return load.steps().stream().sorted(Comparator.comparingDouble(LoadPoint::offeredQps)).toList();
  }

  private static void legendForBound(SvgPlot plot, List<LoadPoint> steps) {
    plot.pointLegend(SvgPlot.Marker.CIRCLE, SvgPlot.BLUE, "p99 within the bound");
    if (steps.stream().anyMatch(p -> !p.withinBound())) {
      plot.pointLegend(SvgPlot.Marker.CROSS, SvgPlot.VERMILLION, "p99 over the bound");
    }
  }

  private static SvgPlot.Marker marker(LoadPoint p) {
    return p.withinBound() ? SvgPlot.Marker.CIRCLE : SvgPlot.Marker.CROSS;
  }

  private static String colour(LoadPoint p) {
    return p.withinBound() ? SvgPlot.BLUE : SvgPlot.VERMILLION;
  }

  private static String tooltip(LoadPoint p) {
    return "offered "
        + HtmlReport.figure(p.offeredQps())
        + " q/s: achieved "
        + HtmlReport.figure(p.achievedQps())
        + " q/s, p50 "
        + HtmlReport.figure(p.p50Millis())
        + " ms, p99 "
        + HtmlReport.figure(p.p99Millis())
        + " ms"
        + (p.withinBound() ? " (within the bound)" : " (over the bound)");
  }
}
