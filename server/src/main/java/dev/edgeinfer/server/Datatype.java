package dev.edgeinfer.server;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The tensor datatypes of the KServe v2 / Open Inference Protocol, with their wire sizes. */
public enum Datatype {
  BOOL(1),
  UINT8(1),
  UINT16(2),
  UINT32(4),
  UINT64(8),
  INT8(1),
  INT16(2),
  INT32(4),
  INT64(8),
  FP16(2),
  FP32(4),
  FP64(8),
  /**
   * Variable-length bytes; in binary form each element is a 4-byte little-endian length, then the
   * bytes.
   */
  BYTES(0);

  private final int byteSize;

  Datatype(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element on the wire; 0 for {@link #BYTES}. */
  public int byteSize() {
    return byteSize;
  }

  /** Parses a protocol name such as {@code FP32}; a bad one is a 400. */
  public static Datatype parse(String name) {
    try {
      return valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new ServerException(
          ServerException.Code.BAD_REQUEST,
          "unknown datatype '"
              + name
              + "': use one of "
              + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
  }
}
