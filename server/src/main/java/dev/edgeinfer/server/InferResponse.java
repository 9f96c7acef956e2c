package dev.edgeinfer.server;

import java.util.List;
import java.util.Optional;

/**
 * The answer to one {@link InferRequest}: exactly that request's rows.
 *
 * @param model the model name
 * @param version the version that ran it
 * @param id the request's id, when it had one
 * @param outputs the output tensors
 */
public record InferResponse(
    String model, String version, Optional<String> id, List<InferTensor> outputs) {
  public InferResponse {
    outputs = List.copyOf(outputs);
  }
}
