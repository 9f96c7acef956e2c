package dev.edgeinfer.pipeline;

import dev.edgeinfer.pipeline.spi.Source;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The images of a folder (PNG, JPEG, BMP, GIF), in name order. A {@code labels.csv} in the folder
 * ({@code file,label} rows) gives the expected class of each image.
 */
final class ImageFolderSource implements Source {
  private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

  private final Path folder;
  private final List<Path> files;
  private final Map<String, String> labels;
  private int next;

  ImageFolderSource(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new PipelineException(
          PipelineException.Code.NOT_FOUND,
          "image folder "
              + folder
              + " does not exist or is not a folder; check the path after images:");
    }
    try (Stream<Path> entries = Files.list(folder)) {
      this.files = entries.filter(ImageFolderSource::isImage).sorted().toList();
    } catch (IOException e) {
      throw new PipelineException(
          PipelineException.Code.IO, "cannot list image folder " + folder + ": " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw new PipelineException(
          PipelineException.Code.NOT_FOUND,
          "image folder " + folder + " has no .png, .jpg, .jpeg, .bmp or .gif files");
    }
    this.folder = folder;
    this.labels = readLabels(folder.resolve("labels.csv"));
  }

  private static boolean isImage(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(file) && EXTENSIONS.stream().anyMatch(name::endsWith);
  }

  private static Map<String, String> readLabels(Path csv) {
    Map<String, String> labels = new HashMap<>();
    if (!Files.isRegularFile(csv)) {
      return labels;
    }
    try {
      for (String line : Files.readAllLines(csv)) {
        String[] cells = line.split(",", 2);
        if (cells.length == 2 && !cells[0].isBlank() && !cells[0].trim().equals("file")) {
          labels.put(cells[0].trim(), cells[1].trim());
        }
      }
    } catch (IOException e) {
      throw new PipelineException(
          PipelineException.Code.IO, "cannot read " + csv + ": " + e.getMessage());
    }
    return labels;
  }

  @Override
  public String describe() {
    return "images:" + folder + " (" + files.size() + " files)";
  }

  @Override
  public Optional<Frame> next() {
    if (next >= files.size()) {
      return Optional.empty();
    }
    Path file = files.get(next++);
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw undecodable(file, e.getMessage());
    }
    if (image == null) {
      throw undecodable(file, "no image reader recognises its content");
    }
    String name = file.getFileName().toString();
    return Optional.of(
        new Frame(name, new Payload.Image(image), Optional.ofNullable(labels.get(name))));
  }

  private static PipelineException undecodable(Path file, String why) {
    return new PipelineException(
        PipelineException.Code.UNDECODABLE_SAMPLE,
        "cannot decode image " + file + " (" + why + "); skipped it: replace or remove the file");
  }

  @Override
  public OptionalLong size() {
    return OptionalLong.of(files.size());
  }
}
