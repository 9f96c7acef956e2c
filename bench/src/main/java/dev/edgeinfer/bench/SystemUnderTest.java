package dev.edgeinfer.bench;

import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.ModelSignature;
import dev.edgeinfer.runtime.Tensor;
import dev.edgeinfer.server.InferenceClient;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark measures (MLPerf's "system under test"): a model loaded in this process, or a
 * model behind a KServe v2 server reached over REST or gRPC. The load generator only prepares
 * queries and runs them; everything a query costs on the way counts.
 */
public interface SystemUnderTest {

  /** A model in this process, run through {@link Model#run}: the path every command takes. */
  static SystemUnderTest of(Model model) {
    return new InProcessModel(model);
  }

  /**
   * A model served by a KServe v2 server; reads its metadata once.
   *
   * @param client a connected client (the caller closes it)
   * @param model the model's name on the server
   * @param address how reports name the server, e.g. {@code grpc://localhost:8001}
   */
  static SystemUnderTest remote(InferenceClient client, String model, String address) {
    return RemoteModel.connect(client, model, address);
  }

  /** The inputs the model takes and the outputs it gives. */
  ModelSignature signature();

  /** Where queries run, as reports show it, e.g. {@code CPU} or {@code rest http://host:8000}. */
  String provider();

  /** Whether queries run on a GPU this process can meter. */
  boolean gpu();

  /** Whether energy meters on this machine see the work (false when the server is elsewhere). */
  boolean meteredHere();

  /**
   * Prepares a query on these inputs (encoding them once, where the transport needs that); each run
   * of the returned query sends them once and discards the outputs. The inputs stay the caller's.
   */
  Query prepare(Map<String, Tensor> inputs);

  /** Runs the inputs once and returns every output in the model's order; the caller closes them. */
  List<Tensor> predict(Map<String, Tensor> inputs);

  /** One prepared query. */
  @FunctionalInterface
  interface Query {
    void run();
  }
}
