package dev.edgeinfer.onnx;

import static dev.edgeinfer.onnx.proto.TensorProto.DataType.FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import dev.edgeinfer.onnx.proto.ModelProto;
import dev.edgeinfer.onnx.proto.OperatorSetIdProto;
import dev.edgeinfer.onnx.proto.StringStringEntryProto;
import dev.edgeinfer.onnx.proto.TensorProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelTest {

  static final Path DIGITS =
      Path.of(System.getProperty("user.dir")).resolveSibling("models/digits/digits.onnx");

  @TempDir Path folder;

  private static OnnxModel linearModel() {
    return ModelBuilder.create()
        .producer("test", "1.0")
        .input("x", FLOAT, "batch", 4)
        .initializer("w", new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 4)
        .initializer("b", new float[] {0.5f, -0.5f, 1}, 3)
        .node("Gemm", List.of("x", "w", "b"), List.of("y"), Map.of("transB", 1, "alpha", 1.0f))
        .output("y", FLOAT, "batch", 3)
        .build();
  }

  @Test
  void aModelBuiltInCodeRoundTripsToTheSameBytes() {
    byte[] bytes = linearModel().toByteArray();

    assertArrayEquals(bytes, OnnxModel.parse(bytes).toByteArray());
  }

  @Test
  void anUnknownFieldAppendedToTheFileIsKeptAndWrittenBack() throws IOException {
    ByteArrayOutputStream extra = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(extra);
    out.writeBytes(1000, ByteString.copyFromUtf8("a field from a newer ONNX"));
    out.flush();
    byte[] bytes = concat(linearModel().toByteArray(), extra.toByteArray());

    OnnxModel model = OnnxModel.parse(bytes);

    assertTrue(model.proto().getUnknownFields().hasField(1000));
    assertArrayEquals(bytes, model.toByteArray());
  }

  @Test
  void unknownFieldsInsideTheGraphAndItsNodesSurviveARoundTrip() {
    UnknownFieldSet extra =
        UnknownFieldSet.newBuilder()
            .addField(
                999,
                UnknownFieldSet.Field.newBuilder()
                    .addVarint(42)
                    .addLengthDelimited(ByteString.copyFromUtf8("x"))
                    .build())
            .build();
    ModelProto.Builder proto = linearModel().proto().toBuilder();
    proto.getGraphBuilder().setUnknownFields(extra);
    proto.getGraphBuilder().getNodeBuilder(0).setUnknownFields(extra);
    proto.getGraphBuilder().getInitializerBuilder(0).setUnknownFields(extra);
    byte[] bytes = proto.build().toByteArray();

    OnnxModel model = OnnxModel.parse(bytes);

    assertEquals(extra, model.proto().getGraph().getNode(0).getUnknownFields());
    assertEquals(extra, model.proto().getGraph().getInitializer(0).getUnknownFields());
    assertArrayEquals(bytes, model.toByteArray());
  }

  @Test
  void theDigitsModelExportedByPytorchRoundTripsToTheSameBytes() throws IOException {
    byte[] file = Files.readAllBytes(DIGITS);

    OnnxModel model = OnnxModel.read(DIGITS);

    assertArrayEquals(file, model.toByteArray());
    assertEquals(file.length, model.sizeInBytes());
  }

  @Test
  void aWrittenModelReadsBackIdentical() {
    OnnxModel model = linearModel();
    Path target = folder.resolve("linear.onnx");

    model.write(target);
    OnnxModel read = OnnxModel.read(target);

    assertEquals(model.proto(), read.proto());
    assertEquals(target.toAbsolutePath(), read.path().orElseThrow());
  }

  @Test
  void writingReplacesAnExistingFile() throws IOException {
    Path target = folder.resolve("model.onnx");
    Files.writeString(target, "old content");

    linearModel().write(target);

    assertArrayEquals(linearModel().toByteArray(), Files.readAllBytes(target));
    try (var files = Files.list(folder)) {
      assertEquals(List.of(target), files.toList());
    }
  }

  @Test
  void writingIntoAMissingFolderFailsWithIo() {
    OnnxFormatException e =
        assertThrows(
            OnnxFormatException.class,
            () -> linearModel().write(folder.resolve("no/such/model.onnx")));

    assertEquals(OnnxFormatException.Code.IO, e.code());
  }

  @Test
  void aTextFileIsNotOnnx() throws IOException {
    Path text = folder.resolve("x.txt");
    Files.writeString(text, "hello, this is a text file and not a model\n");

    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.read(text));

    assertEquals(OnnxFormatException.Code.NOT_ONNX, e.code());
    assertTrue(
        e.getMessage().startsWith(text + " is not an ONNX model (protobuf parse failed: "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("): export the model to ONNX first"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void aGitLfsPointerIsNotOnnxAndSaysHowToFetchTheModel() throws IOException {
    Path pointer = folder.resolve("model.onnx");
    Files.writeString(
        pointer, "version https://git-lfs.github.com/spec/v1\noid sha256:0123\nsize 155151\n");

    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.read(pointer));

    assertEquals(OnnxFormatException.Code.NOT_ONNX, e.code());
    assertTrue(e.getMessage().endsWith("not the model itself: run git lfs pull"), e.getMessage());
  }

  @Test
  void bytesThatParseButCarryNoGraphAreNotOnnx() {
    byte[] bytes = ModelProto.newBuilder().setIrVersion(8).build().toByteArray();

    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.parse(bytes));

    assertEquals(OnnxFormatException.Code.NOT_ONNX, e.code());
    assertTrue(e.getMessage().contains("no graph"), e.getMessage());
  }

  @Test
  void anEmptyFileIsNotOnnx() throws IOException {
    Path empty = Files.createFile(folder.resolve("empty.onnx"));

    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.read(empty));

    assertEquals(OnnxFormatException.Code.NOT_ONNX, e.code());
    assertTrue(e.getMessage().contains("is empty (0 bytes)"), e.getMessage());
  }

  @Test
  void aModelCutInHalfIsTruncated() throws IOException {
    byte[] bytes = linearModel().toByteArray();
    Path cut = folder.resolve("model.onnx");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));

    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.read(cut));

    assertEquals(OnnxFormatException.Code.TRUNCATED, e.code());
    assertTrue(
        e.getMessage()
            .startsWith(cut + " is truncated or corrupt (" + bytes.length / 2 + " bytes;"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("): re-export or re-download it"), e.getMessage());
  }

  @Test
  void theDigitsModelCutShortIsTruncated() throws IOException {
    byte[] file = Files.readAllBytes(DIGITS);

    OnnxFormatException e =
        assertThrows(
            OnnxFormatException.class,
            () -> OnnxModel.parse(Arrays.copyOf(file, file.length - 100)));

    assertEquals(OnnxFormatException.Code.TRUNCATED, e.code());
  }

  @Test
  void aMissingFileIsReportedWithItsPath() {
    Path missing = folder.resolve("missing.onnx");

    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.read(missing));

    assertEquals(OnnxFormatException.Code.FILE_NOT_FOUND, e.code());
    assertTrue(e.getMessage().startsWith(missing + " does not exist"), e.getMessage());
  }

  @Test
  void aFolderIsNotAModel() {
    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.read(folder));

    assertEquals(OnnxFormatException.Code.NOT_ONNX, e.code());
  }

  @Test
  void wrappingAProtoWithoutAnOpsetIsAnInvalidGraph() {
    ModelProto proto = linearModel().proto().toBuilder().clearOpsetImport().build();

    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.of(proto));

    assertEquals(OnnxFormatException.Code.INVALID_GRAPH, e.code());
  }

  @Test
  void opsetsNameTheDefaultDomainAiOnnx() {
    ModelProto proto =
        linearModel().proto().toBuilder()
            .addOpsetImport(
                OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1))
            .build();

    OnnxModel model = OnnxModel.of(proto);

    assertEquals(Map.of("ai.onnx", 17L, "com.microsoft", 1L), model.opsets());
    assertEquals(17, model.opsetVersion());
  }

  @Test
  void externalTensorsStayExternalUntilLoaded() throws IOException {
    Path modelFile = writeWithExternalWeights(folder);

    OnnxModel model = OnnxModel.read(modelFile);

    assertTrue(model.hasExternalData());
    assertFalse(model.proto().getGraph().getInitializer(0).hasRawData());
  }

  @Test
  void loadingExternalDataInlinesTheTensorsFromTheModelFolder() throws IOException {
    Path modelFile = writeWithExternalWeights(folder);
    TensorProto original = linearModel().proto().getGraph().getInitializer(0);

    OnnxModel loaded = OnnxModel.read(modelFile).loadExternalData();

    TensorProto inlined = loaded.proto().getGraph().getInitializer(0);
    assertFalse(loaded.hasExternalData());
    assertEquals(original.getRawData(), inlined.getRawData());
    assertEquals(0, inlined.getExternalDataCount());
    assertEquals(original.getDims(1), inlined.getDims(1));
  }

  @Test
  void aModelWithoutExternalDataIsReturnedAsIsByLoadExternalData() {
    OnnxModel model = linearModel();

    assertSame(model, model.loadExternalData());
  }

  @Test
  void aMissingExternalDataFileIsReported() throws IOException {
    Path modelFile = writeWithExternalWeights(folder);
    Files.delete(folder.resolve("weights.bin"));
    OnnxModel model = OnnxModel.read(modelFile);

    OnnxFormatException e = assertThrows(OnnxFormatException.class, model::loadExternalData);

    assertEquals(OnnxFormatException.Code.FILE_NOT_FOUND, e.code());
    assertTrue(
        e.getMessage().startsWith("weights.bin (external data of tensor 'w') does not exist"),
        e.getMessage());
  }

  @Test
  void aShortExternalDataFileIsTruncated() throws IOException {
    Path modelFile = writeWithExternalWeights(folder);
    Files.write(folder.resolve("weights.bin"), new byte[10]);

    OnnxFormatException e =
        assertThrows(OnnxFormatException.class, () -> OnnxModel.read(modelFile).loadExternalData());

    assertEquals(OnnxFormatException.Code.TRUNCATED, e.code());
  }

  @Test
  void externalDataOutsideTheModelFolderIsRefused() {
    ModelProto.Builder proto = linearModel().proto().toBuilder();
    proto
        .getGraphBuilder()
        .setInitializer(0, external(proto.getGraph().getInitializer(0), "../secret.bin", 0));
    OnnxModel model = OnnxModel.of(proto.build());

    OnnxFormatException e =
        assertThrows(OnnxFormatException.class, () -> model.loadExternalData(folder));

    assertEquals(OnnxFormatException.Code.INVALID_GRAPH, e.code());
  }

  @Test
  void aParsedModelNeedsAFolderToLoadExternalData() throws IOException {
    OnnxModel model = OnnxModel.parse(Files.readAllBytes(writeWithExternalWeights(folder)));

    assertEquals(
        OnnxFormatException.Code.UNSUPPORTED,
        assertThrows(OnnxFormatException.class, model::loadExternalData).code());
    assertFalse(model.loadExternalData(folder).hasExternalData());
  }

  /** Writes the linear model with its weights {@code w} at offset 16 of weights.bin. */
  private static Path writeWithExternalWeights(Path folder) throws IOException {
    ModelProto.Builder proto = linearModel().proto().toBuilder();
    TensorProto weights = proto.getGraph().getInitializer(0);
    Files.write(
        folder.resolve("weights.bin"), concat(new byte[16], weights.getRawData().toByteArray()));
    proto.getGraphBuilder().setInitializer(0, external(weights, "weights.bin", 16));
    Path modelFile = folder.resolve("linear.onnx");
    Files.write(modelFile, proto.build().toByteArray());
    return modelFile;
  }

  private static TensorProto external(TensorProto tensor, String location, long offset) {
    return tensor.toBuilder()
        .clearRawData()
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
        .addExternalData(
            StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)))
        .addExternalData(
            StringStringEntryProto.newBuilder()
                .setKey("length")
                .setValue(Integer.toString(tensor.getRawData().size())))
        .build();
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] out = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, out, first.length, second.length);
    return out;
  }
}
