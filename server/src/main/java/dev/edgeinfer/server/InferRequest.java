package dev.edgeinfer.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One inference request, protocol-neutral.
 *
 * @param model the model name
 * @param version a specific version, or empty for the one the version policy serves by default
 * @param id the client's request id, echoed in the response
 * @param inputs the input tensors
 * @param outputs the outputs asked for (empty = all), each as JSON or binary
 * @param timeout the longest this request may wait in its model's queue before it fails with 503
 *     (the protocol's {@code timeout} parameter, in microseconds); empty for the model's {@code
 *     default_timeout_microseconds}
 */
public record InferRequest(
    String model,
    Optional<String> version,
    Optional<String> id,
    List<InferTensor> inputs,
    List<RequestedOutput> outputs,
    Optional<Duration> timeout) {
  public InferRequest {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    if (timeout.isPresent() && (timeout.get().isNegative() || timeout.get().isZero())) {
      throw new ServerException(
          ServerException.Code.BAD_REQUEST,
          "the timeout parameter must be a positive number of microseconds, got "
              + timeout.get().toNanos() / 1000);
    }
  }

  /** A request that waits as long as its model's configuration allows. */
  public InferRequest(
      String model,
      Optional<String> version,
      Optional<String> id,
      List<InferTensor> inputs,
      List<RequestedOutput> outputs) {
    this(model, version, id, inputs, outputs, Optional.empty());
  }

  /** This request with a queue timeout of its own. */
  public InferRequest withTimeout(Duration limit) {
    return new InferRequest(model, version, id, inputs, outputs, Optional.of(limit));
  }

  /**
   * Reads the protocol's request-level {@code timeout} parameter (microseconds, an integer).
   *
   * @throws ServerException BAD_REQUEST when it is there but not a positive integer
   */
  static Optional<Duration> timeoutParameter(Map<String, Object> parameters) {
    Object value = parameters.get("timeout");
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Long micros) || micros <= 0) {
      throw new ServerException(
          ServerException.Code.BAD_REQUEST,
          "the timeout parameter must be a positive integer number of microseconds, got " + value);
    }
    return Optional.of(Duration.ofNanos(Math.multiplyExact(micros, 1000L)));
  }

  /**
   * An output the client asks for.
   *
   * @param name the output name
   * @param binary whether it wants the binary tensor extension for it
   */
  public record RequestedOutput(String name, boolean binary) {}
}
