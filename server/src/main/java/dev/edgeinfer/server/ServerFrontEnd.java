package dev.edgeinfer.server;

import java.net.InetSocketAddress;

/**
 * A protocol front end listening on a port and answering through an {@link InferenceService}: the
 * KServe v2 REST one ({@link #rest}), and the gRPC one. Started by its factory; {@link #close()}
 * stops accepting, lets requests in flight finish and frees the port. Thread-safe.
 */
public interface ServerFrontEnd extends AutoCloseable {

  /**
   * Starts the KServe v2 REST front end (plus {@code /metrics}); a port in use is an UNAVAILABLE.
   */
  static ServerFrontEnd rest(InferenceService service, RestSettings settings) {
    return RestFrontEnd.start(service, settings);
  }

  /** {@code http}, {@code https} or {@code grpc}. */
  String protocol();

  /** The address it listens on (with the real port when port 0 was asked for). */
  InetSocketAddress address();

  /** Where clients reach it, e.g. {@code http://0.0.0.0:8000}. */
  default String endpoint() {
    InetSocketAddress address = address();
    String host =
        address.getAddress() == null
            ? address.getHostString()
            : address.getAddress().isAnyLocalAddress()
                ? "0.0.0.0"
                : address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return protocol() + "://" + host + ":" + address.getPort();
  }

  /** Idempotent. */
  @Override
  void close();
}
