package dev.weft.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.remote.Compute;
import dev.weft.remote.DeploymentException;
import dev.weft.remote.ServiceSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The objects a service is made of, as pure values: quantities, labels, the container, bad input. */
final class ManifestsTest {
  private static final ServiceSpec SPEC = new ServiceSpec("trainer", ServiceSpec.Kind.CLASS,
      "com.example.models.Trainer$Gpu", "<init>", List.of(), "", "[]");
  private static final Manifests.Image IMAGE = new Manifests.Image("registry.example.com/orders:1.4", "java",
      KubernetesCompute.JIB_CLASS_PATH);

  @Test
  void cpu_asKubectlShowsIt() {
    assertThat(Manifests.cpu(0.5)).isEqualTo(new Quantity("500m"));
    assertThat(Manifests.cpu(0.25)).hasToString("250m");
    assertThat(Manifests.cpu(1)).hasToString("1");
    assertThat(Manifests.cpu(12)).hasToString("12");
  }

  @Test
  void memory_inTheLargestBinaryUnitThatDividesIt() {
    assertThat(Manifests.memory(1L << 30)).hasToString("1Gi");
    assertThat(Manifests.memory(384L << 20)).hasToString("384Mi");
    assertThat(Manifests.memory((long) (1.5 * (1L << 30)))).hasToString("1536Mi");
    assertThat(Manifests.memory(2L << 40)).hasToString("2Ti");
    assertThat(Manifests.memory((16L << 20) + 1)).hasToString("16777217");
    // As Compute reads its sizes: "512m" is 512 MiB (a Kubernetes "512m" would be half a byte).
    assertThat(Manifests.memory(Compute.builder().memory("512m").build().memoryBytes())).hasToString("512Mi");
  }

  @Test
  void labelValue_keepsTheEndOfLongNamesAndReplacesWhatLabelsCannotHold() {
    assertThat(Manifests.labelValue("Numbers.twice")).isEqualTo("Numbers.twice");
    assertThat(Manifests.labelValue("com.example.models.Trainer$Gpu")).isEqualTo("com.example.models.Trainer_Gpu");
    String longName = "org.example.a.very.long.package.name.that.goes.on.and.on.and.on.Outer$Inner";
    assertThat(Manifests.labelValue(longName)).hasSizeLessThanOrEqualTo(63).endsWith("Outer_Inner")
        .matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  }

  @Test
  void deployment_runsTheWorkerFromTheImageWithTheSecretsAsEnvironment() {
    Compute compute = Compute.builder().cpus(1.5).memory("2g").env("MODEL_DIR", "/models").jvmOptions("-Xss512k")
        .inactivityTtl("30m").launchTimeout(Duration.ofMinutes(5)).build();
    Deployment d = Manifests.deployment(SPEC, compute, IMAGE, "abc");
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(c.getCommand()).containsExactly("java", "-XX:ActiveProcessorCount=2", "-XX:MaxRAMPercentage=75",
        "--enable-native-access=ALL-UNNAMED", "-Dweft.worker=trainer", "-Xss512k", "-cp",
        "/app/resources:/app/classes:/app/libs/*", "dev.weft.kubernetes.KubernetesWorker");
    assertThat(c.getEnv()).extracting(EnvVar::getName).containsExactly("MODEL_DIR", "WEFT_WORKER_TOKEN",
        "WEFT_SERVICE_SPEC", "WEFT_WORKER_PORT", "WEFT_PROBE_PORT", "WEFT_WORKER_BIND", "WEFT_WORKER_INSECURE");
    assertThat(c.getEnv().get(1).getValueFrom().getSecretKeyRef().getName()).isEqualTo("trainer");
    assertThat(d.getSpec().getSelector().getMatchLabels()).containsEntry("weft.dev/instance", "abc");
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("weft.dev/instance", "abc")
        .containsEntry("weft.dev/target", "com.example.models.Trainer_Gpu");
    assertThat(d.getMetadata().getAnnotations()).containsEntry("weft.dev/target", "class com.example.models.Trainer$Gpu")
        .containsEntry("weft.dev/inactivity-ttl", "PT30M").containsEntry("weft.dev/launch-timeout", "PT5M");
    assertThat(d.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(Serialization.asYaml(d)).contains("kind: \"Deployment\"");
  }

  @Test
  void deployment_heapSetByJvmOptions_noRamPercentage() {
    Compute compute = Compute.builder().memory("1g").jvmOptions("-Xmx700m").build();
    List<String> command = Manifests.deployment(SPEC, compute, IMAGE, "abc").getSpec().getTemplate().getSpec()
        .getContainers().get(0).getCommand();

    assertThat(command).contains("-Xmx700m").doesNotContain("-XX:MaxRAMPercentage=75");
  }

  @Test
  void deployment_envNamingTheWorkersOwnVariable_isRefused() {
    Compute compute = Compute.builder().env("WEFT_WORKER_PORT", "9000").build();

    assertThatThrownBy(() -> Manifests.deployment(SPEC, compute, IMAGE, "abc"))
        .isInstanceOf(DeploymentException.class)
        .hasMessage("Compute.env sets WEFT_WORKER_PORT, which the Kubernetes back end sets for the worker itself"
            + " (service 'trainer'); remove it");
  }

  @Test
  void secret_holdsTokenAndSpec_readBack() {
    Deployment owner = Manifests.deployment(SPEC, Compute.defaults(), IMAGE, "abc");
    var secret = Manifests.secret(SPEC, "s3cret", owner);

    assertThat(Manifests.secretValue(secret, "token")).contains("s3cret");
    assertThat(Manifests.secretValue(secret, "spec").map(Manifests::spec)).contains(SPEC);
    assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("Deployment"));
  }

  @Test
  void builder_badValues_sayWhatIsAccepted() {
    assertThatThrownBy(() -> KubernetesCompute.builder().namespace("Weft_Services"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace must be a DNS label");
    assertThatThrownBy(() -> KubernetesCompute.builder().image("my image"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image must be a non-blank reference without spaces");
    assertThatThrownBy(() -> KubernetesCompute.builder().reapEvery(Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("reapEvery must be between 100ms and 1d; was PT0.01S");
    assertThatThrownBy(() -> KubernetesCompute.builder().classPath(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("classPath must list");
  }
}
