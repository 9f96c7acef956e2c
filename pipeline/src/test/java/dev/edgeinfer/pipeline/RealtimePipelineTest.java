package dev.edgeinfer.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeinfer.pipeline.spi.Sink;
import dev.edgeinfer.runtime.ElementType;
import dev.edgeinfer.runtime.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealtimePipelineTest {
  private static final long MS = 1_000_000L;

  private static RealtimePipeline.Builder digits(
      Model model, String source, double fps, Ticker ticker) {
    return RealtimePipeline.builder()
        .model(model, "digits")
        .source(SourceSpec.parse(source).open())
        .preprocessor(
            new Preprocessor(
                "image",
                new long[] {1, 1, 8, 8},
                ElementType.FLOAT32,
                Optional.of(ImageFormat.inferFrom(model.signature().inputs().getFirst()))))
        .classifier(new Classifier(3, List.of(), Classifier.Softmax.AUTO))
        .settings(new RealtimePipeline.Settings(fps, 0, Optional.empty(), Optional.empty()))
        .ticker(ticker);
  }

  @Test
  void theBundledDigitsStreamClassifiesAtLeast97PercentCorrectly() {
    try (Model model =
        Model.load(
            SourceSpec.BundledDigits.model(), dev.edgeinfer.runtime.ModelOptions.defaults())) {
      RunSummary summary = digits(model, "digits", 0, Ticker.system()).build().run();
      assertEquals(360, summary.samples());
      assertEquals(360, summary.labelled());
      assertTrue(summary.accuracy().getAsDouble() >= 0.97, "accuracy " + summary.accuracy());
      assertTrue(summary.latency().p50() > 0 && summary.latency().p99() >= summary.latency().p50());
    }
  }

  @Test
  void aPacedRunThatKeepsUpDropsNothingAndRunsAtTheFrameRate() {
    try (Model model = Model.open(DigitsFixture.MODEL)) {
      RunSummary summary = digits(model, "digits", 30, new FakeTicker(0)).build().run();
      assertEquals(360, summary.samples());
      assertEquals(0, summary.dropped());
      assertEquals(0, summary.late());
      assertEquals(30.0, summary.throughputPerSecond(), 0.1);
    }
  }

  @Test
  void aPacedRunThatFallsBehindCountsEverySupersededFrameAsDropped() {
    try (Model model = Model.open(DigitsFixture.MODEL)) {
      // every clock read costs 15 ms, so one frame takes longer than the 10 ms interval at 100 fps
      RunSummary summary = digits(model, "digits", 100, new FakeTicker(15 * MS)).build().run();
      assertTrue(summary.dropped() > 0, "dropped " + summary.dropped());
      assertTrue(summary.late() > 0, "late " + summary.late());
      assertEquals(
          360,
          summary.samples() + summary.dropped(),
          "every frame is either served or counted as dropped");
      assertTrue(
          summary.latency().p50() >= 10,
          "latency counts from the scheduled capture time: " + summary.latency());
    }
  }

  @Test
  void maxSamplesAndDurationStopTheRun() {
    try (Model model = Model.open(DigitsFixture.MODEL)) {
      RunSummary byCount =
          digits(model, "digits", 0, Ticker.system())
              .settings(new RealtimePipeline.Settings(0, 25, Optional.empty(), Optional.empty()))
              .build()
              .run();
      assertEquals(25, byCount.samples());
      RunSummary byTime =
          digits(model, "digits", 30, new FakeTicker(0))
              .settings(
                  new RealtimePipeline.Settings(
                      30, 0, Optional.of(Duration.ofSeconds(2)), Optional.empty()))
              .build()
              .run();
      assertEquals(60, byTime.samples());
    }
  }

  @Test
  void jsonlResultsHaveUniqueIdsCaptureTimesLatenciesAndResults(@TempDir Path dir)
      throws IOException {
    Path out = dir.resolve("results.jsonl");
    try (Model model = Model.open(DigitsFixture.MODEL);
        Sink sink = SinkSpec.parse("jsonl:" + out).open(System.out, false)) {
      digits(model, "npy:" + DigitsFixture.TEST_X + ":" + DigitsFixture.TEST_Y, 0, Ticker.system())
          .wallClock(InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z")))
          .sink(sink)
          .build()
          .run();
    }
    List<String> lines = Files.readAllLines(out).stream().filter(l -> !l.isBlank()).toList();
    assertEquals(360, lines.size());
    ObjectMapper mapper = new ObjectMapper();
    Set<String> ids = new HashSet<>();
    for (String line : lines) {
      JsonNode node = mapper.readTree(line);
      ids.add(node.get("id").asText());
      assertTrue(node.get("latency_ms").asDouble() > 0);
      assertTrue(node.get("captured_at").asText().startsWith("2026-01-01T00:00"));
      assertEquals(3, node.get("result").get("top").size());
      assertTrue(node.has("label") && node.has("correct"));
    }
    assertEquals(360, ids.size(), "ids are unique");
  }

  @Test
  void imagesFromAFolderAreClassifiedAndACorruptOneIsCountedAsFailed(@TempDir Path dir)
      throws IOException {
    try (var files = Files.list(DigitsFixture.IMAGES)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Files.writeString(dir.resolve("zz-broken.png"), "this is not a png");
    List<String> warnings = new ArrayList<>();
    try (Model model = Model.open(DigitsFixture.MODEL)) {
      RunSummary summary =
          digits(model, "images:" + dir, 0, Ticker.system()).warnings(warnings::add).build().run();
      assertEquals(20, summary.samples());
      assertEquals(1, summary.failed());
      assertEquals(
          1.0,
          summary.accuracy().getAsDouble(),
          1e-9,
          "every bundled PNG is a correctly classified digit");
      assertEquals(1, warnings.size());
      assertTrue(warnings.getFirst().contains("zz-broken.png"), warnings.getFirst());
    }
  }

  @Test
  void samplesOfTheWrongSizeAreRejectedWithBothShapes(@TempDir Path dir) throws IOException {
    Path wrong = dir.resolve("wrong.npy");
    Files.write(
        wrong,
        NpyArrayTest.npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 28, 28), }",
            new byte[2 * 28 * 28 * 4]));
    try (Model model = Model.open(DigitsFixture.MODEL)) {
      PipelineException e =
          assertThrows(
              PipelineException.class,
              () -> digits(model, "npy:" + wrong, 0, Ticker.system()).build().run());
      assertEquals(PipelineException.Code.SHAPE_MISMATCH, e.code());
      assertTrue(
          e.getMessage().contains("[28, 28]") && e.getMessage().contains("[1, 1, 8, 8]"),
          e.getMessage());
    }
  }
}
