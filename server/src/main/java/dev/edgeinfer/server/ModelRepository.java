package dev.edgeinfer.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A model repository directory in Triton's layout: {@code DIR/<model>/<version>/model.onnx}, with
 * an optional {@code DIR/<model>/config.json} (or {@code config.yaml}). It only reads the
 * directory; loading and serving is the {@link InferenceService}'s job. Model names are checked
 * before they touch the file system, so a request cannot reach outside the repository.
 *
 * <p>Thread-safe: it holds no state beyond the directory path.
 */
public final class ModelRepository {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127}");
  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");
  static final String MODEL_FILE = "model.onnx";

  /** Taken when a version has no model.onnx; converted on load by the runtime's importers. */
  static final String TFLITE_FILE = "model.tflite";

  private final Path directory;

  private ModelRepository(Path directory) {
    this.directory = directory;
  }

  /** Opens a repository; a missing directory is a NOT_FOUND naming it. */
  public static ModelRepository open(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new ServerException(
          ServerException.Code.NOT_FOUND,
          "model repository "
              + directory
              + " is not a directory; give a folder laid out as <model>/<version>/model.onnx");
    }
    return new ModelRepository(directory.toAbsolutePath().normalize());
  }

  public Path directory() {
    return directory;
  }

  /**
   * The names of the model folders, sorted; folders whose names are not valid model names are
   * skipped.
   */
  public List<String> modelNames() {
    try (Stream<Path> children = Files.list(directory)) {
      return children
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(name -> NAME.matcher(name).matches())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new ServerException(
          ServerException.Code.UNAVAILABLE,
          "cannot list model repository " + directory + ": " + e.getMessage());
    }
  }

  public boolean contains(String model) {
    return Files.isDirectory(modelDir(model));
  }

  /** The model's config file, parsed; empty when it has none. */
  public Optional<ModelConfig> config(String model) {
    return ModelConfigFile.in(modelDir(model)).map(ModelConfigFile::read);
  }

  /**
   * Every numbered version folder holding a {@code model.onnx} (or {@code model.tflite}), by
   * version.
   */
  public NavigableMap<Long, Path> allVersions(String model) {
    NavigableMap<Long, Path> versions = new TreeMap<>();
    Path dir = modelDir(model);
    if (!Files.isDirectory(dir)) {
      throw new ServerException(
          ServerException.Code.NOT_FOUND,
          "model '"
              + model
              + "' is not in repository "
              + directory
              + "; the models are "
              + modelNames());
    }
    try (Stream<Path> children = Files.list(dir)) {
      children.forEach(
          child -> {
            String name = child.getFileName().toString();
            Path file = child.resolve(MODEL_FILE);
            if (!Files.isRegularFile(file) && Files.isRegularFile(child.resolve(TFLITE_FILE))) {
              file = child.resolve(TFLITE_FILE);
            }
            if (VERSION.matcher(name).matches() && Files.isRegularFile(file)) {
              versions.put(Long.parseLong(name), file);
            }
          });
    } catch (IOException e) {
      throw new ServerException(
          ServerException.Code.UNAVAILABLE, "cannot list " + dir + ": " + e.getMessage());
    }
    return versions;
  }

  /** The versions the policy selects, by version; a policy that selects nothing is a NOT_FOUND. */
  public NavigableMap<Long, Path> versions(String model, ModelConfig.VersionPolicy policy) {
    NavigableMap<Long, Path> all = allVersions(model);
    NavigableMap<Long, Path> chosen = new TreeMap<>();
    switch (policy) {
      case ModelConfig.VersionPolicy.All a -> chosen.putAll(all);
      case ModelConfig.VersionPolicy.Latest latest ->
          all.descendingMap().entrySet().stream()
              .limit(latest.count())
              .forEach(e -> chosen.put(e.getKey(), e.getValue()));
      case ModelConfig.VersionPolicy.Specific specific ->
          specific.versions().stream()
              .filter(all::containsKey)
              .forEach(v -> chosen.put(v, all.get(v)));
    }
    if (chosen.isEmpty()) {
      throw new ServerException(
          ServerException.Code.NOT_FOUND,
          "model '"
              + model
              + "' has no version to serve in "
              + modelDir(model)
              + " (found "
              + all.keySet()
              + ", policy "
              + policy
              + "); add <version>/model.onnx with a numeric version");
    }
    return chosen;
  }

  /**
   * What the model's files look like now (names, sizes and modification times of its config and
   * version files); a change means polling should reload it.
   */
  String fingerprint(String model) {
    Path dir = modelDir(model);
    List<String> parts = new ArrayList<>();
    ModelConfigFile.in(dir).ifPresent(file -> parts.add(stamp(file)));
    allVersions(model).forEach((version, file) -> parts.add(version + "=" + stamp(file)));
    Collections.sort(parts);
    return String.join(";", parts);
  }

  private static String stamp(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return file.getFileName()
          + ":"
          + attributes.size()
          + ":"
          + attributes.lastModifiedTime().toMillis();
    } catch (IOException e) {
      return file.getFileName() + ":gone";
    }
  }

  private Path modelDir(String model) {
    return directory.resolve(checkName(model));
  }

  /** Rejects a name that is not a plain model name (no separators, no {@code ..}), naming it. */
  static String checkName(String model) {
    if (!NAME.matcher(model).matches()) {
      throw new ServerException(
          ServerException.Code.BAD_REQUEST,
          "'"
              + printable(model)
              + "' is not a valid model name:"
              + " use 1-128 letters, digits, '_', '-' or '.', not starting with '.' or '-'");
    }
    return model;
  }

  /** Rejects a version that is not a positive number. */
  static long checkVersion(String model, String version) {
    if (!VERSION.matcher(version).matches()) {
      throw new ServerException(
          ServerException.Code.BAD_REQUEST,
          "version '"
              + printable(version)
              + "' of model '"
              + model
              + "' is not a positive whole number");
    }
    return Long.parseLong(version);
  }

  private static String printable(String text) {
    String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  @Override
  public String toString() {
    return "ModelRepository " + directory;
  }
}
