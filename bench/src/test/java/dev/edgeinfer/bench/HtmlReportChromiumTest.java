package dev.edgeinfer.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the HTML report in Debian's headless Chromium, the check that the page really draws
 * (scripts/check-report-renders.sh does the same by hand). Skipped where Chromium is not installed.
 * The page and its screenshot are kept under {@code target/html-report} for a look.
 */
class HtmlReportChromiumTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final long RENDER_TIMEOUT_SECONDS = 60;

  @TempDir Path dir;

  @BeforeEach
  void needsChromium() {
    assumeTrue(
        Files.isExecutable(CHROMIUM),
        "headless rendering check skipped: "
            + CHROMIUM
            + " not found; install Debian's chromium (apt-get install chromium) to run it");
  }

  @Test
  void serverReportRendersToANonTrivialScreenshot() throws Exception {
    Path page = dir.resolve("server-report.html");
    HtmlReport.write(HtmlReportTest.server("mobilenetv2.onnx"), page);
    Path png = dir.resolve("shot.png");

    chromium("--screenshot=" + png, "--window-size=1200,2000", page.toUri().toString());

    assertTrue(Files.exists(png), "chromium wrote no screenshot");
    assertTrue(Files.size(png) > 10 * 1024, "screenshot is only " + Files.size(png) + " bytes");
    byte[] signature = Arrays.copyOf(Files.readAllBytes(png), 8);
    assertArrayEquals(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, signature, "a PNG file");
    keepForALook(page, png);
  }

  @Test
  void renderedDomHoldsEveryChart() throws Exception {
    String html = HtmlReport.render(HtmlReportTest.server("mobilenetv2.onnx"));
    Path page = dir.resolve("server-report.html");
    Files.writeString(page, html, StandardCharsets.UTF_8);

    String dom = chromium("--dump-dom", page.toUri().toString());

    assertEquals(
        HtmlReportTest.svgs(html).size(), count(dom, "<svg"), "svg elements in the rendered DOM");
    assertTrue(dom.contains("<polyline"), "chart lines in the rendered DOM");
    assertTrue(dom.contains(">estimate</span>"), "the energy estimate label in the rendered DOM");
  }

  /**
   * Runs headless Chromium on its own profile with the network features off; returns its stdout.
   */
  private String chromium(String... arguments) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile")));
    command.addAll(List.of(arguments));
    Path out = dir.resolve("chromium.out");
    Path err = dir.resolve("chromium.err");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(RENDER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      fail("chromium did not finish within " + RENDER_TIMEOUT_SECONDS + " s: " + tail(err));
    }
    assertEquals(0, process.exitValue(), "chromium failed: " + tail(err));
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static void keepForALook(Path page, Path png) throws IOException {
    Path kept = Path.of("target", "html-report");
    Files.createDirectories(kept);
    Files.copy(page, kept.resolve(page.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(png, kept.resolve("server-report.png"), StandardCopyOption.REPLACE_EXISTING);
  }

  private static String tail(Path file) throws IOException {
    String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
      n++;
    }
    return n;
  }
}
