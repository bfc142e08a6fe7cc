package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code weft kube manifests}: its YAML parses as Kubernetes objects that say what the docs say. */
class KubeCommandTest {
  private static final KubernetesSerialization K8S = new KubernetesSerialization();

  private static List<HasMetadata> manifests(String... extra) {
    String[] args = new String[extra.length + 5];
    System.arraycopy(new String[] {"kube", "manifests", "--image", "registry.example.com/orders:1.4", "--db-secret=weft-db"},
        0, args, 0, 5);
    System.arraycopy(extra, 0, args, 5, extra.length);
    Cli.Result r = Cli.run(args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return Arrays.stream(r.out().split("(?m)^---$"))
        .map(doc -> (HasMetadata) K8S.unmarshal(doc, HasMetadata.class))
        .toList();
  }

  private static <T> T only(List<HasMetadata> objects, Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  @Test
  void manifests_defaults_deploymentServiceAndPdbWithProbesSecretsAndResources() {
    List<HasMetadata> objects = manifests("--cpus", "0.5", "--memory", "1Gi", "--namespace", "shop");
    assertThat(objects).hasSize(3).allSatisfy(o -> {
      assertThat(o.getMetadata().getName()).isEqualTo("weft");
      assertThat(o.getMetadata().getNamespace()).isEqualTo("shop");
    });

    Deployment d = only(objects, Deployment.class);
    assertThat(d.getSpec().getReplicas()).isEqualTo(3);
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("registry.example.com/orders:1.4");
    assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("0.5")).containsEntry("memory", new Quantity("1Gi"));
    assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("1Gi"));
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo(KubeCommand.READINESS_PATH);
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo(KubeCommand.LIVENESS_PATH);
    assertThat(c.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTP");
    assertThat(c.getPorts().get(0).getContainerPort()).isEqualTo(KubeCommand.PORT);
    Map<String, EnvVar> env = c.getEnv().stream().collect(java.util.stream.Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("WEFT_DB").getValueFrom().getSecretKeyRef().getName()).isEqualTo("weft-db");
    assertThat(env.get("WEFT_DB").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("url");
    assertThat(env.get("WEFT_TOKEN").getValueFrom().getSecretKeyRef().getName()).isEqualTo("weft-token");
    assertThat(env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
    assertThat(c.getArgs()).containsSequence("--node-id", "$(POD_NAME)").contains("--insecure");

    Service s = only(objects, Service.class);
    assertThat(s.getSpec().getSelector()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
    assertThat(s.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("http");

    PodDisruptionBudget pdb = only(objects, PodDisruptionBudget.class);
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void manifests_withTlsSecret_mountsItAndProbesOverHttps() {
    List<HasMetadata> objects = manifests("--tls-secret", "weft-tls", "--name", "orders", "--replicas", "5");
    Deployment d = only(objects, Deployment.class);
    assertThat(d.getMetadata().getName()).isEqualTo("orders");
    assertThat(d.getSpec().getReplicas()).isEqualTo(5);
    var pod = d.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    assertThat(c.getArgs()).containsSequence("--tls-cert", "/etc/weft/tls/tls.crt").doesNotContain("--insecure");
    assertThat(c.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(pod.getVolumes().get(0).getSecret().getSecretName()).isEqualTo("weft-tls");
    assertThat(c.getVolumeMounts().get(0).getMountPath()).isEqualTo("/etc/weft/tls");
  }

  @Test
  void manifests_serverArgs_areOptionsTheServerAccepts() {
    KubeCommand.Manifests m = new KubeCommand.Manifests();
    new CommandLine(m).parseArgs("--image", "x:1", "--db-secret", "db", "--tls-secret", "tls");
    List<String> args = m.serverArgs();
    assertThat(args.get(0)).isEqualTo("server");
    // The same parser `weft server` uses: an option the manifests name that it does not know fails here.
    CommandLine.ParseResult parsed = WeftCli.commandLine(System.out, System.err).parseArgs(args.toArray(String[]::new));
    assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("server");
  }

  @Test
  void manifests_badInput_oneLineSayingWhatToFix() {
    assertThat(Cli.run("kube", "manifests", "--image", "x:1").err()).contains("--db-secret");
    Cli.Result badName = Cli.run("kube", "manifests", "--image", "x:1", "--db-secret", "db", "--name", "Weft_1");
    assertThat(badName.exitCode()).isEqualTo(2);
    assertThat(badName.err()).contains("--name 'Weft_1' is not a Kubernetes name");
    Cli.Result badCpu = Cli.run("kube", "manifests", "--image", "x:1", "--db-secret", "db", "--cpus", "half");
    assertThat(badCpu.exitCode()).isEqualTo(2);
    assertThat(badCpu.err()).contains("--cpus 'half' is not a CPU quantity").contains("500m");
    Cli.Result zeroMemory = Cli.run("kube", "manifests", "--image", "x:1", "--db-secret", "db", "--memory", "0Mi");
    assertThat(zeroMemory.err()).contains("--memory '0Mi'");
  }
}
