package dev.edgeinfer.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgeinfer.runtime.Model;
import dev.edgeinfer.runtime.Outputs;
import dev.edgeinfer.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DigitsModelTest {

  @Test
  void onnxRuntimeReproducesThePyTorchLogitsOfEveryHeldOutDigit() {
    NpyArray x = NpyArray.read(DigitsFixture.TEST_X);
    NpyArray logits = NpyArray.read(DigitsFixture.TEST_LOGITS);
    try (Model model = Model.open(DigitsFixture.MODEL)) {
      double worst = 0;
      for (long i = 0; i < x.samples(); i++) {
        try (Tensor input = Tensor.ofFloats(x.sample(i), 1, 1, 8, 8);
            Outputs out = model.predict(input)) {
          float[] got = out.get(0).toFloatArray();
          float[] expected = logits.sample(i);
          for (int c = 0; c < expected.length; c++) {
            worst = Math.max(worst, Math.abs(got[c] - expected[c]));
          }
        }
      }
      assertTrue(worst < 1e-4, "max abs difference to PyTorch was " + worst);
    }
  }

  @Test
  void aBatchOfDigitsGivesTheSameRowsAsOneAtATime() {
    NpyArray x = NpyArray.read(DigitsFixture.TEST_X);
    try (Model model = Model.open(DigitsFixture.MODEL)) {
      List<Tensor> singles = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        singles.add(Tensor.ofFloats(x.sample(i), 1, 1, 8, 8));
      }
      try (Tensor batch = Tensor.concat(singles);
          Outputs out = model.predict(batch)) {
        Tensor all = out.get(0);
        assertEquals(8, all.shape()[0]);
        for (int i = 0; i < 8; i++) {
          try (Outputs one = model.predict(singles.get(i))) {
            float[] expected = one.get(0).toFloatArray();
            float[] row = all.rows(i, i + 1).toFloatArray();
            for (int c = 0; c < expected.length; c++) {
              assertEquals(expected[c], row[c], 1e-5);
            }
          }
        }
      } finally {
        singles.forEach(Tensor::close);
      }
    }
  }

  @Test
  void theModelCarriesItsLabelsInItsMetadata() {
    try (Model model = Model.open(DigitsFixture.MODEL)) {
      assertEquals("0,1,2,3,4,5,6,7,8,9", model.signature().metadata().get("labels"));
    }
  }
}
