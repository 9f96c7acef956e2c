package dev.edgeinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each documented bad input ends with one line on stderr, no stack trace, and the documented exit
 * code.
 */
class BadInputTest {

  private static void assertOneLineError(Cli.Result r, int exitCode, String... fragments) {
    assertEquals(exitCode, r.exitCode(), r.stderr());
    assertEquals(1, r.errorLines().size(), "exactly one line on stderr:\n" + r.stderr());
    String line = r.errorLines().getFirst();
    assertTrue(line.startsWith("error: "), line);
    for (String fragment : fragments) {
      assertTrue(line.contains(fragment), "'" + fragment + "' missing in: " + line);
    }
  }

  @Test
  void aMissingModelFileIsAUsageError() {
    assertOneLineError(
        Cli.run("run", "--model", "no/such/model.onnx", "--source", "digits"),
        2,
        "no/such/model.onnx",
        "does not exist");
    assertOneLineError(Cli.run("bench", "no/such/model.onnx"), 2, "does not exist");
    assertOneLineError(Cli.run("inspect", "no/such/model.onnx"), 2, "no/such/model.onnx");
  }

  @Test
  void aFileThatIsNotOnnxIsAUsageError(@TempDir Path dir) throws IOException {
    Path text = dir.resolve("notes.onnx");
    Files.writeString(text, "these are my notes, not a model\n".repeat(20));
    assertOneLineError(
        Cli.run("run", "--model", text.toString(), "--source", "digits"), 2, "notes.onnx");
    assertOneLineError(Cli.run("bench", text.toString()), 2, "notes.onnx");
    assertOneLineError(Cli.run("inspect", text.toString()), 2, "notes.onnx");
  }

  @Test
  void aTruncatedOnnxFileIsAUsageError(@TempDir Path dir) throws IOException {
    byte[] full = Files.readAllBytes(Cli.DIGITS);
    Path cut = dir.resolve("cut.onnx");
    Files.write(cut, Arrays.copyOf(full, full.length / 2));
    assertOneLineError(
        Cli.run("run", "--model", cut.toString(), "--source", "digits"), 2, "cut.onnx");
    assertOneLineError(Cli.run("inspect", cut.toString()), 2, "cut.onnx");
  }

  @Test
  void dataOfTheWrongShapeIsAUsageErrorNamingBothShapes(@TempDir Path dir) throws IOException {
    Path npy = dir.resolve("mnist-like.npy");
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 28, 28), }";
    while ((10 + header.length() + 1) % 64 != 0) {
      header += " ";
    }
    header += "\n";
    ByteBuffer buf =
        ByteBuffer.allocate(10 + header.length() + 3 * 28 * 28 * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
        .putShort((short) header.length())
        .put(header.getBytes(StandardCharsets.ISO_8859_1));
    Files.write(npy, buf.array());
    assertOneLineError(
        Cli.run("run", "--model", Cli.DIGITS.toString(), "--source", "npy:" + npy),
        2,
        "[28, 28]",
        "[1, 1, 8, 8]");
  }

  @Test
  void aBenchShapeThatContradictsTheModelIsAUsageError() {
    assertOneLineError(
        Cli.run("bench", Cli.DIGITS.toString(), "--shape", "image=1x3x8x8", "--duration", "1s"),
        2,
        "dimension 1",
        "1");
  }

  @Test
  void anUnknownExecutionProviderIsAUsageErrorListingTheKnownOnes() {
    assertOneLineError(
        Cli.run("run", "--provider", "quantum", "--max-samples", "1"), 2, "quantum", "cpu", "cuda");
  }

  @Test
  void aProviderThisBuildLacksFallsBackToCpuWithAWarning() {
    Cli.Result r = Cli.run("run", "--provider", "cuda", "--fps", "0", "--max-samples", "5");
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("warning") && r.stderr().contains("cuda"), r.stderr());
    assertTrue(r.stdout().contains("on cpu"), r.stdout());
  }

  @Test
  void anUnknownSourceOrFlagIsAUsageError() {
    assertOneLineError(Cli.run("run", "--source", "webcam"), 2, "images:DIR");
    assertOneLineError(Cli.run("run", "--frobnicate"), 2, "--frobnicate");
    assertOneLineError(Cli.run("bench", Cli.DIGITS.toString(), "--duration", "soon"), 2, "soon");
  }
}
