package dev.edgeinfer.peers;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine and software a comparison ran on, recorded with every report.
 *
 * @param cpu CPU model name
 * @param cores logical cores available to the JVM
 * @param os operating system and architecture
 * @param java Java runtime version
 * @param onnxRuntime ONNX Runtime version (shared by all three engines)
 * @param djl DJL version
 * @param loadAverage the 1-minute load average when the comparison started, -1 where unknown
 */
record Machine(
    String cpu,
    int cores,
    String os,
    String java,
    String onnxRuntime,
    String djl,
    double loadAverage) {

  static Machine detect() {
    return new Machine(
        cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        Runtime.version().toString(),
        OrtEnvironment.getEnvironment().getVersion(),
        Engine.getDjlVersion(),
        currentLoadAverage());
  }

  /** The 1-minute load average now, or -1 off Linux. */
  static double currentLoadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through to the architecture
    }
    return System.getProperty("os.arch");
  }
}
