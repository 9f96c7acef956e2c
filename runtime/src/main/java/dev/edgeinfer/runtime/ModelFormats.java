package dev.edgeinfer.runtime;

import dev.edgeinfer.runtime.spi.ModelImporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Which model files can be opened: ONNX itself, and every format a {@link ModelImporter} on the
 * class path claims by file extension ({@code .tflite} with the tflite module). An imported model
 * is converted once and cached as ONNX under {@link #cacheDirectory()}, keyed by the SHA-256 of the
 * file's bytes, so a changed file is converted again and an unchanged one is not.
 *
 * <p>Thread-safe: conversions write to a temporary file and move it into place atomically.
 */
public final class ModelFormats {
  /** System property naming the cache folder; the environment variable is EDGEINFER_CACHE_DIR. */
  public static final String CACHE_PROPERTY = "edgeinfer.cache.dir";

  private static final System.Logger LOG = System.getLogger(ModelFormats.class.getName());

  private ModelFormats() {}

  private static final class Importers {
    static final List<ModelImporter> ALL =
        ServiceLoader.load(ModelImporter.class).stream().map(ServiceLoader.Provider::get).toList();
  }

  /** The importer that claims this file's extension, if any. */
  public static Optional<ModelImporter> importerFor(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String extension = name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return Importers.ALL.stream().filter(i -> i.extensions().contains(extension)).findFirst();
  }

  /**
   * The ONNX file to load for {@code file}: the file itself unless an importer claims its
   * extension, else its cached conversion, made now when missing.
   */
  public static Path onnxFile(Path file) {
    return onnxFile(file, cacheDirectory());
  }

  /** As {@link #onnxFile(Path)}, caching under {@code cacheDirectory}. */
  public static Path onnxFile(Path file, Path cacheDirectory) {
    Optional<ModelImporter> importer = importerFor(file);
    if (importer.isEmpty() || !Files.isRegularFile(file)) {
      return file;
    }
    Path target = cacheDirectory.resolve(sha256(file) + ".onnx");
    if (Files.isRegularFile(target)) {
      return target;
    }
    byte[] onnx = importer.get().toOnnx(file);
    try {
      Files.createDirectories(cacheDirectory);
      Path temporary = Files.createTempFile(cacheDirectory, ".import-", ".tmp");
      try {
        Files.write(temporary, onnx);
        try {
          Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new InferenceException(
          InferenceException.Code.RUNTIME_FAILURE,
          "cannot cache the ONNX conversion of "
              + file
              + " in "
              + cacheDirectory
              + " ("
              + e.getMessage()
              + "); set -D"
              + CACHE_PROPERTY
              + " or EDGEINFER_CACHE_DIR to a writable folder",
          e);
    }
    LOG.log(System.Logger.Level.INFO, "converted {0} to ONNX, cached as {1}", file, target);
    return target;
  }

  /**
   * Where imported models are cached: {@code -Dedgeinfer.cache.dir}, else {@code
   * EDGEINFER_CACHE_DIR}, else {@code ~/.cache/edgeinfer/imported}.
   */
  public static Path cacheDirectory() {
    String property = System.getProperty(CACHE_PROPERTY);
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String env = System.getenv("EDGEINFER_CACHE_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "edgeinfer", "imported");
  }

  private static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
      MessageDigest digest = ((DigestInputStream) in).getMessageDigest();
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new InferenceException(
          InferenceException.Code.MODEL_NOT_FOUND,
          "cannot read model file " + file + " (" + e.getMessage() + "); check the path",
          e);
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
