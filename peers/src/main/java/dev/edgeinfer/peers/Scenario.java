package dev.edgeinfer.peers;

import java.util.Locale;

/** The two MLPerf-style scenarios the comparison runs. */
public enum Scenario {
  /** One query of one sample at a time, back to back: per-query latency percentiles. */
  SINGLE_STREAM,
  /** Batches back to back: samples per second, at each engine's best batch size. */
  OFFLINE;

  public static Scenario parse(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "single-stream" -> SINGLE_STREAM;
      case "offline" -> OFFLINE;
      default ->
          throw new PeerException(
              PeerException.Code.USAGE,
              "unknown scenario '" + name + "': use single-stream or offline");
    };
  }

  /** The name used on the command line and in reports. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
