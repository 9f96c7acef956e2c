package dev.edgeinfer.server;

import dev.edgeinfer.server.grpc.GRPCInferenceServiceGrpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Checks {@code authorization: Bearer <token>} on every call except the health checks (ServerLive,
 * ServerReady, ModelReady), which orchestrators probe without credentials. The comparison takes the
 * same time whatever the presented token, so timing reveals nothing about the real one. With no
 * token configured every call passes. Thread-safe.
 */
final class GrpcBearerAuth implements ServerInterceptor {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Set<String> GUARDED =
      Set.of(
          GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName(),
          GRPCInferenceServiceGrpc.getModelStreamInferMethod().getFullMethodName(),
          GRPCInferenceServiceGrpc.getRepositoryIndexMethod().getFullMethodName(),
          GRPCInferenceServiceGrpc.getRepositoryModelLoadMethod().getFullMethodName(),
          GRPCInferenceServiceGrpc.getRepositoryModelUnloadMethod().getFullMethodName());

  private final Optional<byte[]> expectedDigest;

  GrpcBearerAuth(Optional<String> token) {
    this.expectedDigest = token.map(GrpcBearerAuth::digest);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (expectedDigest.isEmpty()
        || !GUARDED.contains(call.getMethodDescriptor().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    String presented = headers.get(AUTHORIZATION);
    String problem;
    if (presented == null) {
      problem = "this server needs a bearer token: send metadata 'authorization: Bearer <token>'";
    } else if (!presented.regionMatches(true, 0, "Bearer ", 0, 7)) {
      problem =
          "the authorization metadata must read 'Bearer <token>', got scheme '"
              + presented.split(" ", 2)[0].toLowerCase(Locale.ROOT)
              + "'";
    } else if (!MessageDigest.isEqual(
        expectedDigest.get(), digest(presented.substring(7).strip()))) {
      problem = "the bearer token is wrong; check the token file the server was started with";
    } else {
      return next.startCall(call, headers);
    }
    call.close(Status.UNAUTHENTICATED.withDescription(problem), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /** Compares digests, not tokens, so that even the token's length does not leak. */
  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
