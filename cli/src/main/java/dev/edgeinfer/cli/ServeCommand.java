package dev.edgeinfer.cli;

import dev.edgeinfer.server.GrpcFrontEnd;
import dev.edgeinfer.server.GrpcSettings;
import dev.edgeinfer.server.InferenceService;
import dev.edgeinfer.server.RestSettings;
import dev.edgeinfer.server.ServerFrontEnd;
import dev.edgeinfer.server.ServerSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgeinfer serve}: models as a KServe v2 service (REST and gRPC) with metrics, until
 * SIGINT/SIGTERM.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serve models over the KServe v2 / Open Inference Protocol (Triton-compatible), with dynamic batching,",
      "hot reload and Prometheus metrics at GET /metrics. Runs until Ctrl-C or SIGTERM."
    })
final class ServeCommand implements Callable<Integer> {
  private static final String HOST = "0.0.0.0";

  @Option(
      names = "--model-repository",
      paramLabel = "DIR",
      description =
          "A model repository: DIR/<model>/<version>/model.onnx [+ DIR/<model>/config.json]; repeatable.")
  List<Path> repositories = new ArrayList<>();

  @Option(
      names = "--model",
      paramLabel = "FILE[:NAME]",
      description =
          "A single model file served as version 1 of NAME (default: the file name); repeatable.")
  List<String> models = new ArrayList<>();

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      defaultValue = "8000",
      description = "KServe v2 REST and /metrics port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--grpc-port",
      paramLabel = "PORT",
      defaultValue = "8001",
      description = "KServe v2 gRPC port (default: ${DEFAULT-VALUE}).")
  int grpcPort;

  @Option(
      names = "--auth-token-file",
      paramLabel = "FILE",
      description =
          "Require 'Authorization: Bearer <token in FILE>' on inference and repository requests.")
  Optional<Path> authTokenFile;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "PEM certificate chain: serve HTTPS/TLS.")
  Optional<Path> tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM private key (PKCS#8) for --tls-cert.")
  Optional<Path> tlsKey;

  @Option(
      names = "--model-control",
      paramLabel = "MODE",
      defaultValue = "explicit",
      description =
          "explicit: models change only through POST /v2/repository/models/{m}/load|unload;"
              + " poll: the repositories are also re-read every 5 s (default: ${DEFAULT-VALUE}).")
  String modelControl;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "ONNX Runtime threads per model unless its config says (0 = one per core; default: ${DEFAULT-VALUE}).")
  int threads;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    ServerSettings settings = settings();
    Optional<String> token = authTokenFile.map(RestSettings::readToken);
    RestSettings rest = restSettings(token);
    checkPort("--grpc-port", grpcPort);
    PrintWriter out = spec.commandLine().getOut();
    List<AutoCloseable> open = new ArrayList<>();
    InferenceService service = InferenceService.open(settings);
    open.add(service);
    CountDownLatch stopped = new CountDownLatch(1);
    try {
      ServerFrontEnd http = ServerFrontEnd.rest(service, rest);
      open.addFirst(http);
      out.println("listening: " + http.endpoint() + " (KServe v2 REST, metrics at /metrics)");

      GrpcSettings grpcSettings = GrpcSettings.of(HOST, grpcPort);
      if (token.isPresent()) {
        grpcSettings = grpcSettings.withBearerToken(token.get());
      }
      if (tlsCert.isPresent()) {
        grpcSettings = grpcSettings.withTls(tlsCert.get(), tlsKey.orElseThrow());
      }
      GrpcFrontEnd grpc = GrpcFrontEnd.start(service, grpcSettings);
      open.addFirst(grpc);
      out.println(
          "listening: " + grpc.endpoint() + " (KServe v2 gRPC, inference.GRPCInferenceService)");
      out.flush();
    } catch (RuntimeException e) {
      closeAll(open);
      throw e;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  closeAll(open);
                  stopped.countDown();
                },
                "edgeinfer-serve-shutdown"));
    stopped.await();
    return 0;
  }

  private ServerSettings settings() {
    if (repositories.isEmpty() && models.isEmpty()) {
      throw new UsageException(
          "nothing to serve: give --model-repository DIR or --model FILE[:NAME]");
    }
    if (threads < 0) {
      throw new UsageException("--threads must be >= 0 (0 = one per core), got " + threads);
    }
    ServerSettings.Builder builder =
        ServerSettings.builder()
            .control(ServerSettings.ModelControl.parse(modelControl))
            .threads(threads);
    for (Path repository : repositories) {
      if (!Files.isDirectory(repository)) {
        throw new UsageException(
            "--model-repository "
                + repository
                + " is not a directory; give a folder of <model>/<version>/model.onnx");
      }
      builder.repository(repository);
    }
    for (String model : models) {
      int colon = model.lastIndexOf(':');
      boolean named =
          colon > 0 && colon < model.length() - 1 && !model.substring(colon + 1).contains("/");
      Path file = Path.of(named ? model.substring(0, colon) : model);
      String name =
          named
              ? model.substring(colon + 1)
              : file.getFileName().toString().replaceFirst("\\.(onnx|tflite)$", "");
      if (!Files.isRegularFile(file)) {
        throw new UsageException(
            "--model "
                + file
                + " is not a file; give an .onnx or .tflite file, optionally FILE:NAME");
      }
      builder.model(name, file);
    }
    return builder.build();
  }

  private RestSettings restSettings(Optional<String> token) {
    checkPort("--http-port", httpPort);
    RestSettings rest = RestSettings.of(HOST, httpPort);
    if (token.isPresent()) {
      rest = rest.withBearerToken(token.get());
    }
    if (tlsCert.isPresent() != tlsKey.isPresent()) {
      throw new UsageException(
          "--tls-cert and --tls-key go together: give both PEM files, or neither");
    }
    if (tlsCert.isPresent()) {
      rest = rest.withTls(new RestSettings.Tls(tlsCert.get(), tlsKey.get()));
    }
    return rest;
  }

  private static void checkPort(String option, int port) {
    if (port < 0 || port > 65535) {
      throw new UsageException(option + " must be 0-65535 (0 = any free port), got " + port);
    }
  }

  private static void closeAll(List<AutoCloseable> open) {
    for (AutoCloseable resource : open) {
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("warning: closing " + resource + " failed: " + e.getMessage());
      }
    }
  }
}
