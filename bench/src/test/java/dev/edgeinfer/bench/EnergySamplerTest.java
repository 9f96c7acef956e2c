package dev.edgeinfer.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EnergySamplerTest {
  @Test
  void samplesRepeatedlyUntilClosed() throws InterruptedException {
    CountDownLatch samples = new CountDownLatch(3);
    try (EnergySampler sampler =
        new EnergySampler("test-sampler", Duration.ofMillis(1), samples::countDown)) {
      sampler.ensureStarted();
      assertTrue(samples.await(1, TimeUnit.MINUTES), "three samples were expected");
    }
  }

  @Test
  void closingStopsTheThreadAndIsIdempotent() {
    EnergySampler sampler = new EnergySampler("test-sampler", Duration.ofHours(1), () -> {});
    sampler.ensureStarted();
    assertTrue(sampler.running());
    sampler.close();
    assertFalse(sampler.running());
    sampler.close();
    assertThrows(IllegalStateException.class, sampler::ensureStarted);
  }
}
