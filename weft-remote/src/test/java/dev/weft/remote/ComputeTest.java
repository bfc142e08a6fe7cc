package dev.weft.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ComputeTest {
  @Test
  void validValuesAreKept() {
    Compute c = Compute.builder().cpus("0.5").memory("1.5Gi").gpus(0).replicas(3).env("MODEL_DIR", "/tmp/m")
        .image("eclipse-temurin:21").launchTimeout(Duration.ofSeconds(30)).inactivityTtl("30m").jvmOptions("-Xss512k").build();
    assertThat(c.cpus()).isEqualTo(0.5);
    assertThat(c.memoryBytes()).isEqualTo(3L << 29);
    assertThat(c.replicas()).isEqualTo(3);
    assertThat(c.env()).containsEntry("MODEL_DIR", "/tmp/m");
    assertThat(c.inactivityTtl()).contains(Duration.ofMinutes(30));
    assertThat(c.jvmOptions()).containsExactly("-Xss512k");
    assertThat(c).isEqualTo(Compute.builder().cpus(0.5).memory("1.5Gi").replicas(3).env("MODEL_DIR", "/tmp/m")
        .image("eclipse-temurin:21").launchTimeout(Duration.ofSeconds(30)).inactivityTtl(Duration.ofMinutes(30))
        .jvmOptions("-Xss512k").build());
    assertThat(c.toString()).contains("env=[MODEL_DIR]").doesNotContain("/tmp/m"); // values may be secrets
    assertThat(Compute.builder().inactivityTtl("2h").build().inactivityTtl()).contains(Duration.ofHours(2));
  }

  @Test
  void badValuesAreRefusedWithWhatIsAccepted() {
    assertThatThrownBy(() -> Compute.builder().cpus(0)).hasMessageContaining("cpus must be in (0, 1024]");
    assertThatThrownBy(() -> Compute.builder().cpus("half")).hasMessageContaining("\"0.5\"");
    assertThatThrownBy(() -> Compute.builder().memory("lots")).hasMessageContaining("512m, 2g or 1.5Gi");
    assertThatThrownBy(() -> Compute.builder().memory("1m")).hasMessageContaining("at least 16m");
    assertThatThrownBy(() -> Compute.builder().gpus(-1)).hasMessageContaining("gpus must be 0..64");
    assertThatThrownBy(() -> Compute.builder().replicas(0)).hasMessageContaining("replicas must be 1..64");
    assertThatThrownBy(() -> Compute.builder().env("1BAD", "x")).hasMessageContaining("[A-Za-z_]");
    assertThatThrownBy(() -> Compute.builder().image("a b")).hasMessageContaining("without spaces");
    assertThatThrownBy(() -> Compute.builder().launchTimeout(Duration.ofMillis(10))).hasMessageContaining("between 1s and 1h");
    assertThatThrownBy(() -> Compute.builder().inactivityTtl("30x")).hasMessageContaining("\"30m\" or \"2h\"");
    assertThatThrownBy(() -> Compute.builder().inactivityTtl("1.5h")).hasMessageContaining("whole number");
    assertThatThrownBy(() -> Compute.builder().jvmOptions("Xmx1g")).hasMessageContaining("must start with '-'");
    assertThatThrownBy(() -> Compute.builder().jvmOptions("-cp")).hasMessageContaining("caller's class path");
    assertThatThrownBy(() -> Compute.builder().jvmOptions("-jar")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void functionNamesBecomeServiceNames() {
    assertThat(Deployment.serviceNameOf("Numbers.twice")).isEqualTo("numbers-twice");
    assertThat(Deployment.serviceNameOf("__")).isEqualTo("function");
    assertThat(Deployment.serviceNameOf("x".repeat(100))).hasSize(63);
  }
}
