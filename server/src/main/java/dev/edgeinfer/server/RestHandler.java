package dev.edgeinfer.server;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Routes the KServe v2 REST endpoints of one connection to the {@link InferenceService}. Every
 * failure becomes a {@code {"error": "..."}} answer with the status of its {@link
 * ServerException.Code}; nothing a client sends closes more than its own connection.
 */
final class RestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final System.Logger LOG = System.getLogger(RestHandler.class.getName());
  static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  /** What every connection's handler shares. */
  record Shared(InferenceService service, Optional<String> bearerToken, Executor control) {}

  private final Shared shared;

  /** The last response of this connection to be written; touched only on its event loop. */
  private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

  RestHandler(Shared shared) {
    this.shared = shared;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (request.decoderResult().isFailure()) {
      send(
          ctx,
          error(
              HttpResponseStatus.BAD_REQUEST,
              "malformed HTTP request: "
                  + ModelConfigFile.firstLine(String.valueOf(request.decoderResult().cause()))),
          false);
      return;
    }
    CompletableFuture<FullHttpResponse> response;
    try {
      response = route(request);
    } catch (RuntimeException e) {
      response = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<FullHttpResponse> answer =
        response.handle((ok, failure) -> failure == null ? ok : error(failure));
    // pipelined requests are answered in the order they came, whatever order they finish in
    previous = previous.thenCompose(written -> answer).thenAccept(ok -> send(ctx, ok, keepAlive));
  }

  private CompletableFuture<FullHttpResponse> route(FullHttpRequest request) {
    String path = new QueryStringDecoder(request.uri()).rawPath();
    List<String> parts = segments(path);
    HttpMethod method = request.method();
    InferenceService service = shared.service();
    if (parts.size() == 1 && parts.getFirst().equals("metrics")) {
      requireMethod(method, HttpMethod.GET);
      return done(text(PrometheusMetrics.render(service.statistics())));
    }
    if (parts.isEmpty() || !parts.getFirst().equals("v2")) {
      throw notFound(path);
    }
    if (parts.size() == 1) {
      requireMethod(method, HttpMethod.GET);
      return done(json(serverMetadata(service.metadata())));
    }
    switch (parts.get(1)) {
      case "health" -> {
        requireMethod(method, HttpMethod.GET);
        if (parts.size() != 3 || !(parts.get(2).equals("live") || parts.get(2).equals("ready"))) {
          throw notFound(path);
        }
        boolean up = parts.get(2).equals("live") ? service.live() : service.ready();
        return done(
            up
                ? empty(HttpResponseStatus.OK)
                : error(
                    HttpResponseStatus.SERVICE_UNAVAILABLE, "the server is not " + parts.get(2)));
      }
      case "models" -> {
        return model(request, parts, path);
      }
      case "repository" -> {
        requireMethod(method, HttpMethod.POST);
        authorize(request);
        if (parts.size() == 3 && parts.get(2).equals("index")) {
          return onControl(() -> json(repositoryIndex(service.repositoryIndex())));
        }
        if (parts.size() == 5 && parts.get(2).equals("models")) {
          String model = parts.get(3);
          switch (parts.get(4)) {
            case "load" -> {
              return onControl(
                  () -> {
                    service.loadModel(model);
                    return empty(HttpResponseStatus.OK);
                  });
            }
            case "unload" -> {
              return onControl(
                  () -> {
                    service.unloadModel(model);
                    return empty(HttpResponseStatus.OK);
                  });
            }
            default -> throw notFound(path);
          }
        }
        throw notFound(path);
      }
      default -> throw notFound(path);
    }
  }

  /** {@code /v2/models/{m}[/versions/{v}][/ready | /infer]}. */
  private CompletableFuture<FullHttpResponse> model(
      FullHttpRequest request, List<String> parts, String path) {
    if (parts.size() < 3) {
      throw notFound(path);
    }
    String model = parts.get(2);
    Optional<String> version = Optional.empty();
    int next = 3;
    if (parts.size() >= 5 && parts.get(3).equals("versions")) {
      version = Optional.of(parts.get(4));
      next = 5;
    }
    String action = parts.size() == next ? "" : parts.size() == next + 1 ? parts.get(next) : null;
    InferenceService service = shared.service();
    if (action == null) {
      throw notFound(path);
    }
    switch (action) {
      case "" -> {
        requireMethod(request.method(), HttpMethod.GET);
        return done(json(modelMetadata(service.modelMetadata(model, version))));
      }
      case "ready" -> {
        requireMethod(request.method(), HttpMethod.GET);
        return done(
            service.modelReady(model, version)
                ? empty(HttpResponseStatus.OK)
                : error(
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "model '"
                        + model
                        + "'"
                        + version.map(v -> " version " + v).orElse("")
                        + " is not ready"));
      }
      case "infer" -> {
        requireMethod(request.method(), HttpMethod.POST);
        authorize(request);
        return infer(request, model, version);
      }
      default -> throw notFound(path);
    }
  }

  private CompletableFuture<FullHttpResponse> infer(
      FullHttpRequest http, String model, Optional<String> version) {
    ModelRepository.checkName(model);
    byte[] body = ByteBufUtil.getBytes(http.content());
    Optional<Integer> headerLength =
        Optional.ofNullable(http.headers().get(HEADER_LENGTH))
            .map(
                value -> {
                  try {
                    return Integer.parseInt(value.trim());
                  } catch (NumberFormatException e) {
                    throw new ServerException(
                        ServerException.Code.BAD_REQUEST,
                        HEADER_LENGTH + " must be a byte count, got '" + value + "'");
                  }
                });
    RestInferRequest parsed = RestInferRequest.parse(model, version, body, headerLength);
    return shared
        .service()
        .infer(parsed.request())
        .thenApply(
            response -> {
              RestInferResponse encoded = RestInferResponse.encode(response, parsed);
              if (!encoded.hasBinary()) {
                return json(encoded.json());
              }
              List<ByteBuffer> parts = new ArrayList<>();
              parts.add(ByteBuffer.wrap(encoded.json()));
              parts.addAll(encoded.binary());
              FullHttpResponse out =
                  new DefaultFullHttpResponse(
                      HttpVersion.HTTP_1_1,
                      HttpResponseStatus.OK,
                      Unpooled.wrappedBuffer(parts.toArray(ByteBuffer[]::new)));
              out.headers()
                  .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
              out.headers().set(HEADER_LENGTH, encoded.json().length);
              return out;
            });
  }

  private CompletableFuture<FullHttpResponse> onControl(Supplier<FullHttpResponse> work) {
    return CompletableFuture.supplyAsync(work, shared.control());
  }

  private void authorize(FullHttpRequest request) {
    if (shared.bearerToken().isEmpty()) {
      return;
    }
    String header =
        Optional.ofNullable(request.headers().get(HttpHeaderNames.AUTHORIZATION)).orElse("");
    if (!MessageDigest.isEqual(
        sha256("Bearer " + shared.bearerToken().get()), sha256(header.trim()))) {
      throw new ServerException(
          ServerException.Code.UNAUTHORIZED,
          "missing or wrong bearer token; send "
              + "'Authorization: Bearer <token>' with the server's token");
    }
  }

  /** Hashing first makes the comparison take the same time whatever the lengths. */
  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static void requireMethod(HttpMethod actual, HttpMethod expected) {
    if (!actual.equals(expected)) {
      throw new MethodNotAllowed(expected);
    }
  }

  /** A request with the wrong HTTP method (405). */
  private static final class MethodNotAllowed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MethodNotAllowed(HttpMethod allowed) {
      super("use " + allowed + " for this endpoint");
    }
  }

  private static ServerException notFound(String path) {
    String shown = path.length() > 100 ? path.substring(0, 100) + "..." : path;
    return new ServerException(
        ServerException.Code.NOT_FOUND,
        "no endpoint "
            + shown.replaceAll("\\p{Cntrl}", "?")
            + "; see GET /v2, /v2/models/{model}, POST /v2/models/{model}/infer, /metrics");
  }

  private static List<String> segments(String path) {
    List<String> parts = new ArrayList<>();
    for (String raw : path.split("/")) {
      if (!raw.isEmpty()) {
        parts.add(QueryStringDecoder.decodeComponent(raw));
      }
    }
    return parts;
  }

  private static byte[] serverMetadata(InferenceService.ServerMetadata metadata) {
    return writeJson(
        json -> {
          json.writeStartObject();
          json.writeStringField("name", metadata.name());
          json.writeStringField("version", metadata.version());
          json.writeArrayFieldStart("extensions");
          for (String extension : metadata.extensions()) {
            json.writeString(extension);
          }
          json.writeEndArray();
          json.writeEndObject();
        });
  }

  private static byte[] modelMetadata(InferenceService.ModelMetadata metadata) {
    return writeJson(
        json -> {
          json.writeStartObject();
          json.writeStringField("name", metadata.name());
          json.writeArrayFieldStart("versions");
          for (String version : metadata.versions()) {
            json.writeString(version);
          }
          json.writeEndArray();
          json.writeStringField("platform", metadata.platform());
          for (var group : List.of(List.of("inputs"), List.of("outputs"))) {
            String field = group.getFirst();
            json.writeArrayFieldStart(field);
            for (InferenceService.TensorMetadata tensor :
                field.equals("inputs") ? metadata.inputs() : metadata.outputs()) {
              json.writeStartObject();
              json.writeStringField("name", tensor.name());
              json.writeStringField("datatype", tensor.datatype().name());
              json.writeArrayFieldStart("shape");
              for (long d : tensor.shape()) {
                json.writeNumber(d);
              }
              json.writeEndArray();
              json.writeEndObject();
            }
            json.writeEndArray();
          }
          json.writeEndObject();
        });
  }

  private static byte[] repositoryIndex(List<InferenceService.RepositoryEntry> entries) {
    return writeJson(
        json -> {
          json.writeStartArray();
          for (InferenceService.RepositoryEntry entry : entries) {
            json.writeStartObject();
            json.writeStringField("name", entry.name());
            if (!entry.version().isEmpty()) {
              json.writeStringField("version", entry.version());
            }
            json.writeStringField("state", entry.state());
            if (!entry.reason().isEmpty()) {
              json.writeStringField("reason", entry.reason());
            }
            json.writeEndObject();
          }
          json.writeEndArray();
        });
  }

  private interface JsonBody {
    void write(JsonGenerator json) throws IOException;
  }

  private static byte[] writeJson(JsonBody body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = RestInferRequest.JSON.createGenerator(out, JsonEncoding.UTF8)) {
      body.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  private static FullHttpResponse json(byte[] body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    return response;
  }

  private static FullHttpResponse text(String body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK,
            Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    return response;
  }

  private static FullHttpResponse empty(HttpResponseStatus status) {
    return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
  }

  private static FullHttpResponse error(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof MethodNotAllowed e) {
      return error(HttpResponseStatus.METHOD_NOT_ALLOWED, e.getMessage());
    }
    ServerException error = ServerException.from(cause);
    if (error.code() == ServerException.Code.INTERNAL) {
      LOG.log(System.Logger.Level.WARNING, "request failed: " + error.getMessage(), cause);
    }
    return error(HttpResponseStatus.valueOf(error.code().httpStatus()), error.getMessage());
  }

  static FullHttpResponse error(HttpResponseStatus status, String message) {
    String line = message == null ? "no detail" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    FullHttpResponse response =
        json(
            writeJson(
                json -> {
                  json.writeStartObject();
                  json.writeStringField("error", line);
                  json.writeEndObject();
                }));
    response.setStatus(status);
    return response;
  }

  private static void send(
      ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    ByteBuf content = response.content();
    HttpUtil.setContentLength(response, content.readableBytes());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(
        System.Logger.Level.DEBUG,
        "connection " + ctx.channel().remoteAddress() + " failed: " + cause);
    ctx.close();
  }
}
