package dev.edgeinfer.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How the REST front end listens.
 *
 * @param host the address to bind ({@code 0.0.0.0} for every interface, {@code 127.0.0.1} for
 *     loopback)
 * @param port the port; 0 picks a free one
 * @param bearerToken when present, inference and repository requests need {@code Authorization:
 *     Bearer <token>}
 * @param tls PEM certificate chain and private key (PKCS#8) for HTTPS, when present
 * @param maxRequestBytes larger request bodies get a 413
 * @param eventLoopThreads Netty I/O threads (parsing and encoding run there; inference does not)
 */
public record RestSettings(
    String host,
    int port,
    Optional<String> bearerToken,
    Optional<Tls> tls,
    int maxRequestBytes,
    int eventLoopThreads) {
  /** The default request size limit: 64 MiB. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 64 << 20;

  public RestSettings {
    if (host.isBlank()) {
      throw bad("the REST host must not be blank; use 0.0.0.0 or 127.0.0.1");
    }
    if (port < 0 || port > 65535) {
      throw bad("the HTTP port must be 0-65535, got " + port);
    }
    if (bearerToken.isPresent() && bearerToken.get().isBlank()) {
      throw bad("the bearer token is empty; put the token in the file");
    }
    if (maxRequestBytes < 1024) {
      throw bad("the request size limit must be at least 1024 bytes, got " + maxRequestBytes);
    }
    if (eventLoopThreads < 1) {
      throw bad("event loop threads must be >= 1, got " + eventLoopThreads);
    }
  }

  /** Plain HTTP on {@code host:port}, no token, the default size limit, up to 4 I/O threads. */
  public static RestSettings of(String host, int port) {
    return new RestSettings(
        host,
        port,
        Optional.empty(),
        Optional.empty(),
        DEFAULT_MAX_REQUEST_BYTES,
        Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  public RestSettings withBearerToken(String token) {
    return new RestSettings(host, port, Optional.of(token), tls, maxRequestBytes, eventLoopThreads);
  }

  public RestSettings withTls(Tls files) {
    return new RestSettings(
        host, port, bearerToken, Optional.of(files), maxRequestBytes, eventLoopThreads);
  }

  public RestSettings withMaxRequestBytes(int bytes) {
    return new RestSettings(host, port, bearerToken, tls, bytes, eventLoopThreads);
  }

  /**
   * Reads a token file (surrounding whitespace dropped); a missing or empty file is a BAD_REQUEST
   * naming it.
   */
  public static String readToken(Path file) {
    try {
      String token = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (token.isEmpty()) {
        throw bad("auth token file " + file + " is empty; put the token in it");
      }
      return token;
    } catch (IOException e) {
      throw bad("cannot read auth token file " + file + ": " + e.getMessage());
    }
  }

  /**
   * PEM files for HTTPS.
   *
   * @param certificate the certificate chain
   * @param privateKey the private key, PKCS#8 ({@code BEGIN PRIVATE KEY})
   */
  public record Tls(Path certificate, Path privateKey) {
    public Tls {
      for (Path file : new Path[] {certificate, privateKey}) {
        if (!Files.isReadable(file)) {
          throw bad(
              "TLS file "
                  + file
                  + " is not readable; give PEM files with --tls-cert and --tls-key");
        }
      }
    }
  }

  private static ServerException bad(String message) {
    return new ServerException(ServerException.Code.BAD_REQUEST, message);
  }
}
