package dev.edgeinfer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An x-y chart drawn as inline SVG for the HTML report: a grid with ticked, labelled axes (an
 * optional second y axis on the right), then lines, points, bars and reference rules on top. The
 * SVG scales with the page through its {@code viewBox}, carries its own colours and needs nothing
 * from the network. Colours are the Okabe-Ito palette, which stays distinct for colour-blind
 * readers; series that must be told apart also differ in marker or dash.
 *
 * <p>Not thread-safe: one chart is drawn by one thread, then {@link #toSvg()} is called once.
 */
final class SvgPlot {
  static final String BLUE = "#0072B2";
  static final String VERMILLION = "#D55E00";
  static final String SKY = "#56B4E9";
  static final String GREEN = "#009E73";
  static final String GREY = "#6b6b6b";
  static final String INK = "#1a1a1a";
  static final String FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";

  private static final double WIDTH = 720;
  private static final double LEFT = 72;
  private static final double LEGEND_HEIGHT = 44;
  private static final double LABEL_ROW = 16;
  private static final double PLOT_HEIGHT = 244;
  private static final double BOTTOM = 52;

  /** How a point is drawn. */
  enum Marker {
    CIRCLE,
    CROSS,
    SQUARE
  }

  private final String title;
  private final SvgScale x;
  private final SvgScale y;
  private final Optional<SvgScale> rightY;
  private final double right;
  private final int labelRows;
  private final double top;
  private final double height;
  private final StringBuilder content = new StringBuilder();
  private final StringBuilder labels = new StringBuilder();
  private final List<LegendEntry> legend = new ArrayList<>();
  private final List<List<double[]>> labelRowSpans = new ArrayList<>();

  /**
   * A chart over {@code x} and {@code y}, with {@code rightY} as a second vertical axis.
   *
   * @param title what the chart shows, read out by screen readers and shown as a tooltip
   * @param labelRows rows reserved above the plot for the labels of vertical rules; with 0 they are
   *     written inside the plot, which suits a single rule
   */
  SvgPlot(String title, SvgScale x, SvgScale y, Optional<SvgScale> rightY, int labelRows) {
    this.title = title;
    this.x = x;
    this.y = y;
    this.rightY = rightY;
    this.right = rightY.isPresent() ? 72 : 28;
    this.labelRows = labelRows;
    this.top = LEGEND_HEIGHT + LABEL_ROW * labelRows;
    this.height = top + PLOT_HEIGHT + BOTTOM;
    for (int i = 0; i < labelRows; i++) {
      labelRowSpans.add(new ArrayList<>());
    }
  }

  double px(double value) {
    return LEFT + x.fraction(value) * (WIDTH - LEFT - right);
  }

  double py(double value) {
    return top + (1 - y.fraction(value)) * PLOT_HEIGHT;
  }

  private double pyRight(double value) {
    return top + (1 - rightY.orElseThrow().fraction(value)) * PLOT_HEIGHT;
  }

  /** A line through the points, in order; {@code dashed} for reference lines. */
  void line(double[] xs, double[] ys, String colour, boolean dashed, String legendText) {
    if (xs.length == 0) {
      return;
    }
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < xs.length; i++) {
      points.append(i == 0 ? "" : " ").append(n(px(xs[i]))).append(',').append(n(py(ys[i])));
    }
    content
        .append("<polyline points=\"")
        .append(points)
        .append("\" fill=\"none\" stroke=\"")
        .append(colour)
        .append("\" stroke-width=\"2.5\" stroke-linejoin=\"round\"")
        .append(dashed ? " stroke-dasharray=\"6 4\"" : "")
        .append("/>\n");
    if (!legendText.isEmpty()) {
      legend.add(
          new LegendEntry(
              "<line x1=\"0\" y1=\"0\" x2=\"22\" y2=\"0\" stroke=\""
                  + colour
                  + "\" stroke-width=\"2.5\""
                  + (dashed ? " stroke-dasharray=\"6 4\"" : "")
                  + "/>",
              legendText));
    }
  }

  /** One point with a tooltip. */
  void point(double xValue, double yValue, Marker marker, String colour, String tooltip) {
    content
        .append(
            marker(
                px(xValue),
                py(yValue),
                marker,
                colour,
                "<title>" + HtmlReport.escape(tooltip) + "</title>"))
        .append('\n');
  }

  /** Adds a legend entry for points drawn with {@code marker}. */
  void pointLegend(Marker marker, String colour, String legendText) {
    legend.add(new LegendEntry(marker(11, 0, marker, colour, ""), legendText));
  }

  /** A bar from {@code xFrom} to {@code xTo}, rising to {@code value} on the right-hand axis. */
  void barOnRightAxis(double xFrom, double xTo, double value, String colour, String tooltip) {
    double left = px(xFrom);
    double width = Math.max(px(xTo) - left - 0.6, 0.8);
    double barTop = pyRight(value);
    content
        .append("<rect x=\"")
        .append(n(left + 0.3))
        .append("\" y=\"")
        .append(n(barTop))
        .append("\" width=\"")
        .append(n(width))
        .append("\" height=\"")
        .append(n(top + PLOT_HEIGHT - barTop))
        .append("\" fill=\"")
        .append(colour)
        .append("\" fill-opacity=\"0.55\"><title>")
        .append(HtmlReport.escape(tooltip))
        .append("</title></rect>\n");
  }

  /** Adds a legend entry for bars. */
  void barLegend(String colour, String legendText) {
    legend.add(
        new LegendEntry(
            "<rect x=\"0\" y=\"-6\" width=\"22\" height=\"12\" fill=\""
                + colour
                + "\" fill-opacity=\"0.55\"/>",
            legendText));
  }

  /** A horizontal reference line across the plot at {@code yValue}, labelled above its left end. */
  void horizontalRule(double yValue, String label, String colour) {
    double at = py(yValue);
    content
        .append("<line x1=\"")
        .append(n(LEFT))
        .append("\" y1=\"")
        .append(n(at))
        .append("\" x2=\"")
        .append(n(WIDTH - right))
        .append("\" y2=\"")
        .append(n(at))
        .append("\" stroke=\"")
        .append(colour)
        .append("\" stroke-width=\"2\" stroke-dasharray=\"8 4\"/>\n");
    label(LEFT + 6, at - 6, "start", label, colour);
  }

  /**
   * A vertical reference line at {@code xValue}. With label rows reserved, its label goes in the
   * lowest row above the plot where it overlaps no other label; otherwise inside the plot near the
   * top.
   */
  void verticalRule(double xValue, String label, String colour) {
    double at = px(xValue);
    double lineTop = top;
    if (labelRows == 0) {
      boolean leftOfLine = at > LEFT + (WIDTH - LEFT - right) * 0.7;
      label(leftOfLine ? at - 4 : at + 4, top + 14, leftOfLine ? "end" : "start", label, colour);
    } else {
      double halfWidth = Math.min(3.7 * label.length() + 3, (WIDTH - LEFT - right) / 2);
      double centre = Math.clamp(at, LEFT + halfWidth - 10, WIDTH - right - halfWidth + 10);
      int row = freeRow(centre - halfWidth, centre + halfWidth);
      double baseline = top - 6 - LABEL_ROW * row;
      lineTop = baseline + 3;
      label(centre, baseline, "middle", label, colour);
    }
    content
        .append("<line x1=\"")
        .append(n(at))
        .append("\" y1=\"")
        .append(n(lineTop))
        .append("\" x2=\"")
        .append(n(at))
        .append("\" y2=\"")
        .append(n(top + PLOT_HEIGHT))
        .append("\" stroke=\"")
        .append(colour)
        .append("\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>\n");
  }

  /** The lowest label row where {@code from..to} is clear, the top row when none is. */
  private int freeRow(double from, double to) {
    for (int row = 0; row < labelRows; row++) {
      List<double[]> spans = labelRowSpans.get(row);
      if (spans.stream().noneMatch(s -> from < s[1] && to > s[0])) {
        spans.add(new double[] {from, to});
        return row;
      }
    }
    labelRowSpans.get(labelRows - 1).add(new double[] {from, to});
    return labelRows - 1;
  }

  /** Bold text with a white halo, drawn above every line and point. */
  private void label(double atX, double atY, String anchor, String text, String colour) {
    labels
        .append("<text x=\"")
        .append(n(atX))
        .append("\" y=\"")
        .append(n(atY))
        .append("\" text-anchor=\"")
        .append(anchor)
        .append("\" font-size=\"12\" font-weight=\"bold\" fill=\"")
        .append(colour)
        .append("\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">")
        .append(HtmlReport.escape(text))
        .append("</text>\n");
  }

  /** The finished chart, one {@code <svg>} element. */
  String toSvg() {
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
        .append(n(WIDTH))
        .append(' ')
        .append(n(height))
        .append("\" role=\"img\" font-family=\"")
        .append(FONT)
        .append("\" fill=\"")
        .append(INK)
        .append("\">\n<title>")
        .append(HtmlReport.escape(title))
        .append("</title>\n");
    svg.append("<rect x=\"0\" y=\"0\" width=\"")
        .append(n(WIDTH))
        .append("\" height=\"")
        .append(n(height))
        .append("\" fill=\"#ffffff\"/>\n");
    axes(svg);
    svg.append(content).append(labels);
    legend(svg);
    svg.append("</svg>");
    return svg.toString();
  }

  private void axes(StringBuilder svg) {
    double plotRight = WIDTH - right;
    double plotBottom = top + PLOT_HEIGHT;
    for (double t : x.ticks()) {
      double at = px(t);
      svg.append("<line x1=\"")
          .append(n(at))
          .append("\" y1=\"")
          .append(n(top))
          .append("\" x2=\"")
          .append(n(at))
          .append("\" y2=\"")
          .append(n(plotBottom + 5))
          .append("\" stroke=\"#e3e3e3\"/>\n");
      svg.append("<text x=\"")
          .append(n(at))
          .append("\" y=\"")
          .append(n(plotBottom + 19))
          .append("\" text-anchor=\"middle\" font-size=\"12\">")
          .append(SvgScale.tickLabel(t))
          .append("</text>\n");
    }
    for (double t : y.ticks()) {
      double at = py(t);
      svg.append("<line x1=\"")
          .append(n(LEFT - 5))
          .append("\" y1=\"")
          .append(n(at))
          .append("\" x2=\"")
          .append(n(plotRight))
          .append("\" y2=\"")
          .append(n(at))
          .append("\" stroke=\"#e3e3e3\"/>\n");
      svg.append("<text x=\"")
          .append(n(LEFT - 8))
          .append("\" y=\"")
          .append(n(at + 4))
          .append("\" text-anchor=\"end\" font-size=\"12\">")
          .append(SvgScale.tickLabel(t))
          .append("</text>\n");
    }
    svg.append("<rect x=\"")
        .append(n(LEFT))
        .append("\" y=\"")
        .append(n(top))
        .append("\" width=\"")
        .append(n(plotRight - LEFT))
        .append("\" height=\"")
        .append(n(plotBottom - top))
        .append("\" fill=\"none\" stroke=\"#9a9a9a\"/>\n");
    svg.append("<text x=\"")
        .append(n((LEFT + plotRight) / 2))
        .append("\" y=\"")
        .append(n(height - 10))
        .append("\" text-anchor=\"middle\" font-size=\"13\">")
        .append(HtmlReport.escape(x.label()))
        .append("</text>\n");
    double middle = (top + plotBottom) / 2;
    svg.append("<text x=\"16\" y=\"")
        .append(n(middle))
        .append("\" text-anchor=\"middle\" font-size=\"13\"")
        .append(" transform=\"rotate(-90 16 ")
        .append(n(middle))
        .append(")\">")
        .append(HtmlReport.escape(y.label()))
        .append("</text>\n");
    if (rightY.isPresent()) {
      SvgScale r = rightY.get();
      for (double t : r.ticks()) {
        double at = pyRight(t);
        svg.append("<line x1=\"")
            .append(n(plotRight))
            .append("\" y1=\"")
            .append(n(at))
            .append("\" x2=\"")
            .append(n(plotRight + 5))
            .append("\" y2=\"")
            .append(n(at))
            .append("\" stroke=\"#9a9a9a\"/>\n");
        svg.append("<text x=\"")
            .append(n(plotRight + 8))
            .append("\" y=\"")
            .append(n(at + 4))
            .append("\" font-size=\"12\" fill=\"")
            .append(GREY)
            .append("\">")
            .append(SvgScale.tickLabel(t))
            .append("</text>\n");
      }
      double rx = WIDTH - 14;
      svg.append("<text x=\"")
          .append(n(rx))
          .append("\" y=\"")
          .append(n(middle))
          .append("\" text-anchor=\"middle\" font-size=\"13\" fill=\"")
          .append(GREY)
          .append("\" transform=\"rotate(90 ")
          .append(n(rx))
          .append(' ')
          .append(n(middle))
          .append(")\">")
          .append(HtmlReport.escape(r.label()))
          .append("</text>\n");
    }
  }

  /** Legend entries in a row above the plot. */
  private void legend(StringBuilder svg) {
    double at = LEFT;
    for (LegendEntry entry : legend) {
      svg.append("<g transform=\"translate(")
          .append(n(at))
          .append(" 20)\">")
          .append(entry.sample())
          .append("<text x=\"28\" y=\"4\" font-size=\"12\">")
          .append(HtmlReport.escape(entry.text()))
          .append("</text></g>\n");
      at += 44 + 6.8 * entry.text().length();
    }
  }

  /** A legend line: a 22-unit sample of the mark and what it stands for. */
  private record LegendEntry(String sample, String text) {}

  private static String marker(double cx, double cy, Marker marker, String colour, String inner) {
    return switch (marker) {
      case CIRCLE ->
          "<circle cx=\""
              + n(cx)
              + "\" cy=\""
              + n(cy)
              + "\" r=\"5\" fill=\""
              + colour
              + "\" stroke=\"#ffffff\" stroke-width=\"1.5\">"
              + inner
              + "</circle>";
      case SQUARE ->
          "<rect x=\""
              + n(cx - 4)
              + "\" y=\""
              + n(cy - 4)
              + "\" width=\"8\" height=\"8\" fill=\""
              + colour
              + "\" stroke=\"#ffffff\" stroke-width=\"1\">"
              + inner
              + "</rect>";
      case CROSS ->
          "<path d=\"M"
              + n(cx - 6)
              + ' '
              + n(cy - 6)
              + " L"
              + n(cx + 6)
              + ' '
              + n(cy + 6)
              + " M"
              + n(cx - 6)
              + ' '
              + n(cy + 6)
              + " L"
              + n(cx + 6)
              + ' '
              + n(cy - 6)
              + "\" stroke=\""
              + colour
              + "\" stroke-width=\"3\" stroke-linecap=\"round\" fill=\"none\">"
              + inner
              + "</path>";
    };
  }

  /** A coordinate with one decimal, always with a dot. */
  static String n(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
