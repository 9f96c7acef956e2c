package dev.edgeinfer.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How the gRPC front end listens: address and port, an optional bearer token every inference and
 * repository call must present, optional TLS, the largest message it accepts and the threads that
 * run calls. Start from {@link #of(String, int)} and change what differs with the {@code with...}
 * methods; each rejects a bad value at once with a {@code BAD_REQUEST} naming it.
 *
 * @param host the address to bind, {@code 0.0.0.0} for every interface
 * @param port the TCP port, 0 for an ephemeral one (see {@link GrpcFrontEnd#port()})
 * @param bearerToken the token clients send as {@code authorization: Bearer <token>} on inference
 *     and repository calls; empty for no authentication
 * @param tls the certificate chain and private key (PEM) to serve TLS with; empty for plaintext
 * @param maxMessageBytes the largest request message accepted, in bytes
 * @param threads the event-loop threads that carry connections, decode requests and encode
 *     responses
 * @param shutdownGrace how long {@link GrpcFrontEnd#close()} lets calls in flight finish
 */
public record GrpcSettings(
    String host,
    int port,
    Optional<String> bearerToken,
    Optional<Tls> tls,
    int maxMessageBytes,
    int threads,
    Duration shutdownGrace) {

  /** 64 MiB: a batch of images fits, a runaway client does not take the heap. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 << 20;

  public GrpcSettings {
    if (host.isBlank()) {
      throw bad("gRPC host must not be blank; use 0.0.0.0 for every interface");
    }
    if (port < 0 || port > 65535) {
      throw bad("gRPC port must be 0..65535 (0 = ephemeral), got " + port);
    }
    if (bearerToken.isPresent() && bearerToken.get().isBlank()) {
      throw bad("the bearer token must not be blank; leave it out to disable auth");
    }
    if (maxMessageBytes <= 0) {
      throw bad("max message size must be > 0 bytes, got " + maxMessageBytes);
    }
    if (threads <= 0) {
      throw bad("gRPC threads must be > 0, got " + threads);
    }
    if (shutdownGrace.isNegative()) {
      throw bad("shutdown grace must not be negative, got " + shutdownGrace);
    }
  }

  /**
   * Plaintext gRPC on {@code host:port} ({@code 0.0.0.0} for every interface, port 0 for a free
   * one), no token, 64 MiB messages, one thread per core and 5 seconds for calls in flight at
   * shutdown.
   */
  public static GrpcSettings of(String host, int port) {
    return new GrpcSettings(
        host,
        port,
        Optional.empty(),
        Optional.empty(),
        DEFAULT_MAX_MESSAGE_BYTES,
        Runtime.getRuntime().availableProcessors(),
        Duration.ofSeconds(5));
  }

  public GrpcSettings withHost(String host) {
    return new GrpcSettings(host, port, bearerToken, tls, maxMessageBytes, threads, shutdownGrace);
  }

  public GrpcSettings withBearerToken(String token) {
    return new GrpcSettings(
        host, port, Optional.of(token.strip()), tls, maxMessageBytes, threads, shutdownGrace);
  }

  /** TLS with a PEM certificate chain and its PKCS#8 PEM private key. */
  public GrpcSettings withTls(Path certificateChain, Path privateKey) {
    return new GrpcSettings(
        host,
        port,
        bearerToken,
        Optional.of(new Tls(certificateChain, privateKey)),
        maxMessageBytes,
        threads,
        shutdownGrace);
  }

  public GrpcSettings withMaxMessageBytes(int bytes) {
    return new GrpcSettings(host, port, bearerToken, tls, bytes, threads, shutdownGrace);
  }

  public GrpcSettings withThreads(int count) {
    return new GrpcSettings(host, port, bearerToken, tls, maxMessageBytes, count, shutdownGrace);
  }

  public GrpcSettings withShutdownGrace(Duration grace) {
    return new GrpcSettings(host, port, bearerToken, tls, maxMessageBytes, threads, grace);
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "GrpcSettings[host="
        + host
        + ", port="
        + port
        + ", bearerToken="
        + (bearerToken.isPresent() ? "<set>" : "<none>")
        + ", tls="
        + tls
        + ", maxMessageBytes="
        + maxMessageBytes
        + ", threads="
        + threads
        + ", shutdownGrace="
        + shutdownGrace
        + "]";
  }

  /**
   * TLS key material in PEM files.
   *
   * @param certificateChain the server's certificate chain
   * @param privateKey its private key (PKCS#8)
   */
  public record Tls(Path certificateChain, Path privateKey) {
    public Tls {
      for (Path file : new Path[] {certificateChain, privateKey}) {
        if (!Files.isReadable(file)) {
          throw bad("TLS file " + file + " does not exist or cannot be read; pass a PEM file");
        }
      }
    }
  }

  private static ServerException bad(String message) {
    return new ServerException(ServerException.Code.BAD_REQUEST, message);
  }
}
