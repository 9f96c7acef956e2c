package dev.edgeinfer.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} array (format versions 1-3, C order), read whole. Numeric dtypes are
 * converted to float on access; the first axis is the sample axis.
 *
 * @param name where it came from, for messages
 * @param dtype the NumPy dtype descriptor, e.g. {@code <f4}
 * @param shape the array's shape
 * @param data the raw element bytes, in the file's byte order
 */
public record NpyArray(String name, String dtype, long[] shape, ByteBuffer data) {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /** Reads a .npy file. */
  public static NpyArray read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(file.toString(), in);
    } catch (NoSuchFileException e) {
      throw new PipelineException(
          PipelineException.Code.NOT_FOUND, "npy file " + file + " does not exist; check the path");
    } catch (IOException e) {
      throw new PipelineException(
          PipelineException.Code.IO, "cannot read npy file " + file + ": " + e.getMessage());
    }
  }

  /** Reads a .npy stream; {@code name} is used in messages. */
  public static NpyArray read(String name, InputStream in) throws IOException {
    byte[] bytes = in.readAllBytes();
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10 || !Arrays.equals(bytes, 0, 6, MAGIC, 0, 6)) {
      throw bad(name, "it does not start with the NumPy magic bytes; save it with numpy.save");
    }
    int major = bytes[6];
    int headerLength;
    int headerStart;
    if (major == 1) {
      headerLength = Short.toUnsignedInt(buf.getShort(8));
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      headerLength = buf.getInt(8);
      headerStart = 12;
    } else {
      throw bad(name, "format version " + major + " is not supported (1, 2 and 3 are)");
    }
    if (headerStart + headerLength > bytes.length) {
      throw bad(name, "the header is truncated");
    }
    String header =
        new String(
            bytes,
            headerStart,
            headerLength,
            major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String dtype = group(DESCR, header, name, "descr");
    if (group(FORTRAN, header, name, "fortran_order").equals("True")) {
      throw bad(name, "it is in Fortran order; save it with numpy.save(np.ascontiguousarray(x))");
    }
    long[] shape = parseShape(group(SHAPE, header, name, "shape"));
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    int itemSize = itemSize(dtype, name);
    int dataStart = headerStart + headerLength;
    long expected = count * itemSize;
    if (bytes.length - dataStart < expected) {
      throw bad(
          name,
          "it is truncated: shape "
              + Arrays.toString(shape)
              + " of "
              + dtype
              + " needs "
              + expected
              + " bytes of data, the file has "
              + (bytes.length - dataStart));
    }
    ByteOrder order = dtype.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) expected).slice().order(order);
    return new NpyArray(name, dtype, shape, data);
  }

  /** Number of samples (the first axis; 1 for a scalar). */
  public long samples() {
    return shape.length == 0 ? 1 : shape[0];
  }

  /** The shape of one sample (the shape without its first axis). */
  public long[] sampleShape() {
    return shape.length == 0 ? new long[0] : Arrays.copyOfRange(shape, 1, shape.length);
  }

  /** Elements in one sample. */
  public int sampleSize() {
    long n = 1;
    for (long d : sampleShape()) {
      n *= d;
    }
    return Math.toIntExact(n);
  }

  /** Sample {@code index} converted to floats. */
  public float[] sample(long index) {
    int size = sampleSize();
    float[] out = new float[size];
    long base = index * size;
    for (int i = 0; i < size; i++) {
      out[i] = (float) element(base + i);
    }
    return out;
  }

  /** Element {@code flatIndex} as a double. */
  public double element(long flatIndex) {
    int i = Math.toIntExact(flatIndex);
    String kind = dtype.substring(1);
    return switch (kind) {
      case "f4" -> data.getFloat(i * 4);
      case "f8" -> data.getDouble(i * 8);
      case "f2" -> Float.float16ToFloat(data.getShort(i * 2));
      case "i1" -> data.get(i);
      case "u1", "b1" -> data.get(i) & 0xff;
      case "i2" -> data.getShort(i * 2);
      case "u2" -> data.getShort(i * 2) & 0xffff;
      case "i4" -> data.getInt(i * 4);
      case "u4" -> Integer.toUnsignedLong(data.getInt(i * 4));
      case "i8", "u8" -> data.getLong(i * 8);
      default -> throw bad(name, "dtype " + dtype + " is not numeric");
    };
  }

  private static int itemSize(String dtype, String name) {
    if (dtype.length() < 3 || "<>|=".indexOf(dtype.charAt(0)) < 0) {
      throw bad(
          name,
          "dtype '"
              + dtype
              + "' is not supported; use float32, float64, float16 or an integer type");
    }
    return switch (dtype.substring(1)) {
      case "f4", "i4", "u4" -> 4;
      case "f8", "i8", "u8" -> 8;
      case "f2", "i2", "u2" -> 2;
      case "i1", "u1", "b1" -> 1;
      default ->
          throw bad(
              name,
              "dtype '"
                  + dtype
                  + "' is not supported; use float32, float64, float16 or an integer type");
    };
  }

  private static long[] parseShape(String text) {
    List<Long> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        dims.add(Long.parseLong(part.trim().replace("L", "")));
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static String group(Pattern pattern, String header, String name, String key) {
    Matcher m = pattern.matcher(header);
    if (!m.find()) {
      throw bad(name, "its header has no '" + key + "'");
    }
    return m.group(1);
  }

  private static PipelineException bad(String name, String why) {
    return new PipelineException(
        PipelineException.Code.INVALID_SPEC,
        String.format(Locale.ROOT, "%s is not a usable .npy file: %s", name, why));
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape);
  }
}
