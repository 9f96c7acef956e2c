package dev.edgeinfer.onnx;

import dev.edgeinfer.onnx.proto.ModelProto;
import dev.edgeinfer.onnx.proto.OperatorSetIdProto;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An ONNX model: the {@link ModelProto} of a {@code .onnx} file, read and written without loss.
 *
 * <p>Reading keeps every field, including fields this schema does not know (from exporters newer
 * than it), so {@code OnnxModel.read(path).toByteArray()} gives back the bytes of a file written by
 * ONNX or PyTorch. Tensors stored as external data stay external until {@link #loadExternalData()}
 * is called.
 *
 * <p>Instances are immutable and safe to share between threads. Tools that change a model (the
 * quantizer, the pruner) edit {@code proto().toBuilder()} and wrap the result with {@link
 * #of(ModelProto)}.
 */
public final class OnnxModel {

  /** Protobuf cannot hold messages of 2 GiB or more; larger models keep weights external. */
  private static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8L;

  private static final String DEFAULT_DOMAIN = "ai.onnx";

  private final ModelProto proto;
  private final Optional<Path> path;
  private final long sizeInBytes;

  private OnnxModel(ModelProto proto, Optional<Path> path, long sizeInBytes) {
    this.proto = proto;
    this.path = path;
    this.sizeInBytes = sizeInBytes;
  }

  /**
   * Reads the model file at {@code path}.
   *
   * @throws OnnxFormatException {@code FILE_NOT_FOUND} when there is no such file, {@code NOT_ONNX}
   *     or {@code TRUNCATED} when its bytes are not a complete ONNX model, {@code UNSUPPORTED} at 2
   *     GiB and over, {@code IO} when it cannot be read
   */
  public static OnnxModel read(Path path) {
    Objects.requireNonNull(path, "path");
    if (Files.isDirectory(path)) {
      throw new OnnxFormatException(
          OnnxFormatException.Code.NOT_ONNX,
          path + " is a folder, not an ONNX model: pass the .onnx file inside it");
    }
    byte[] bytes;
    try {
      long size = Files.size(path);
      if (size > MAX_MODEL_BYTES) {
        throw new OnnxFormatException(
            OnnxFormatException.Code.UNSUPPORTED,
            path
                + " is "
                + size
                + " bytes, over the 2 GiB protobuf can read: re-export it with"
                + " its weights saved as external data");
      }
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new OnnxFormatException(
          OnnxFormatException.Code.FILE_NOT_FOUND,
          path + " does not exist (looked at " + path.toAbsolutePath() + "): check the path",
          e);
    } catch (AccessDeniedException e) {
      throw new OnnxFormatException(
          OnnxFormatException.Code.IO,
          "cannot read " + path + " (permission denied): check its permissions",
          e);
    } catch (IOException e) {
      throw new OnnxFormatException(
          OnnxFormatException.Code.IO,
          "cannot read " + path + " (" + e + "): check the file and the disk",
          e);
    }
    ModelProto proto = ModelDecoder.decode(bytes, path.toString());
    return new OnnxModel(proto, Optional.of(path.toAbsolutePath()), bytes.length);
  }

  /**
   * Parses the bytes of an ONNX model. External data of such a model can only be loaded with {@link
   * #loadExternalData(Path)}, since its folder is not known.
   *
   * @throws OnnxFormatException {@code NOT_ONNX} or {@code TRUNCATED} when the bytes are not a
   *     complete ONNX model
   */
  public static OnnxModel parse(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return new OnnxModel(ModelDecoder.decode(bytes, "the input"), Optional.empty(), bytes.length);
  }

  /**
   * Wraps a model built or changed in code.
   *
   * @throws OnnxFormatException {@code INVALID_GRAPH} when it has no IR version, graph or opset
   */
  public static OnnxModel of(ModelProto proto) {
    Objects.requireNonNull(proto, "proto");
    ModelDecoder.problem(proto)
        .ifPresent(
            problem -> {
              throw new OnnxFormatException(
                  OnnxFormatException.Code.INVALID_GRAPH,
                  "the ModelProto is not a usable ONNX model ("
                      + problem
                      + "): set ir_version, graph"
                      + " and opset_import before wrapping it");
            });
    return new OnnxModel(proto, Optional.empty(), proto.getSerializedSize());
  }

  /** The model as protobuf, every field included. */
  public ModelProto proto() {
    return proto;
  }

  /** The file this model was read from, as an absolute path; empty for parsed or built models. */
  public Optional<Path> path() {
    return path;
  }

  /**
   * Size in bytes of the model file (or of the parsed bytes, or of the serialized form for a model
   * built in code), not counting external data files.
   */
  public long sizeInBytes() {
    return sizeInBytes;
  }

  /** The serialized model; for a model read from a file, the same bytes as the file. */
  public byte[] toByteArray() {
    return proto.toByteArray();
  }

  /**
   * Writes the model to {@code target}, replacing it atomically where the file system allows, so a
   * reader never sees half a model. External data files are neither written nor moved: call {@link
   * #loadExternalData()} first to write a self-contained model elsewhere.
   *
   * @throws OnnxFormatException {@code IO} when the file cannot be written
   */
  public void write(Path target) {
    Objects.requireNonNull(target, "target");
    Path folder = target.toAbsolutePath().getParent();
    Path temporary = null;
    try {
      temporary = Files.createTempFile(folder, "." + target.getFileName(), ".tmp");
      Files.write(temporary, toByteArray());
      try {
        Files.move(
            temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (NoSuchFileException e) {
      throw new OnnxFormatException(
          OnnxFormatException.Code.IO,
          "cannot write "
              + target
              + " (folder "
              + folder
              + " does not exist): create the folder first",
          e);
    } catch (IOException e) {
      throw new OnnxFormatException(
          OnnxFormatException.Code.IO,
          "cannot write "
              + target
              + " ("
              + e
              + "): check the folder is writable and the disk has space",
          e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // Only a leftover temporary file; the write itself already succeeded or failed.
        }
      }
    }
  }

  /**
   * The operator set version of the default ({@code ai.onnx}) domain, which fixes the semantics of
   * the standard operators; 0 when the model imports none.
   */
  public long opsetVersion() {
    return opsets().getOrDefault(DEFAULT_DOMAIN, 0L);
  }

  /**
   * The imported operator sets, domain to version, sorted by domain. The default domain, written as
   * {@code ""} in the file, appears as {@code "ai.onnx"}.
   */
  public Map<String, Long> opsets() {
    TreeMap<String, Long> opsets = new TreeMap<>();
    for (OperatorSetIdProto opset : proto.getOpsetImportList()) {
      String domain = opset.getDomain().isEmpty() ? DEFAULT_DOMAIN : opset.getDomain();
      opsets.merge(domain, opset.getVersion(), Math::max);
    }
    return Collections.unmodifiableMap(opsets);
  }

  /** True when some tensor keeps its data in a file beside the model. */
  public boolean hasExternalData() {
    return ExternalData.isUsedBy(proto);
  }

  /**
   * A copy of this model with the data of every external tensor read from the folder the model was
   * read from and held inline ({@code raw_data}); this model when it has none.
   *
   * @throws OnnxFormatException {@code UNSUPPORTED} for a model that was not read from a file (use
   *     {@link #loadExternalData(Path)}), {@code FILE_NOT_FOUND} or {@code TRUNCATED} when a data
   *     file is missing or short, {@code INVALID_GRAPH} when a location leaves the folder
   */
  public OnnxModel loadExternalData() {
    if (!hasExternalData()) {
      return this;
    }
    Path folder =
        path.map(Path::getParent)
            .orElseThrow(
                () ->
                    new OnnxFormatException(
                        OnnxFormatException.Code.UNSUPPORTED,
                        "the model was not read from a file, so the folder of its external data is"
                            + " unknown: call loadExternalData(folder)"));
    return loadExternalData(folder);
  }

  /**
   * A copy of this model with the data of every external tensor read from {@code folder} and held
   * inline; this model when it has none.
   *
   * @throws OnnxFormatException as {@link #loadExternalData()}
   */
  public OnnxModel loadExternalData(Path folder) {
    Objects.requireNonNull(folder, "folder");
    if (!hasExternalData()) {
      return this;
    }
    ModelProto inlined = ExternalData.inline(proto, folder);
    return new OnnxModel(inlined, path, sizeInBytes);
  }

  @Override
  public String toString() {
    return "OnnxModel["
        + path.map(Path::toString).orElse("in memory")
        + ", ir_version "
        + proto.getIrVersion()
        + ", opsets "
        + opsets()
        + ", "
        + proto.getGraph().getNodeCount()
        + " nodes]";
  }
}
