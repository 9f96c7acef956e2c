package dev.edgeinfer.bench;

import dev.edgeinfer.runtime.ExecutionProvider;
import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.ModelSignature;
import dev.edgeinfer.runtime.Outputs;
import dev.edgeinfer.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A model loaded in this process; the caller owns (and closes) it. */
record InProcessModel(Model model) implements SystemUnderTest {

  @Override
  public ModelSignature signature() {
    return model.signature();
  }

  @Override
  public String provider() {
    return model.provider().toString();
  }

  @Override
  public boolean gpu() {
    return model.provider() != ExecutionProvider.CPU;
  }

  @Override
  public boolean meteredHere() {
    return true;
  }

  @Override
  public Query prepare(Map<String, Tensor> inputs) {
    return () -> {
      try (Outputs outputs = model.run(inputs)) {
        if (outputs.size() == 0) {
          throw new IllegalStateException("the model returned no outputs");
        }
      }
    };
  }

  @Override
  public List<Tensor> predict(Map<String, Tensor> inputs) {
    List<Tensor> result = new ArrayList<>();
    try (Outputs outputs = model.run(inputs)) {
      for (int i = 0; i < outputs.size(); i++) {
        result.add(outputs.get(i));
      }
    }
    return result;
  }
}
