package dev.edgeinfer.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One table of a flatbuffer, read field by field from the wire format (a signed offset to a vtable
 * of 16-bit field offsets). Every access is bounds-checked, so a truncated or corrupt file fails
 * with a {@link TfliteException} naming what it was reading, never an index exception.
 */
final class FlatTable {
  private final ByteBuffer buffer;
  private final int position;
  private final int vtable;
  private final int vtableSize;
  private final String what;

  private FlatTable(ByteBuffer buffer, int position, String what) {
    this.buffer = buffer;
    this.position = position;
    this.what = what;
    int soffset = int32(buffer, position, what);
    long vt = (long) position - soffset;
    if (vt < 0 || vt + 4 > buffer.limit()) {
      throw corrupt(what + " has a vtable outside the file (at " + vt + ")");
    }
    this.vtable = (int) vt;
    this.vtableSize = uint16(buffer, vtable, what);
    if (vtableSize < 4 || vtable + vtableSize > buffer.limit()) {
      throw corrupt(what + " has a vtable of " + vtableSize + " bytes running past the file");
    }
  }

  /** The root table of a flatbuffer. */
  static FlatTable root(ByteBuffer buffer, String what) {
    ByteBuffer le = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int root = int32(le, 0, what);
    if (root < 8 || root >= le.limit()) {
      throw new TfliteException(
          TfliteException.Code.NOT_TFLITE,
          what + " does not start with a flatbuffer root offset (got " + root + ")");
    }
    return new FlatTable(le, root, what);
  }

  private int fieldOffset(int field) {
    int entry = 4 + 2 * field;
    if (entry + 2 > vtableSize) {
      return 0;
    }
    return uint16(buffer, vtable + entry, what);
  }

  boolean has(int field) {
    return fieldOffset(field) != 0;
  }

  int int32(int field, int fallback) {
    int off = fieldOffset(field);
    return off == 0 ? fallback : int32(buffer, position + off, what);
  }

  long int64(int field, long fallback) {
    int off = fieldOffset(field);
    if (off == 0) {
      return fallback;
    }
    check(position + off, 8);
    return buffer.getLong(position + off);
  }

  float float32(int field, float fallback) {
    int off = fieldOffset(field);
    if (off == 0) {
      return fallback;
    }
    check(position + off, 4);
    return buffer.getFloat(position + off);
  }

  int int8(int field, int fallback) {
    int off = fieldOffset(field);
    if (off == 0) {
      return fallback;
    }
    check(position + off, 1);
    return buffer.get(position + off);
  }

  int uint8(int field, int fallback) {
    return int8(field, fallback) & 0xff;
  }

  boolean bool(int field) {
    return int8(field, 0) != 0;
  }

  /** Where an offset field points, or -1 when the field is absent. */
  private int target(int field) {
    int off = fieldOffset(field);
    if (off == 0) {
      return -1;
    }
    int at = position + off;
    long target = at + (int32(buffer, at, what) & 0xffffffffL);
    if (target >= buffer.limit()) {
      throw truncated(what + " field " + field + " points past the end of the file");
    }
    return (int) target;
  }

  Optional<FlatTable> table(int field, String name) {
    int target = target(field);
    return target < 0 ? Optional.empty() : Optional.of(new FlatTable(buffer, target, name));
  }

  Optional<String> string(int field) {
    int target = target(field);
    if (target < 0) {
      return Optional.empty();
    }
    int length = vectorLength(target, 1);
    byte[] bytes = new byte[length];
    buffer.get(target + 4, bytes);
    return Optional.of(new String(bytes, StandardCharsets.UTF_8));
  }

  /** Number of elements of a vector field (0 when absent). */
  int vectorSize(int field) {
    int target = target(field);
    return target < 0 ? 0 : vectorLength(target, 1);
  }

  FlatTable tableAt(int field, int index, String name) {
    int target = target(field);
    int length = vectorLength(target, 4);
    if (index < 0 || index >= length) {
      throw corrupt(what + " has no element " + index + " in vector field " + field);
    }
    int at = target + 4 + 4 * index;
    long element = at + (int32(buffer, at, what) & 0xffffffffL);
    if (element >= buffer.limit()) {
      throw truncated(name + " lies past the end of the file");
    }
    return new FlatTable(buffer, (int) element, name);
  }

  int[] ints(int field) {
    int target = target(field);
    if (target < 0) {
      return new int[0];
    }
    int length = vectorLength(target, 4);
    int[] values = new int[length];
    for (int i = 0; i < length; i++) {
      values[i] = buffer.getInt(target + 4 + 4 * i);
    }
    return values;
  }

  long[] longs(int field) {
    int target = target(field);
    if (target < 0) {
      return new long[0];
    }
    int length = vectorLength(target, 8);
    long[] values = new long[length];
    for (int i = 0; i < length; i++) {
      values[i] = buffer.getLong(target + 4 + 8 * i);
    }
    return values;
  }

  float[] floats(int field) {
    int target = target(field);
    if (target < 0) {
      return new float[0];
    }
    int length = vectorLength(target, 4);
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = buffer.getFloat(target + 4 + 4 * i);
    }
    return values;
  }

  /** A byte vector as a little-endian slice of the file, without copying. */
  ByteBuffer bytes(int field) {
    return vector(field, 1);
  }

  /** A vector of {@code elementSize}-byte scalars as a little-endian slice of the file. */
  ByteBuffer vector(int field, int elementSize) {
    int target = target(field);
    if (target < 0) {
      return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
    }
    int length = vectorLength(target, elementSize);
    return buffer.slice(target + 4, length * elementSize).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A slice of the whole file, for buffers stored outside the flatbuffer (offset and size). */
  ByteBuffer fileSlice(long offset, long size, String name) {
    if (offset < 0 || size < 0 || offset + size > buffer.limit()) {
      throw truncated(
          name
              + " lies at bytes "
              + offset
              + ".."
              + (offset + size)
              + ", past the end of the file");
    }
    return buffer.slice((int) offset, (int) size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private int vectorLength(int target, int elementSize) {
    long length = int32(buffer, target, what) & 0xffffffffL;
    if (target + 4 + length * elementSize > buffer.limit()) {
      throw truncated(
          what + " has a vector of " + length + " elements running past the end of the file");
    }
    return (int) length;
  }

  private void check(int at, int size) {
    if (at < 0 || at + size > buffer.limit()) {
      throw truncated(what + " reads past the end of the file (byte " + at + ")");
    }
  }

  private static int int32(ByteBuffer buffer, int at, String what) {
    if (at < 0 || at + 4 > buffer.limit()) {
      throw truncated(what + " reads past the end of the file (byte " + at + ")");
    }
    return buffer.getInt(at);
  }

  private static int uint16(ByteBuffer buffer, int at, String what) {
    if (at < 0 || at + 2 > buffer.limit()) {
      throw truncated(what + " reads past the end of the file (byte " + at + ")");
    }
    return buffer.getShort(at) & 0xffff;
  }

  private static TfliteException truncated(String message) {
    return new TfliteException(
        TfliteException.Code.TRUNCATED, message + ": the file is truncated or corrupt");
  }

  private static TfliteException corrupt(String message) {
    return new TfliteException(
        TfliteException.Code.INVALID_MODEL, message + ": the file is corrupt");
  }
}
