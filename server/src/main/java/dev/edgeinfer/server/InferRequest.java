package dev.edgeinfer.server;

import java.util.List;
import java.util.Optional;

/**
 * One inference request, protocol-neutral.
 *
 * @param model the model name
 * @param version a specific version, or empty for the one the version policy serves by default
 * @param id the client's request id, echoed in the response
 * @param inputs the input tensors
 * @param outputs the outputs asked for (empty = all), each as JSON or binary
 */
public record InferRequest(
    String model,
    Optional<String> version,
    Optional<String> id,
    List<InferTensor> inputs,
    List<RequestedOutput> outputs) {
  public InferRequest {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  /**
   * An output the client asks for.
   *
   * @param name the output name
   * @param binary whether it wants the binary tensor extension for it
   */
  public record RequestedOutput(String name, boolean binary) {}
}
