package dev.edgeinfer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine a benchmark ran on, recorded with every report.
 *
 * @param cpu CPU model name
 * @param cores logical cores available to the JVM
 * @param os operating system and architecture
 * @param java Java runtime version
 * @param onnxRuntime ONNX Runtime version
 */
public record Machine(String cpu, int cores, String os, String java, String onnxRuntime) {

  static Machine detect() {
    String cpu = System.getProperty("os.arch");
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: keep the architecture
    }
    String ort;
    try {
      ort = ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
    } catch (RuntimeException e) {
      ort = "unknown";
    }
    return new Machine(
        cpu,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        Runtime.version().toString(),
        ort);
  }
}
