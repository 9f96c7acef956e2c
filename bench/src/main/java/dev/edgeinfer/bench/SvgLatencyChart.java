package dev.edgeinfer.bench;

import dev.edgeinfer.pipeline.LatencyHistogram;
import java.util.List;
import java.util.Optional;

/**
 * The latency distribution of a benchmark as an SVG chart: the share of queries in each log-spaced
 * bucket as bars (right axis) and the cumulative share as a line (left axis), over latency on a
 * logarithmic axis, with p50, p90 and p99 marked. A log axis keeps a long tail and the bulk of the
 * queries readable on one chart.
 *
 * @param buckets the report's latency histogram, ascending, at least one with a count
 * @param latency the report's percentiles, for the markers
 */
record SvgLatencyChart(
    List<LatencyHistogram.Bucket> buckets, LatencyHistogram.LatencySummary latency) {

  private static final double BUCKET_GROWTH = 1.25;

  SvgLatencyChart {
    buckets = List.copyOf(buckets);
    if (buckets.stream().mapToLong(LatencyHistogram.Bucket::count).sum() <= 0) {
      throw new IllegalArgumentException(
          "a latency chart needs at least one query, got " + buckets.size() + " empty buckets");
    }
  }

  String toSvg() {
    long total = buckets.stream().mapToLong(LatencyHistogram.Bucket::count).sum();
    double first = buckets.getFirst().upToMillis() / BUCKET_GROWTH;
    double last = buckets.getLast().upToMillis();
    double smallest = positiveMin(first, latency.p50());
    double largest = Math.max(last, latency.max());
    double largestShare =
        buckets.stream().mapToLong(LatencyHistogram.Bucket::count).max().orElse(0) * 100.0 / total;
    SvgPlot plot =
        new SvgPlot(
            "Latency distribution: share of queries per latency bucket and cumulative share",
            SvgScale.logarithmic(smallest, largest, "latency per query (ms, log scale)"),
            new SvgScale(0, 100, false, "queries at or below (%)"),
            Optional.of(SvgScale.fromZero(largestShare, "queries in bucket (%)")),
            3);

    double[] xs = new double[buckets.size() + 1];
    double[] ys = new double[buckets.size() + 1];
    xs[0] = first;
    long cumulative = 0;
    double lower = first;
    for (int i = 0; i < buckets.size(); i++) {
      LatencyHistogram.Bucket b = buckets.get(i);
      cumulative += b.count();
      double share = b.count() * 100.0 / total;
      double below = cumulative * 100.0 / total;
      if (b.count() > 0) {
        plot.barOnRightAxis(
            lower,
            b.upToMillis(),
            share,
            SvgPlot.SKY,
            HtmlReport.figure(lower)
                + " to "
                + HtmlReport.figure(b.upToMillis())
                + " ms: "
                + b.count()
                + " queries ("
                + HtmlReport.figure(share)
                + " %), "
                + HtmlReport.figure(below)
                + " % at or below");
      }
      xs[i + 1] = b.upToMillis();
      ys[i + 1] = below;
      lower = b.upToMillis();
    }
    plot.barLegend(SvgPlot.SKY, "queries per bucket (right axis)");
    plot.line(xs, ys, SvgPlot.BLUE, false, "cumulative share (CDF)");
    mark(plot, 50, latency.p50(), SvgPlot.GREEN);
    mark(plot, 90, latency.p90(), SvgPlot.INK);
    mark(plot, 99, latency.p99(), SvgPlot.VERMILLION);
    return plot.toSvg();
  }

  private static void mark(SvgPlot plot, int percentile, double millis, String colour) {
    String text = "p" + percentile + " " + HtmlReport.figure(millis) + " ms";
    plot.verticalRule(millis, text, colour);
    plot.point(millis, percentile, SvgPlot.Marker.CIRCLE, colour, text);
  }

  private static double positiveMin(double a, double b) {
    return b > 0 ? Math.min(a, b) : a;
  }
}
