package dev.edgeinfer.pipeline;

import dev.edgeinfer.pipeline.spi.Sink;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A parsed {@code --sink} value: {@code console} or {@code jsonl:FILE}.
 *
 * @param kind which sink
 * @param path the file, for {@code jsonl}
 */
public record SinkSpec(Kind kind, Optional<Path> path) {

  /** The sink kinds the {@code run} command knows. */
  public enum Kind {
    CONSOLE,
    JSONL
  }

  public static SinkSpec parse(String spec) {
    String text = spec.trim();
    if (text.equals("console")) {
      return new SinkSpec(Kind.CONSOLE, Optional.empty());
    }
    if (text.startsWith("jsonl:") && text.length() > "jsonl:".length()) {
      return new SinkSpec(Kind.JSONL, Optional.of(Path.of(text.substring("jsonl:".length()))));
    }
    throw new PipelineException(
        PipelineException.Code.INVALID_SPEC,
        "unknown sink '" + spec + "': use console or jsonl:FILE");
  }

  /**
   * Opens the sink.
   *
   * @param console where the console sink prints
   * @param terminal whether {@code console} is an interactive terminal (refresh in place)
   */
  public Sink open(PrintStream console, boolean terminal) {
    return switch (kind) {
      case CONSOLE -> new ConsoleSink(console, terminal, 1_000_000_000L);
      case JSONL -> new JsonlSink(path.orElseThrow());
    };
  }
}
