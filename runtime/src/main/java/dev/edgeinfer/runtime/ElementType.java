package dev.edgeinfer.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The element types a {@link Tensor} can hold, named as users write them ({@code float32}, {@code
 * int8}...).
 */
public enum ElementType {
  FLOAT32("float32", 4, OnnxJavaType.FLOAT, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT),
  FLOAT16("float16", 2, OnnxJavaType.FLOAT16, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16),
  BFLOAT16(
      "bfloat16", 2, OnnxJavaType.BFLOAT16, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16),
  FLOAT64("float64", 8, OnnxJavaType.DOUBLE, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE),
  INT8("int8", 1, OnnxJavaType.INT8, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8),
  UINT8("uint8", 1, OnnxJavaType.UINT8, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8),
  INT16("int16", 2, OnnxJavaType.INT16, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16),
  INT32("int32", 4, OnnxJavaType.INT32, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32),
  INT64("int64", 8, OnnxJavaType.INT64, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64),
  BOOL("bool", 1, OnnxJavaType.BOOL, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL),
  STRING("string", 0, OnnxJavaType.STRING, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING);

  private final String label;
  private final int byteSize;
  final OnnxJavaType javaType;
  final OnnxTensorType onnxType;

  ElementType(String label, int byteSize, OnnxJavaType javaType, OnnxTensorType onnxType) {
    this.label = label;
    this.byteSize = byteSize;
    this.javaType = javaType;
    this.onnxType = onnxType;
  }

  /** Bytes per element; 0 for {@link #STRING}, whose elements have no fixed size. */
  public int byteSize() {
    return byteSize;
  }

  /** True for the floating-point types. */
  public boolean isFloatingPoint() {
    return this == FLOAT32 || this == FLOAT16 || this == BFLOAT16 || this == FLOAT64;
  }

  @Override
  public String toString() {
    return label;
  }

  /** Parses a user-facing name such as {@code float32}, {@code fp16} or {@code uint8}. */
  public static ElementType parse(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT);
    return switch (key) {
      case "float", "float32", "fp32", "f32" -> FLOAT32;
      case "float16", "fp16", "half", "f16" -> FLOAT16;
      case "bfloat16", "bf16" -> BFLOAT16;
      case "double", "float64", "fp64", "f64" -> FLOAT64;
      case "int8", "i8" -> INT8;
      case "uint8", "u8" -> UINT8;
      case "int16", "i16" -> INT16;
      case "int32", "i32" -> INT32;
      case "int64", "i64" -> INT64;
      case "bool", "boolean" -> BOOL;
      case "string", "str" -> STRING;
      default ->
          throw new InferenceException(
              InferenceException.Code.INVALID_ARGUMENT,
              "unknown element type '"
                  + name
                  + "': use one of "
                  + Arrays.stream(values())
                      .map(ElementType::toString)
                      .collect(Collectors.joining(", ")));
    };
  }

  static ElementType of(OnnxTensorType type) {
    for (ElementType t : values()) {
      if (t.onnxType == type) {
        return t;
      }
    }
    throw new InferenceException(
        InferenceException.Code.UNSUPPORTED,
        "element type "
            + type
            + " is not supported by EdgeInfer tensors yet; cast it in the model to float32 or int64");
  }
}
