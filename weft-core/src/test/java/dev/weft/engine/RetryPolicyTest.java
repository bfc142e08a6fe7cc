package dev.weft.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class RetryPolicyTest {
  private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0.5);

  @Test
  void delay_growsByTheMultiplier_withoutJitter() {
    assertThat(policy.delayNanos(1, 0.0)).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(policy.delayNanos(2, 0.0)).isEqualTo(Duration.ofMillis(200).toNanos());
    assertThat(policy.delayNanos(3, 0.0)).isEqualTo(Duration.ofMillis(400).toNanos());
  }

  @Test
  void delay_isCappedAtMax() {
    assertThat(policy.delayNanos(10, 0.0)).isEqualTo(Duration.ofSeconds(1).toNanos());
    assertThat(policy.delayNanos(1000, 0.0)).isEqualTo(Duration.ofSeconds(1).toNanos());
  }

  @Test
  void jitter_removesUpToItsFraction() {
    assertThat(policy.delayNanos(1, 0.999999)).isGreaterThan(Duration.ofMillis(50).toNanos() - 1000);
    assertThat(policy.delayNanos(1, 0.5)).isEqualTo(Duration.ofMillis(75).toNanos());
    RetryPolicy none = new RetryPolicy(1, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0.0);
    assertThat(none.delayNanos(1, 0.9)).isEqualTo(Duration.ofMillis(100).toNanos());
  }
}
