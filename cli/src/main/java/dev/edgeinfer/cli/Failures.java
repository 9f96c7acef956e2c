package dev.edgeinfer.cli;

import dev.edgeinfer.bench.BenchException;
import dev.edgeinfer.onnx.OnnxFormatException;
import dev.edgeinfer.pipeline.PipelineException;
import dev.edgeinfer.runtime.InferenceException;
import dev.edgeinfer.server.InferenceClientException;
import dev.edgeinfer.server.ServerException;
import dev.edgeinfer.tflite.TfliteException;
import java.io.PrintWriter;

/**
 * Turns any failure into one line on stderr and an exit code: 2 for what the user can fix, 1
 * otherwise.
 */
final class Failures {
  private Failures() {}

  static int report(Exception failure, boolean verbose, PrintWriter err) {
    int code =
        switch (failure) {
          case InferenceException e -> e.code().exitCode();
          case PipelineException e -> e.code().exitCode();
          case OnnxFormatException e -> 2;
          case BenchException e -> e.exitCode();
          case ServerException e ->
              switch (e.code()) {
                case BAD_REQUEST, NOT_FOUND -> 2;
                default -> 1;
              };
          case InferenceClientException e ->
              switch (e.code()) {
                case BAD_REQUEST, NOT_FOUND -> 2;
                default -> 1;
              };
          case UsageException e -> 2;
          case TfliteException e -> e.code().exitCode();
          default -> 1;
        };
    boolean known =
        code == 2
            || failure instanceof InferenceException
            || failure instanceof PipelineException
            || failure instanceof ServerException
            || failure instanceof InferenceClientException
            || failure instanceof BenchException
            || failure instanceof TfliteException;
    String message =
        known
            ? failure.getMessage()
            : "unexpected failure: "
                + failure
                + " (rerun with --verbose for the stack trace, and report it)";
    err.println("error: " + oneLine(message));
    if (verbose) {
      failure.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  private static String oneLine(String message) {
    return message == null ? "no detail" : message.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
