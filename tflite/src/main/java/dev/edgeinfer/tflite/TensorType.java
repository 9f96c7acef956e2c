package dev.edgeinfer.tflite;

import dev.edgeinfer.onnx.proto.TensorProto.DataType;

/** TFLite's element types (the {@code TensorType} enum of schema.fbs) and their ONNX twins. */
enum TensorType {
  FLOAT32(0, 4, DataType.FLOAT),
  FLOAT16(1, 2, DataType.FLOAT16),
  INT32(2, 4, DataType.INT32),
  UINT8(3, 1, DataType.UINT8),
  INT64(4, 8, DataType.INT64),
  STRING(5, 0, DataType.STRING),
  BOOL(6, 1, DataType.BOOL),
  INT16(7, 2, DataType.INT16),
  COMPLEX64(8, 8, DataType.COMPLEX64),
  INT8(9, 1, DataType.INT8),
  FLOAT64(10, 8, DataType.DOUBLE),
  COMPLEX128(11, 16, DataType.COMPLEX128),
  UINT64(12, 8, DataType.UINT64),
  RESOURCE(13, 0, DataType.UNDEFINED),
  VARIANT(14, 0, DataType.UNDEFINED),
  UINT32(15, 4, DataType.UINT32),
  UINT16(16, 2, DataType.UINT16),
  INT4(17, 0, DataType.INT4);

  final int code;
  final int bytes;
  final DataType onnx;

  TensorType(int code, int bytes, DataType onnx) {
    this.code = code;
    this.bytes = bytes;
    this.onnx = onnx;
  }

  static TensorType of(int code, String tensor) {
    for (TensorType type : values()) {
      if (type.code == code) {
        return type;
      }
    }
    throw new TfliteException(
        TfliteException.Code.UNSUPPORTED,
        "tensor '"
            + tensor
            + "' has element type code "
            + code
            + ", which this importer does not know");
  }

  boolean isQuantizedInteger() {
    return this == INT8 || this == UINT8 || this == INT16;
  }
}
