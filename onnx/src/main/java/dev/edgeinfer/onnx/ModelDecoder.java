package dev.edgeinfer.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.edgeinfer.onnx.proto.ModelProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Turns the bytes of a file into a {@link ModelProto}, or into an {@link OnnxFormatException} that
 * says whether the bytes are not ONNX at all or an ONNX model cut short.
 */
final class ModelDecoder {

  private static final byte[] GIT_LFS_POINTER =
      "version https://git-lfs".getBytes(StandardCharsets.US_ASCII);

  private ModelDecoder() {}

  /**
   * Parses {@code bytes}, read from {@code source} (a file name as the user gave it), keeping
   * fields this schema does not know.
   */
  static ModelProto decode(byte[] bytes, String source) {
    if (bytes.length == 0) {
      throw new OnnxFormatException(
          OnnxFormatException.Code.NOT_ONNX,
          source + " is empty (0 bytes), not an ONNX model: export the model to ONNX first");
    }
    if (startsWith(bytes, GIT_LFS_POINTER)) {
      throw new OnnxFormatException(
          OnnxFormatException.Code.NOT_ONNX,
          source
              + " is a Git LFS pointer ("
              + bytes.length
              + " bytes), not the model itself: run git lfs pull");
    }
    ModelProto model;
    try {
      model = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      String reason = firstSentence(e.getMessage());
      if (startsLikeOnnx(bytes)) {
        throw new OnnxFormatException(
            OnnxFormatException.Code.TRUNCATED,
            source
                + " is truncated or corrupt ("
                + bytes.length
                + " bytes; protobuf parse failed: "
                + reason
                + "): re-export or re-download it",
            e);
      }
      throw new OnnxFormatException(
          OnnxFormatException.Code.NOT_ONNX,
          source
              + " is not an ONNX model (protobuf parse failed: "
              + reason
              + "): export the model to ONNX first",
          e);
    }
    problem(model)
        .ifPresent(
            problem -> {
              throw new OnnxFormatException(
                  OnnxFormatException.Code.NOT_ONNX,
                  source
                      + " is not an ONNX model ("
                      + problem
                      + "): export the model to ONNX first");
            });
    return model;
  }

  /**
   * What keeps {@code model} from being an ONNX model: no IR version, no graph or no operator set.
   * Random bytes can parse as a protobuf message, so these are checked after parsing.
   */
  static Optional<String> problem(ModelProto model) {
    if (model.getIrVersion() < 1) {
      return Optional.of("it has no ir_version");
    }
    if (!model.hasGraph()) {
      return Optional.of("it has no graph");
    }
    if (model.getOpsetImportCount() == 0) {
      return Optional.of("it has no opset_import; the file may be truncated");
    }
    return Optional.empty();
  }

  /**
   * True when every top-level field in {@code bytes} is a {@code ModelProto} field with its wire
   * type, up to where the data breaks off: the file began as an ONNX model.
   */
  private static boolean startsLikeOnnx(byte[] bytes) {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    boolean sawModelField = false;
    try {
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        FieldDescriptor field =
            ModelProto.getDescriptor().findFieldByNumber(WireFormat.getTagFieldNumber(tag));
        if (field == null || field.getLiteType().getWireType() != WireFormat.getTagWireType(tag)) {
          return false;
        }
        sawModelField = true;
        in.skipField(tag);
      }
      return true;
    } catch (IOException e) {
      return sawModelField;
    }
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static String firstSentence(String message) {
    String line = message == null ? "unknown error" : message.replaceAll("\\s+", " ").strip();
    int end = line.indexOf(". ");
    String sentence = end > 0 ? line.substring(0, end) : line;
    return sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
  }
}
