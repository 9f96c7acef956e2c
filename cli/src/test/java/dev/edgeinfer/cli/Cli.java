package dev.edgeinfer.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the {@code edgeinfer} command as a separate process, the way a user does. */
final class Cli {
  static final Path DIGITS_DIR = Path.of("..", "models", "digits");
  static final Path DIGITS = DIGITS_DIR.resolve("digits.onnx");
  static final Path TEST_X = DIGITS_DIR.resolve("test_x.npy");
  static final Path TEST_Y = DIGITS_DIR.resolve("test_y.npy");

  /** What a process did. */
  record Result(int exitCode, String stdout, String stderr) {
    List<String> errorLines() {
      return stderr.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  private Cli() {}

  static Result run(String... args) {
    return run(java.util.Map.of(), args);
  }

  /** Runs with extra environment variables (such as EDGEINFER_CACHE_DIR). */
  static Result run(java.util.Map<String, String> environment, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                // ONNX Runtime's native load crashes (SIGSEGV) on a 1 MiB main-thread stack once
                // the
                // class path grows (seen with the server's Netty and gRPC jars); -jar runs are fine
                "-Xss2m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                EdgeInfer.class.getName()));
    command.addAll(List.of(args));
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(environment);
      Process process = builder.start();
      var stdout = process.getInputStream().readAllBytes();
      var stderr = process.getErrorStream().readAllBytes();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("edgeinfer " + String.join(" ", args) + " did not finish");
      }
      return new Result(
          process.exitValue(),
          new String(stdout, StandardCharsets.UTF_8),
          new String(stderr, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("could not start edgeinfer: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
