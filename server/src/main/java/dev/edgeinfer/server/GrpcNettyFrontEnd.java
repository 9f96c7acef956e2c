package dev.edgeinfer.server;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link GrpcFrontEnd} on grpc-java's shaded Netty transport: one acceptor thread, {@code threads}
 * event-loop threads that carry the HTTP/2 connections and also decode requests and encode
 * responses (inference itself runs on the service's pool, so no call blocks a loop), and one
 * control thread for the repository calls, which load models. The thread count stays flat however
 * many clients connect, and a call costs no hand-off between threads on its way in.
 */
final class GrpcNettyFrontEnd implements GrpcFrontEnd {
  private final Server server;
  private final ExecutorService control;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final GrpcSettings settings;
  private boolean closed;

  private GrpcNettyFrontEnd(
      Server server,
      ExecutorService control,
      EventLoopGroup boss,
      EventLoopGroup workers,
      GrpcSettings settings) {
    this.server = server;
    this.control = control;
    this.boss = boss;
    this.workers = workers;
    this.settings = settings;
  }

  static GrpcNettyFrontEnd start(InferenceService service, GrpcSettings settings) {
    ServerCredentials credentials = credentials(settings);
    ExecutorService control = Executors.newSingleThreadExecutor(threads("edgeinfer-grpc-control-"));
    EventLoopGroup boss =
        new MultiThreadIoEventLoopGroup(
            1, threads("edgeinfer-grpc-accept-"), NioIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(
            settings.threads(), threads("edgeinfer-grpc-io-"), NioIoHandler.newFactory());
    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(settings.host(), settings.port()), credentials)
            .channelType(NioServerSocketChannel.class)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .directExecutor()
            .maxInboundMessageSize(settings.maxMessageBytes())
            .addService(
                ServerInterceptors.intercept(
                    new GrpcInferenceEndpoint(service, control),
                    new GrpcBearerAuth(settings.bearerToken())))
            .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      server.shutdownNow();
      control.shutdownNow();
      boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new ServerException(
          ServerException.Code.UNAVAILABLE,
          "cannot serve gRPC on "
              + settings.host()
              + ":"
              + settings.port()
              + ": "
              + e.getMessage()
              + "; choose a free port (--grpc-port) or stop the process that holds it",
          e);
    }
    return new GrpcNettyFrontEnd(server, control, boss, workers, settings);
  }

  private static ServerCredentials credentials(GrpcSettings settings) {
    if (settings.tls().isEmpty()) {
      return InsecureServerCredentials.create();
    }
    GrpcSettings.Tls tls = settings.tls().get();
    try {
      return TlsServerCredentials.create(
          tls.certificateChain().toFile(), tls.privateKey().toFile());
    } catch (IOException | RuntimeException e) {
      throw new ServerException(
          ServerException.Code.UNAVAILABLE,
          "cannot use TLS certificate "
              + tls.certificateChain()
              + " with key "
              + tls.privateKey()
              + ": "
              + e.getMessage()
              + "; pass a PEM certificate chain and its PKCS#8 PEM private key",
          e);
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger next = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + next.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public String protocol() {
    return settings.tls().isPresent() ? "grpcs" : "grpc";
  }

  @Override
  public InetSocketAddress address() {
    return new InetSocketAddress(settings.host(), server.getPort());
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    try {
      if (!server.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      control.shutdownNow();
      boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public String toString() {
    return "GrpcFrontEnd on " + endpoint();
  }
}
