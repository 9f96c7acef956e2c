package dev.edgeinfer.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyArrayTest {

  static byte[] npy(String header, byte[] data) {
    String padded = header;
    while ((10 + padded.length() + 1) % 64 != 0) {
      padded += " ";
    }
    padded += "\n";
    ByteBuffer buf =
        ByteBuffer.allocate(10 + padded.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    buf.putShort((short) padded.length());
    buf.put(padded.getBytes(StandardCharsets.ISO_8859_1));
    buf.put(data);
    return buf.array();
  }

  @Test
  void readsTheCommittedDigitsArrays() {
    NpyArray x = NpyArray.read(DigitsFixture.TEST_X);
    NpyArray y = NpyArray.read(DigitsFixture.TEST_Y);
    assertArrayEquals(new long[] {360, 1, 8, 8}, x.shape());
    assertEquals("<f4", x.dtype());
    assertEquals(64, x.sampleSize());
    assertEquals("<i8", y.dtype());
    assertEquals(360, y.samples());
    for (float v : x.sample(0)) {
      assertTrue(v >= 0 && v <= 1, "pixel out of [0,1]: " + v);
    }
  }

  @Test
  void convertsIntegerAndHalfPrecisionElementsToFloats() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
    data.putShort(Float.floatToFloat16(1.5f))
        .putShort(Float.floatToFloat16(-2f))
        .putShort(Float.floatToFloat16(0.25f));
    NpyArray half =
        NpyArray.read(
            "half",
            new ByteArrayInputStream(
                npy("{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", data.array())));
    assertArrayEquals(new float[] {1.5f}, half.sample(0));
    assertEquals(-2f, (float) half.element(1));
    NpyArray bytes =
        NpyArray.read(
            "u8",
            new ByteArrayInputStream(
                npy(
                    "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }",
                    new byte[] {0, 1, (byte) 200, (byte) 255})));
    assertArrayEquals(new float[] {200f, 255f}, bytes.sample(1));
  }

  @Test
  void aTruncatedFileIsRejectedWithTheSizesItNeeded(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("cut.npy");
    Files.write(
        file, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }", new byte[12]));
    PipelineException e = assertThrows(PipelineException.class, () -> NpyArray.read(file));
    assertTrue(
        e.getMessage().contains("truncated") && e.getMessage().contains("64 bytes"),
        e.getMessage());
  }

  @Test
  void aFileThatIsNotNpyIsRejected(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("text.npy");
    Files.writeString(file, "hello, not numpy");
    PipelineException e = assertThrows(PipelineException.class, () -> NpyArray.read(file));
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
  }

  @Test
  void aMissingFileSaysSo() {
    PipelineException e =
        assertThrows(PipelineException.class, () -> NpyArray.read(Path.of("no-such.npy")));
    assertEquals(PipelineException.Code.NOT_FOUND, e.code());
  }
}
