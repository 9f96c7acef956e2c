package dev.edgeinfer.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The KServe v2 REST front end on Netty: HTTP/1.1 with keep-alive, optional TLS, a request size
 * limit, and a {@link RestHandler} per connection. Parsing and encoding run on the event loops;
 * inference runs on the service's pool; repository changes on one control thread.
 */
final class RestFrontEnd implements ServerFrontEnd {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ExecutorService control;
  private final Channel channel;
  private final String protocol;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RestFrontEnd(
      EventLoopGroup boss,
      EventLoopGroup workers,
      ExecutorService control,
      Channel channel,
      String protocol) {
    this.boss = boss;
    this.workers = workers;
    this.control = control;
    this.channel = channel;
    this.protocol = protocol;
  }

  static RestFrontEnd start(InferenceService service, RestSettings settings) {
    Optional<SslContext> tls = settings.tls().map(RestFrontEnd::sslContext);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(settings.eventLoopThreads(), NioIoHandler.newFactory());
    ExecutorService control =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "edgeinfer-repository");
              thread.setDaemon(true);
              return thread;
            });
    RestHandler.Shared shared = new RestHandler.Shared(service, settings.bearerToken(), control);
    try {
      Channel channel =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      tls.ifPresent(
                          context -> ch.pipeline().addLast(context.newHandler(ch.alloc())));
                      ch.pipeline().addLast(new HttpServerCodec(8192, 16384, 65536));
                      ch.pipeline().addLast(new HttpServerKeepAliveHandler());
                      ch.pipeline().addLast(new SizeLimit(settings.maxRequestBytes()));
                      ch.pipeline().addLast(new RestHandler(shared));
                    }
                  })
              .bind(settings.host(), settings.port())
              .syncUninterruptibly()
              .channel();
      return new RestFrontEnd(boss, workers, control, channel, tls.isPresent() ? "https" : "http");
    } catch (RuntimeException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      control.shutdownNow();
      throw new ServerException(
          ServerException.Code.UNAVAILABLE,
          "cannot listen on "
              + settings.host()
              + ":"
              + settings.port()
              + " ("
              + e.getMessage()
              + "); is the port in use? pick another with --http-port",
          e);
    }
  }

  private static SslContext sslContext(RestSettings.Tls files) {
    try {
      return SslContextBuilder.forServer(files.certificate().toFile(), files.privateKey().toFile())
          .build();
    } catch (Exception e) {
      throw new ServerException(
          ServerException.Code.BAD_REQUEST,
          "cannot use TLS certificate "
              + files.certificate()
              + " and key "
              + files.privateKey()
              + ": "
              + ModelConfigFile.firstLine(e.getMessage())
              + "; give a PEM certificate chain and a PKCS#8 PEM key (BEGIN PRIVATE KEY)",
          e);
    }
  }

  @Override
  public String protocol() {
    return protocol;
  }

  @Override
  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    channel.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    control.shutdown();
  }

  /**
   * Aggregates a request up to the limit; a larger one gets a 413 with a JSON error and the
   * connection closes.
   */
  private static final class SizeLimit extends HttpObjectAggregator {
    private final int limit;

    SizeLimit(int limit) {
      super(limit, true);
      this.limit = limit;
    }

    /**
     * A request announced with {@code Expect: 100-continue} and too large gets the same JSON 413.
     */
    @Override
    protected Object newContinueResponse(
        HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
      Object response = super.newContinueResponse(start, maxContentLength, pipeline);
      if (response instanceof FullHttpResponse full
          && full.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)) {
        full.release();
        return tooLarge();
      }
      return response;
    }

    private FullHttpResponse tooLarge() {
      FullHttpResponse response =
          RestHandler.error(
              HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
              "the request body is "
                  + "larger than the server's limit of "
                  + limit
                  + " bytes; send less per request");
      HttpUtil.setContentLength(response, response.content().readableBytes());
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      return response;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      ctx.writeAndFlush(tooLarge()).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
