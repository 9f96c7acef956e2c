package dev.edgeinfer.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How an {@link InferenceClient} connects: an optional bearer token, TLS and what it trusts, and
 * the time one call may take. Start from {@link #defaults()}.
 *
 * @param bearerToken sent as {@code authorization: Bearer <token>}; empty for none
 * @param tls whether gRPC uses TLS (REST follows its URI's scheme)
 * @param trustedCertificates PEM certificates to trust instead of the JDK's defaults, e.g. a
 *     self-signed server's; implies TLS
 * @param timeout the longest one call may take, connecting included
 */
public record ClientOptions(
    Optional<String> bearerToken,
    boolean tls,
    Optional<Path> trustedCertificates,
    Duration timeout) {

  public ClientOptions {
    if (bearerToken.isPresent() && bearerToken.get().isBlank()) {
      throw new IllegalArgumentException(
          "the bearer token must not be blank; leave it out instead");
    }
    if (trustedCertificates.isPresent() && !Files.isReadable(trustedCertificates.get())) {
      throw new IllegalArgumentException(
          "trusted certificates file "
              + trustedCertificates.get()
              + " does not exist or cannot be read; pass a PEM file");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the call timeout must be positive, got " + timeout);
    }
    tls = tls || trustedCertificates.isPresent();
  }

  /** No token, plaintext gRPC, 30 seconds per call. */
  public static ClientOptions defaults() {
    return new ClientOptions(Optional.empty(), false, Optional.empty(), Duration.ofSeconds(30));
  }

  public ClientOptions withBearerToken(String token) {
    return new ClientOptions(Optional.of(token.strip()), tls, trustedCertificates, timeout);
  }

  /** TLS trusting the JDK's default certificate authorities. */
  public ClientOptions withTls() {
    return new ClientOptions(bearerToken, true, trustedCertificates, timeout);
  }

  /** TLS trusting the certificates in this PEM file. */
  public ClientOptions withTrustedCertificates(Path pem) {
    return new ClientOptions(bearerToken, true, Optional.of(pem), timeout);
  }

  public ClientOptions withTimeout(Duration limit) {
    return new ClientOptions(bearerToken, tls, trustedCertificates, limit);
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "ClientOptions[bearerToken="
        + (bearerToken.isPresent() ? "<set>" : "<none>")
        + ", tls="
        + tls
        + ", trustedCertificates="
        + trustedCertificates
        + ", timeout="
        + timeout
        + "]";
  }
}
