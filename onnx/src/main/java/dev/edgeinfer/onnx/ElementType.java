package dev.edgeinfer.onnx;

import java.util.Optional;

/** The element types of ONNX tensors, with the names EdgeInfer shows and their storage width. */
enum ElementType {
  FLOAT(1, "float32", 32),
  UINT8(2, "uint8", 8),
  INT8(3, "int8", 8),
  UINT16(4, "uint16", 16),
  INT16(5, "int16", 16),
  INT32(6, "int32", 32),
  INT64(7, "int64", 64),
  STRING(8, "string", 0),
  BOOL(9, "bool", 8),
  FLOAT16(10, "float16", 16),
  DOUBLE(11, "float64", 64),
  UINT32(12, "uint32", 32),
  UINT64(13, "uint64", 64),
  COMPLEX64(14, "complex64", 64),
  COMPLEX128(15, "complex128", 128),
  BFLOAT16(16, "bfloat16", 16),
  FLOAT8E4M3FN(17, "float8e4m3fn", 8),
  FLOAT8E4M3FNUZ(18, "float8e4m3fnuz", 8),
  FLOAT8E5M2(19, "float8e5m2", 8),
  FLOAT8E5M2FNUZ(20, "float8e5m2fnuz", 8),
  UINT4(21, "uint4", 4),
  INT4(22, "int4", 4),
  FLOAT4E2M1(23, "float4e2m1", 4),
  FLOAT8E8M0(24, "float8e8m0", 8),
  UINT2(25, "uint2", 2),
  INT2(26, "int2", 2);

  private static final ElementType[] BY_CODE = new ElementType[27];

  static {
    for (ElementType type : values()) {
      BY_CODE[type.code] = type;
    }
  }

  private final int code;
  private final String displayName;
  private final int bits;

  ElementType(int code, String displayName, int bits) {
    this.code = code;
    this.displayName = displayName;
    this.bits = bits;
  }

  /** The type with this {@code TensorProto.DataType} number, if it is one this file knows. */
  static Optional<ElementType> of(int code) {
    return code > 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
  }

  /**
   * The name shown to users, {@code "undefined"} or {@code "type(N)"} for codes outside the enum.
   */
  static String displayName(int code) {
    if (code == 0) {
      return "undefined";
    }
    return of(code).map(ElementType::displayName).orElse("type(" + code + ")");
  }

  String displayName() {
    return displayName;
  }

  /** Bits per element; 0 for strings, whose size depends on their content. */
  int bits() {
    return bits;
  }

  /** Bytes that {@code count} packed elements take, rounded up to whole bytes. */
  long bytesFor(long count) {
    return Math.ceilDiv(Math.multiplyExact(count, bits), 8L);
  }
}
