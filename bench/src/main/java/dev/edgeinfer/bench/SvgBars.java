package dev.edgeinfer.bench;

import java.util.List;

/**
 * A horizontal bar chart drawn as inline SVG for the HTML report: one labelled bar per row on a
 * shared linear scale from 0, each optionally over a pale track showing a ceiling (the machine's
 * peak behind the achieved rate). Like {@link SvgPlot} it scales through its {@code viewBox} and
 * needs nothing from the network.
 *
 * @param title what the chart shows, read out by screen readers and shown as a tooltip
 * @param axisLabel what the bars measure, with the unit
 * @param rows the bars, top to bottom
 */
record SvgBars(String title, String axisLabel, List<Row> rows) {

  private static final double WIDTH = 720;
  private static final double LABEL_WIDTH = 150;
  private static final double ROW_HEIGHT = 34;
  private static final double TOP = 12;
  private static final double AXIS_HEIGHT = 46;

  SvgBars {
    rows = List.copyOf(rows);
  }

  /**
   * One bar.
   *
   * @param label the row's name, left of the bar
   * @param value the bar's length in axis units
   * @param track a ceiling drawn as a pale bar behind, 0 for none
   * @param colour the bar's fill
   * @param valueText what is written right of the bar
   */
  record Row(String label, double value, double track, String colour, String valueText) {}

  /** The finished chart, one {@code <svg>} element. */
  String toSvg() {
    double largest = rows.stream().mapToDouble(r -> Math.max(r.value(), r.track())).max().orElse(0);
    SvgScale scale = SvgScale.fromZero(largest, axisLabel);
    double plotLeft = LABEL_WIDTH;
    double valueWidth =
        rows.stream().mapToDouble(r -> 7.4 * r.valueText().length() + 20).max().orElse(0);
    double plotRight = WIDTH - Math.clamp(valueWidth, 60, WIDTH - LABEL_WIDTH - 200);
    double plotBottom = TOP + ROW_HEIGHT * rows.size();
    double height = plotBottom + AXIS_HEIGHT;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
        .append(SvgPlot.n(WIDTH))
        .append(' ')
        .append(SvgPlot.n(height))
        .append("\" role=\"img\" font-family=\"")
        .append(SvgPlot.FONT)
        .append("\" fill=\"")
        .append(SvgPlot.INK)
        .append("\">\n<title>")
        .append(HtmlReport.escape(title))
        .append("</title>\n");
    svg.append("<rect x=\"0\" y=\"0\" width=\"")
        .append(SvgPlot.n(WIDTH))
        .append("\" height=\"")
        .append(SvgPlot.n(height))
        .append("\" fill=\"#ffffff\"/>\n");
    for (double t : scale.ticks()) {
      double at = plotLeft + scale.fraction(t) * (plotRight - plotLeft);
      svg.append("<line x1=\"")
          .append(SvgPlot.n(at))
          .append("\" y1=\"")
          .append(SvgPlot.n(TOP))
          .append("\" x2=\"")
          .append(SvgPlot.n(at))
          .append("\" y2=\"")
          .append(SvgPlot.n(plotBottom + 5))
          .append("\" stroke=\"#e3e3e3\"/>\n");
      svg.append("<text x=\"")
          .append(SvgPlot.n(at))
          .append("\" y=\"")
          .append(SvgPlot.n(plotBottom + 19))
          .append("\" text-anchor=\"middle\" font-size=\"12\">")
          .append(SvgScale.tickLabel(t))
          .append("</text>\n");
    }
    double rowTop = TOP;
    for (Row row : rows) {
      double middle = rowTop + ROW_HEIGHT / 2;
      svg.append("<text x=\"")
          .append(SvgPlot.n(plotLeft - 10))
          .append("\" y=\"")
          .append(SvgPlot.n(middle + 4))
          .append("\" text-anchor=\"end\" font-size=\"13\">")
          .append(HtmlReport.escape(row.label()))
          .append("</text>\n");
      double end = plotLeft + scale.fraction(row.value()) * (plotRight - plotLeft);
      double trackEnd = plotLeft + scale.fraction(row.track()) * (plotRight - plotLeft);
      if (row.track() > 0) {
        svg.append(
            rect(plotLeft, rowTop + 6, trackEnd - plotLeft, ROW_HEIGHT - 12, "#e8e8e8", "#b5b5b5"));
      }
      svg.append("<rect x=\"")
          .append(SvgPlot.n(plotLeft))
          .append("\" y=\"")
          .append(SvgPlot.n(rowTop + 6))
          .append("\" width=\"")
          .append(SvgPlot.n(Math.max(end - plotLeft, 1.5)))
          .append("\" height=\"")
          .append(SvgPlot.n(ROW_HEIGHT - 12))
          .append("\" fill=\"")
          .append(row.colour())
          .append("\"><title>")
          .append(HtmlReport.escape(row.label() + ": " + row.valueText()))
          .append("</title></rect>\n");
      svg.append("<text x=\"")
          .append(SvgPlot.n(Math.max(end, trackEnd) + 8))
          .append("\" y=\"")
          .append(SvgPlot.n(middle + 4))
          .append("\" font-size=\"13\">")
          .append(HtmlReport.escape(row.valueText()))
          .append("</text>\n");
      rowTop += ROW_HEIGHT;
    }
    svg.append("<line x1=\"")
        .append(SvgPlot.n(plotLeft))
        .append("\" y1=\"")
        .append(SvgPlot.n(TOP))
        .append("\" x2=\"")
        .append(SvgPlot.n(plotLeft))
        .append("\" y2=\"")
        .append(SvgPlot.n(plotBottom))
        .append("\" stroke=\"#9a9a9a\"/>\n");
    svg.append("<text x=\"")
        .append(SvgPlot.n((plotLeft + plotRight) / 2))
        .append("\" y=\"")
        .append(SvgPlot.n(height - 8))
        .append("\" text-anchor=\"middle\" font-size=\"13\">")
        .append(HtmlReport.escape(axisLabel))
        .append("</text>\n");
    svg.append("</svg>");
    return svg.toString();
  }

  private static String rect(
      double x, double y, double width, double height, String fill, String stroke) {
    return "<rect x=\""
        + SvgPlot.n(x)
        + "\" y=\""
        + SvgPlot.n(y)
        + "\" width=\""
        + SvgPlot.n(width)
        + "\" height=\""
        + SvgPlot.n(height)
        + "\" fill=\""
        + fill
        + "\" stroke=\""
        + stroke
        + "\"/>\n";
  }
}
