package dev.edgeinfer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgeinfer.onnx.ModelSummary;
import dev.edgeinfer.pipeline.LatencyHistogram;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

class HtmlReportTest {

  static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";
  private static final Pattern SVG = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL);
  private static final Machine MACHINE =
      new Machine("Example CPU @ 2.60GHz", 8, "Linux amd64", "21.0.5", "1.29.0");
  private static final LatencyHistogram.LatencySummary LATENCY =
      new LatencyHistogram.LatencySummary(1.234, 2.5, 4.75, 12.5, 1.5);

  @Test
  void singleStreamHeadlineIsP90WithItsEarlyStoppingEstimate() {
    String page = HtmlReport.render(singleStream("mobilenetv2.onnx"));

    assertTrue(page.contains("<span class=\"figure\">2.500 ms</span>"), "headline figure");
    assertTrue(
        page.contains("p90 latency per query; early-stopping estimate 2.610 ms (99 % confidence)"));
    assertTrue(page.contains("single-stream scenario"));
  }

  @Test
  void multiStreamHeadlineIsP99() {
    BenchReport single = singleStream("a.onnx");
    BenchReport multi =
        new BenchReport(
            Scenario.MULTI_STREAM,
            "a.onnx",
            Optional.empty(),
            "cpu",
            2,
            8,
            3_000,
            24_000,
            30.0,
            800,
            LATENCY,
            single.distribution(),
            Optional.of(new BenchReport.Headline(99, 4.75, 5.1)),
            Optional.empty(),
            OptionalDouble.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            MACHINE);
    String page = HtmlReport.render(multi);

    assertTrue(page.contains("<span class=\"figure\">4.750 ms</span>"));
    assertTrue(page.contains("p99 latency per query; early-stopping estimate 5.100 ms"));
  }

  @Test
  void summaryTableHoldsThroughputPercentilesCountsAndAccuracy() {
    String page = HtmlReport.render(singleStream("mobilenetv2.onnx"));

    for (String expected :
        List.of(
            "810.4 samples/s",
            "1.234 ms",
            "2.500 ms",
            "4.750 ms",
            "12.50 ms",
            "1.500 ms",
            "<td>24,312</td>",
            "30.00 s",
            "<td>76.50 %</td>")) {
      assertTrue(page.contains(expected), "summary should show " + expected);
    }
  }

  @Test
  void everyChartIsWellFormedSvg() throws Exception {
    Map<BenchReport, Integer> charts =
        Map.of(singleStream("a.onnx"), 1, offline("b.onnx"), 1, server("c.onnx"), 5);
    for (var e : charts.entrySet()) {
      List<String> svgs = svgs(HtmlReport.render(e.getKey()));
      assertEquals(e.getValue(), svgs.size(), "charts in the " + e.getKey().scenario() + " page");
      for (String svg : svgs) {
        Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertEquals(SVG_NAMESPACE, doc.getDocumentElement().getNamespaceURI());
        assertTrue(
            doc.getDocumentElement().getAttribute("viewBox").startsWith("0 0 "),
            "responsive through viewBox");
      }
    }
  }

  @Test
  void wholePageIsWellFormedXhtml() throws Exception {
    for (BenchReport report :
        List.of(singleStream("<b>&'\"</b>.onnx"), offline("b.onnx"), server("c.onnx"))) {
      String page = HtmlReport.render(report);
      Document doc = parse(page.substring(page.indexOf("<html")));
      assertEquals("html", doc.getDocumentElement().getTagName());
    }
  }

  @Test
  void pageFetchesNothingFromTheNetwork() {
    String page =
        HtmlReport.render(server("c.onnx")).replace("xmlns=\"" + SVG_NAMESPACE + "\"", "");

    assertFalse(page.contains("http://"), "an http reference");
    assertFalse(page.contains("https://"), "an https reference");
    assertFalse(page.contains("<script"), "a script");
    assertFalse(page.contains("<link"), "a linked resource");
    assertFalse(page.contains(" src="), "an embedded resource");
    assertFalse(page.contains("url("), "a CSS url");
    assertFalse(page.contains("@import"), "a CSS import");
  }

  @Test
  void aModelNameWithMarkupIsEscapedEverywhere() {
    String page = HtmlReport.render(server("<script>alert(1)</script>.onnx"));

    assertFalse(page.contains("<script>"));
    assertTrue(page.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;.onnx</h1>"));
    assertTrue(
        page.contains(
            "<title>EdgeInfer bench: &lt;script&gt;alert(1)&lt;/script&gt;.onnx, server</title>"));
  }

  @Test
  void estimatedEnergyIsLabelledAsAnEstimateWithHowItWasMade() {
    String page = HtmlReport.render(server("c.onnx"));

    assertTrue(page.contains("<span class=\"badge\">estimate</span>"));
    assertTrue(page.contains("CPU time x 15 W TDP share"));
    assertTrue(page.contains("0.0250 J"), "joules per inference");
    assertTrue(page.contains("<td>40.00</td>"), "inferences per joule");
  }

  @Test
  void measuredEnergyCarriesNoEstimateLabel() {
    BenchReport measured =
        withEnergy(
            singleStream("a.onnx"), new EnergyFigures("rapl", "package-0 and dram", 120, 24_312));
    String page = HtmlReport.render(measured);

    assertFalse(page.contains("class=\"badge\""));
    assertTrue(page.contains("<td>rapl</td>"));
    assertTrue(page.contains("package-0 and dram"));
  }

  @Test
  void offlineHeadlineIsThroughputAndTheBareLoopIsCompared() {
    String page = HtmlReport.render(offline("b.onnx"));

    assertTrue(page.contains("<span class=\"figure\">9,500 samples/s</span>"));
    assertTrue(page.contains("<td class=\"num\">10,000</td>"), "bare throughput");
    assertTrue(page.contains("<td>1.100\u00d7</td>"), "p50 ratio");
    assertTrue(page.contains("<td>+100.0 \u00b5s</td>"), "p50 overhead");
    assertTrue(page.contains("<td>0.950\u00d7</td>"), "throughput ratio");
  }

  @Test
  void serverPageChartsEveryLoadStepAgainstTheBound() {
    String page = HtmlReport.render(server("c.onnx"));

    assertTrue(page.contains("<span class=\"figure\">600.0 queries/s</span>"));
    assertTrue(page.contains("p99 bound 10.00 ms"));
    assertTrue(page.contains("ideal: achieved = offered"));
    assertTrue(page.contains("peak 600.0 q/s within the bound"));
    for (LoadPoint p : serverLoad().steps()) {
      assertTrue(
          page.contains("offered " + HtmlReport.figure(p.offeredQps()) + " q/s: achieved"),
          "a tooltip for the step at " + p.offeredQps());
    }
    assertEquals(2, count(page, "<td><strong>over</strong></td>"));
    assertTrue(page.contains("p99 over the bound"), "the legend names the over-bound marker");
  }

  @Test
  void rooflineShowsShareOfPeakDerivationAndTheLowerBoundNote() {
    String page = HtmlReport.render(server("c.onnx"));

    assertTrue(page.contains("12.50 of 166.4 GMAC/s (7.512 % of peak)"));
    assertTrue(page.contains("4 cores x 2.6 GHz x 2 FMA x 8 lanes"));
    assertTrue(page.contains("avx2, fma"));
    assertTrue(page.contains("at least 300,774,272"));
    assertTrue(page.contains("<strong>Lower bound:</strong>"));
  }

  @Test
  void edgeAgainstCloudStatesTheNetworkAssumption() {
    String page = HtmlReport.render(server("c.onnx"));

    assertTrue(page.contains("edge p99"));
    assertTrue(page.contains("cloud p99"));
    assertTrue(page.contains("81.50 ms"), "cloud p99");
    assertTrue(
        page.contains(
            "60.00 ms round trip at 20.00 Mbit/s, 602,112 bytes up and 4,000 bytes down"));
  }

  @Test
  void modelDetailsListSizesCountsAndOperators() {
    String page = HtmlReport.render(server("c.onnx"));

    assertTrue(page.contains("13.6 MiB (14,246,123 bytes)"));
    assertTrue(page.contains("3,504,872 (13.4 MiB)"));
    assertTrue(page.contains("<td>105</td>"), "nodes");
    assertTrue(page.contains("not counted: com.microsoft.FusedConv"));
    assertTrue(page.contains("<td>Conv</td><td class=\"num\">52</td>"));
    assertTrue(page.contains("input: float32 [batch,3,224,224]"));
    assertTrue(page.contains("Example CPU @ 2.60GHz"));
  }

  @Test
  void noRecordedLatencyIsSaidInsteadOfPlotted() throws Exception {
    String page = HtmlReport.render(withDistribution(singleStream("a.onnx"), List.of()));

    assertTrue(page.contains("No query latency was recorded"));
    assertEquals(0, svgs(page).size());
  }

  @Test
  void aSingleBucketStillDrawsAReadableChart() throws Exception {
    String page =
        HtmlReport.render(
            withDistribution(
                singleStream("a.onnx"), List.of(new LatencyHistogram.Bucket(2.5, 100))));

    List<String> svgs = svgs(page);
    assertEquals(1, svgs.size());
    parse(svgs.getFirst());
    assertTrue(
        count(svgs.getFirst(), "text-anchor=\"middle\" font-size=\"12\"") >= 3,
        "at least 3 x ticks");
  }

  @Test
  void theSameReportAlwaysGivesTheSamePage() {
    assertEquals(HtmlReport.render(server("c.onnx")), HtmlReport.render(server("c.onnx")));
  }

  @Test
  void writeStoresTheRenderedPageAsUtf8(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("report.html");
    HtmlReport.write(server("caf\u00e9.onnx"), file);

    assertEquals(
        HtmlReport.render(server("caf\u00e9.onnx")),
        Files.readString(file, StandardCharsets.UTF_8));
  }

  @Test
  void writeIntoAMissingFolderFailsWithOneLineSayingWhatToDo(@TempDir Path dir) {
    Path file = dir.resolve("missing").resolve("report.html");
    BenchException e =
        assertThrows(BenchException.class, () -> HtmlReport.write(singleStream("a.onnx"), file));

    assertTrue(
        e.getMessage().startsWith("cannot write the HTML report to " + file + " ("),
        e.getMessage());
    assertTrue(
        e.getMessage().endsWith("); check the folder exists and is writable"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  static List<String> svgs(String page) {
    List<String> found = new ArrayList<>();
    Matcher m = SVG.matcher(page);
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
      n++;
    }
    return n;
  }

  /** A long-tailed latency histogram: log-normal around {@code medianMillis}, plus rare stalls. */
  static LatencyHistogram latencies(long seed, int queries, double medianMillis) {
    LatencyHistogram h = new LatencyHistogram();
    Random random = new Random(seed);
    for (int i = 0; i < queries; i++) {
      double millis = medianMillis * Math.exp(0.35 * random.nextGaussian());
      if (random.nextInt(200) == 0) {
        millis *= 4 + random.nextInt(6);
      }
      h.record((long) (millis * 1e6));
    }
    return h;
  }

  static BenchReport singleStream(String model) {
    return new BenchReport(
        Scenario.SINGLE_STREAM,
        model,
        Optional.empty(),
        "cpu",
        1,
        1,
        24_312,
        24_312,
        30.0,
        810.4,
        LATENCY,
        latencies(1, 24_312, 1.2).distribution(),
        Optional.of(new BenchReport.Headline(90, 2.5, 2.61)),
        Optional.empty(),
        OptionalDouble.of(0.765),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        MACHINE);
  }

  static BenchReport offline(String model) {
    var bare =
        new BenchReport.BareComparison(
            32, 10_000, new LatencyHistogram.LatencySummary(1.0, 1.2, 1.5, 3.0, 1.05));
    var ours = new LatencyHistogram.LatencySummary(1.1, 1.3, 1.6, 3.2, 1.15);
    return new BenchReport(
        Scenario.OFFLINE,
        model,
        Optional.empty(),
        "cpu",
        0,
        32,
        8_906,
        285_000,
        30.0,
        9_500,
        ours,
        latencies(2, 8_906, 1.1).distribution(),
        Optional.empty(),
        Optional.empty(),
        OptionalDouble.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.of(bare),
        MACHINE);
  }

  static ServerLoad serverLoad() {
    return new ServerLoad(
        10,
        600,
        List.of(
            new LoadPoint(100, 99.8, 1.3, 2.9, true),
            new LoadPoint(200, 199.5, 1.35, 3.1, true),
            new LoadPoint(400, 398.1, 1.6, 4.4, true),
            new LoadPoint(600, 596.0, 2.4, 8.7, true),
            new LoadPoint(700, 655.2, 9.5, 48.0, false),
            new LoadPoint(800, 661.0, 140, 420, false)));
  }

  static BenchReport server(String model) {
    Map<String, Long> ops = new LinkedHashMap<>();
    ops.put("Conv", 52L);
    ops.put("Clip", 35L);
    ops.put("Add", 10L);
    ops.put("com.microsoft.FusedConv", 4L);
    ops.put("GlobalAveragePool", 1L);
    ops.put("Flatten", 1L);
    ops.put("Gemm", 1L);
    ops.put("Softmax", 1L);
    var details =
        new ModelSummary(
            8,
            "pytorch",
            "2.5.1",
            Map.of("ai.onnx", 17L),
            List.of(
                new ModelSummary.ValueSummary(
                    "input", "float32", List.of("batch", "3", "224", "224"))),
            List.of(new ModelSummary.ValueSummary("logits", "float32", List.of("batch", "1000"))),
            ops,
            105,
            3_504_872,
            14_019_488,
            14_246_123,
            300_774_272L,
            List.of("com.microsoft.FusedConv"));
    LatencyHistogram h = latencies(3, 18_000, 1.6);
    var energy = new EnergyFigures("estimate", "CPU time x 15 W TDP share", 450, 18_000);
    var roofline =
        new Roofline(
            300_774_272L,
            true,
            12.5,
            166.4,
            List.of("avx2", "fma"),
            "4 cores x 2.6 GHz x 2 FMA x 8 lanes");
    var cloud = new CloudComparison(60, 20, 602_112, 4_000, 1.6, 5.2, 77.9, 81.5);
    return new BenchReport(
        Scenario.SERVER,
        model,
        Optional.of(details),
        "cpu",
        4,
        1,
        18_000,
        18_000,
        30.0,
        600,
        h.summary(),
        h.distribution(),
        Optional.empty(),
        Optional.of(serverLoad()),
        OptionalDouble.empty(),
        Optional.of(energy),
        Optional.of(roofline),
        Optional.of(cloud),
        Optional.empty(),
        MACHINE);
  }

  private static BenchReport withEnergy(BenchReport r, EnergyFigures energy) {
    return new BenchReport(
        r.scenario(),
        r.model(),
        r.details(),
        r.provider(),
        r.threads(),
        r.batch(),
        r.queries(),
        r.samples(),
        r.durationSeconds(),
        r.throughputPerSecond(),
        r.latency(),
        r.distribution(),
        r.headline(),
        r.server(),
        r.accuracy(),
        Optional.of(energy),
        r.roofline(),
        r.cloud(),
        r.bare(),
        r.machine());
  }

  private static BenchReport withDistribution(
      BenchReport r, List<LatencyHistogram.Bucket> buckets) {
    return new BenchReport(
        r.scenario(),
        r.model(),
        r.details(),
        r.provider(),
        r.threads(),
        r.batch(),
        r.queries(),
        r.samples(),
        r.durationSeconds(),
        r.throughputPerSecond(),
        r.latency(),
        buckets,
        r.headline(),
        r.server(),
        r.accuracy(),
        Optional.empty(),
        r.roofline(),
        r.cloud(),
        r.bare(),
        r.machine());
  }
}
