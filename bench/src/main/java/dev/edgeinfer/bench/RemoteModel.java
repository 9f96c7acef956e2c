package dev.edgeinfer.bench;

import dev.edgeinfer.runtime.Dimension;
import dev.edgeinfer.runtime.ElementType;
import dev.edgeinfer.runtime.ModelSignature;
import dev.edgeinfer.runtime.Tensor;
import dev.edgeinfer.runtime.TensorSpec;
import dev.edgeinfer.server.InferRequest;
import dev.edgeinfer.server.InferResponse;
import dev.edgeinfer.server.InferTensor;
import dev.edgeinfer.server.InferenceClient;
import dev.edgeinfer.server.InferenceService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model behind a KServe v2 server. Queries are encoded once and sent as they are, asking for
 * every output in binary form, so a measured query costs what a well-written client pays: the
 * transport, the server and the model.
 */
final class RemoteModel implements SystemUnderTest {
  private final InferenceClient client;
  private final String model;
  private final String address;
  private final ModelSignature signature;

  private RemoteModel(
      InferenceClient client, String model, String address, ModelSignature signature) {
    this.client = client;
    this.model = model;
    this.address = address;
    this.signature = signature;
  }

  static RemoteModel connect(InferenceClient client, String model, String address) {
    if (!client.modelReady(model)) {
      throw new BenchException(
          "model '"
              + model
              + "' is not ready on "
              + address
              + "; check the name (POST /v2/repository/index lists them) or load it first");
    }
    InferenceService.ModelMetadata metadata = client.modelMetadata(model);
    return new RemoteModel(
        client,
        model,
        address,
        new ModelSignature(
            specs(metadata.inputs()),
            specs(metadata.outputs()),
            Map.of("platform", metadata.platform())));
  }

  private static List<TensorSpec> specs(List<InferenceService.TensorMetadata> tensors) {
    List<TensorSpec> specs = new ArrayList<>();
    for (InferenceService.TensorMetadata tensor : tensors) {
      List<Dimension> shape = new ArrayList<>();
      for (int axis = 0; axis < tensor.shape().size(); axis++) {
        shape.add(Dimension.of(tensor.shape().get(axis), axis == 0 ? "batch" : "?"));
      }
      specs.add(new TensorSpec(tensor.name(), elementType(tensor), shape));
    }
    return specs;
  }

  private static ElementType elementType(InferenceService.TensorMetadata tensor) {
    return switch (tensor.datatype()) {
      case FP32 -> ElementType.FLOAT32;
      case FP16 -> ElementType.FLOAT16;
      case FP64 -> ElementType.FLOAT64;
      case INT8 -> ElementType.INT8;
      case UINT8 -> ElementType.UINT8;
      case INT16 -> ElementType.INT16;
      case INT32 -> ElementType.INT32;
      case INT64 -> ElementType.INT64;
      case BOOL -> ElementType.BOOL;
      case BYTES -> ElementType.STRING;
      case UINT16, UINT32, UINT64 ->
          throw new BenchException(
              "tensor '"
                  + tensor.name()
                  + "' is "
                  + tensor.datatype()
                  + ", which the benchmark cannot generate inputs for");
    };
  }

  @Override
  public ModelSignature signature() {
    return signature;
  }

  @Override
  public String provider() {
    return address;
  }

  @Override
  public boolean gpu() {
    return false;
  }

  @Override
  public boolean meteredHere() {
    return false;
  }

  @Override
  public Query prepare(Map<String, Tensor> inputs) {
    InferRequest request = request(inputs);
    return () -> {
      InferResponse response = client.infer(request);
      if (response.outputs().isEmpty()) {
        throw new IllegalStateException("the server returned no outputs");
      }
    };
  }

  @Override
  public List<Tensor> predict(Map<String, Tensor> inputs) {
    List<Tensor> outputs = new ArrayList<>();
    for (InferTensor output : client.infer(request(inputs)).outputs()) {
      outputs.add(output.toTensor());
    }
    return outputs;
  }

  private InferRequest request(Map<String, Tensor> inputs) {
    List<InferTensor> wire = new ArrayList<>();
    inputs.forEach((name, tensor) -> wire.add(InferTensor.of(name, tensor)));
    List<InferRequest.RequestedOutput> outputs =
        signature.outputs().stream()
            .map(spec -> new InferRequest.RequestedOutput(spec.name(), true))
            .toList();
    return new InferRequest(model, Optional.empty(), Optional.empty(), wire, outputs);
  }
}
