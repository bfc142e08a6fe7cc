package dev.weft.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.remote.Compute;
import dev.weft.remote.DeploymentException;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteFn1;
import dev.weft.remote.ServiceSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The back end against the Kubernetes API (fabric8's mock server in CRUD mode), with a {@link
 * Kubelet} that runs real worker processes for the pods: deploy, call, reuse, recover, logs,
 * reaping and teardown end to end.
 */
final class KubernetesComputeTest {
  private static KubeCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = new KubeCluster();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Test
  void deploy_halfACpuAndAGibibyte_deploymentRequestsThemAndTheServiceAnswers() {
    String ns = KubeCluster.namespace();
    try (KubernetesCompute kube = cluster.backend(ns)) {
      RemoteFn1<Integer, Integer> twice = Remote.fn(Fns::twice).backend(kube).name("twice")
          .to(Compute.builder().cpus("0.5").memory("1Gi").build());

      assertThat(twice.call(21)).isEqualTo(42);
      Deployment d = cluster.client.apps().deployments().inNamespace(ns).withName("twice").get();
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("500m"))
          .containsEntry("memory", new Quantity("1Gi"));
      assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("1Gi")).doesNotContainKey("cpu");
      assertThat(c.getImage()).isEqualTo("example.org/weft-tests:1");
      assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
      assertThat(d.getMetadata().getLabels()).containsEntry("weft.dev/service", "twice")
          .containsEntry("weft.dev/target", "Fns.twice").containsEntry("app.kubernetes.io/managed-by", "weft");
      assertThat(cluster.client.services().inNamespace(ns).withName("twice").get().getSpec().getPorts().get(0).getPort())
          .isEqualTo(8080);
      assertThat(cluster.client.secrets().inNamespace(ns).withName("twice").get().getData()).containsKeys("token", "spec");
      // The token is in the Secret only, never in the Deployment.
      String token = Manifests.secretValue(cluster.client.secrets().inNamespace(ns).withName("twice").get(), "token")
          .orElseThrow();
      assertThat(d.toString()).doesNotContain(token);
      twice.teardown();
    }
  }

  @Test
  void deploy_gpus_becomeNvidiaGpuLimits() {
    Compute compute = Compute.builder().cpus(2).memory("384m").gpus(2).build();
    Deployment d = Manifests.deployment(new ServiceSpec("gpu", ServiceSpec.Kind.FUNCTION,
        Fns.class.getName(), "twice", List.of("int"), "Fns.twice", "[]"), compute,
        new Manifests.Image("img:1", "java", KubernetesCompute.JIB_CLASS_PATH), "i1");
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(c.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("2"))
        .containsEntry("memory", new Quantity("384Mi"));
    assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("2"));
  }

  @Test
  void deploy_twoCallersAtOnce_oneDeploymentBothUseIt() throws Exception {
    String ns = KubeCluster.namespace();
    try (KubernetesCompute kube = cluster.backend(ns); KubernetesCompute other = cluster.backend(ns)) {
      CyclicBarrier together = new CyclicBarrier(2);
      List<Future<RemoteFn1<Integer, Integer>>> deploying = new ArrayList<>();
      try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
        for (KubernetesCompute backend : List.of(kube, other)) {
          deploying.add(threads.submit(() -> {
            together.await();
            return Remote.fn(Fns::twice).backend(backend).name("shared").getIfExists(true).to(Compute.defaults());
          }));
        }
      }
      RemoteFn1<Integer, Integer> a = deploying.get(0).get();
      RemoteFn1<Integer, Integer> b = deploying.get(1).get();

      assertThat(cluster.deployments(ns)).hasSize(1);
      assertThat(a.processIds()).isEqualTo(b.processIds());
      assertThat(a.call(1) + b.call(2)).isEqualTo(6);
      a.teardown();
    }
  }

  @Test
  void deploy_losesTheCreateRace_usesTheWinnersPods() {
    String ns = KubeCluster.namespace();
    try (KubernetesCompute kube = cluster.backend(ns)) {
      RemoteFn1<Integer, Integer> first = Remote.fn(Fns::twice).backend(kube).name("raced").to();
      // The second caller reads no Deployment (as if it looked just before the first made it), so
      // it creates one too, and the API server refuses it.
      cluster.server.expect().get().withPath("/apis/apps/v1/namespaces/" + ns + "/deployments/raced")
          .andReturn(404, null).once();
      int podsBefore = cluster.kubelet.podsCreated();

      RemoteFn1<Integer, Integer> second = Remote.fn(Fns::twice).backend(kube).name("raced").to();

      assertThat(cluster.backendRequests()).filteredOn(r -> r.equals("POST /apis/apps/v1/namespaces/" + ns + "/deployments"))
          .hasSize(2);
      assertThat(second.processIds()).isEqualTo(first.processIds());
      assertThat(cluster.kubelet.podsCreated()).isEqualTo(podsBefore);
      assertThat(second.call(5)).isEqualTo(10);
      second.teardown();
    }
  }

  @Test
  void replicas_aPodEach_callsSpreadOverAll() {
    String ns = KubeCluster.namespace();
    try (KubernetesCompute kube = cluster.backend(ns)) {
      RemoteFn1<Integer, Long> pid = Remote.fn(Fns::pid).backend(kube).name("three")
          .to(Compute.builder().replicas(3).build());

      Set<Long> answered = new HashSet<>();
      for (int i = 0; i < 6; i++) {
        answered.add(pid.call(i));
      }

      assertThat(cluster.client.pods().inNamespace(ns).list().getItems()).hasSize(3);
      assertThat(pid.processIds()).hasSize(3).containsExactlyInAnyOrderElementsOf(answered);
      pid.teardown();
    }
  }

  @Test
  void getIfExists_reusesTheRunningPods() {
    String ns = KubeCluster.namespace();
    try (KubernetesCompute kube = cluster.backend(ns)) {
      RemoteFn1<Integer, Integer> first = Remote.fn(Fns::twice).backend(kube).name("reused")
          .to(Compute.builder().replicas(2).build());
      int podsBefore = cluster.kubelet.podsCreated();

      RemoteFn1<Integer, Integer> again = Remote.fn(Fns::twice).backend(kube).name("reused").getIfExists(true).to();

      assertThat(again.processIds()).hasSize(2).isEqualTo(first.processIds());
      assertThat(cluster.kubelet.podsCreated()).isEqualTo(podsBefore);
      assertThat(Remote.fn(Fns::twice).backend(kube).name("reused").existing()).isPresent();
      assertThat(kube.list()).extracting(s -> s.name()).containsExactly("reused");
      again.teardown();
    }
  }

  @Test
  void killedPod_isReplacedByANewPodAndTheNextCallSucceeds() {
    String ns = KubeCluster.namespace();
    try (KubernetesCompute kube = cluster.backend(ns)) {
      RemoteFn1<Integer, Long> pid = Remote.fn(Fns::pid).backend(kube).name("crashy").to();
      long before = pid.call(0);
      String pod = cluster.kubelet.onlyPod(ns);

      cluster.kubelet.crash(pod);
      long after = pid.call(0);

      assertThat(after).isNotEqualTo(before);
      assertThat(pid.processIds()).containsExactly(after);
      assertThat(cluster.kubelet.onlyPod(ns)).isNotEqualTo(pod);
      pid.teardown();
    }
  }

  @Test
  void containerRestartedInPlace_theNextCallGoesToTheNewProcessInTheSamePod() {
    String ns = KubeCluster.namespace();
    try (KubernetesCompute kube = cluster.backend(ns)) {
      RemoteFn1<Integer, Long> pid = Remote.fn(Fns::pid).backend(kube).name("restarts").to();
      long before = pid.call(0);
      String pod = cluster.kubelet.onlyPod(ns);
      int podsBefore = cluster.kubelet.podsCreated();

      cluster.kubelet.crashAndRestartInPlace(pod);
      long after = pid.call(0);

      assertThat(after).isNotEqualTo(before);
      assertThat(pid.processIds()).containsExactly(after);
      assertThat(cluster.kubelet.containers().get(pod).restarts()).isEqualTo(1);
      assertThat(cluster.kubelet.podsCreated()).isEqualTo(podsBefore);
      pid.teardown();
    }
  }

  @Test
  void teardown_leavesNoDeploymentServiceSecretOrProcess() {
    String ns = KubeCluster.namespace();
    try (KubernetesCompute kube = cluster.backend(ns)) {
      RemoteFn1<Integer, Integer> twice = Remote.fn(Fns::twice).backend(kube).name("gone")
          .to(Compute.builder().replicas(2).build());
      List<Long> pids = twice.processIds();

      twice.teardown();

      assertThat(cluster.deployments(ns)).isEmpty();
      assertThat(cluster.client.services().inNamespace(ns).list().getItems()).isEmpty();
      assertThat(cluster.client.secrets().inNamespace(ns).list().getItems()).isEmpty();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        assertThat(cluster.client.pods().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(pids).allSatisfy(p -> assertThat(ProcessHandle.of(p).map(ProcessHandle::isAlive)).isNotEqualTo(
            Optional.of(true)));
      });
      assertThat(kube.find("gone")).isEmpty();
      kube.teardown("gone"); // again: nothing to do
    }
  }

  @Test
  void idleTtl_aServiceIdlePastItsTtl_isRemovedByTheReaper() {
    String ns = KubeCluster.namespace();
    try (KubernetesCompute kube = KubernetesCompute.builder().client(cluster.client).namespace(ns)
        .image("example.org/weft-tests:1").reapEvery(Duration.ofMillis(200)).build()) {
      RemoteFn1<Integer, Integer> kept = Remote.fn(Fns::twice).backend(kube).name("no-ttl").to();
      Remote.fn(Fns::twice).backend(kube).name("idle").to(Compute.builder().inactivityTtl("1s").build());

      await().atMost(Duration.ofSeconds(20)).until(() -> cluster.client.apps().deployments().inNamespace(ns)
          .withName("idle").get() == null);
      assertThat(cluster.client.secrets().inNamespace(ns).withName("idle").get()).isNull();
      assertThat(cluster.client.services().inNamespace(ns).withName("idle").get()).isNull();
      assertThat(kube.find("no-ttl")).isPresent();
      kept.teardown();
    }
  }

  @Test
  void reapIdle_aServiceCalledWithinItsTtl_staysUntilIdleThatLong() {
    String ns = KubeCluster.namespace();
    try (KubernetesCompute kube = KubernetesCompute.builder().client(cluster.client).namespace(ns)
        .image("example.org/weft-tests:1").reapEvery(Duration.ofDays(1)).build()) {
      RemoteFn1<Integer, Integer> twice = Remote.fn(Fns::twice).backend(kube).name("ttl")
          .to(Compute.builder().inactivityTtl("3s").build());
      assertThat(twice.call(1)).isEqualTo(2);

      assertThat(kube.reapIdle()).isEmpty();
      assertThat(kube.find("ttl")).isPresent();
      await().atMost(Duration.ofSeconds(20)).until(() -> kube.reapIdle().contains("ttl"));
      assertThat(cluster.deployments(ns)).isEmpty();
    }
  }

  @Test
  void logs_linesAFunctionPrints_reachTheCaller() {
    String ns = KubeCluster.namespace();
    try (KubernetesCompute kube = cluster.backend(ns)) {
      RemoteFn1<Integer, String> chatty = Remote.fn(Fns::chatty).backend(kube).name("chatty").streamLogs(true).to();
      List<String> lines = new CopyOnWriteArrayList<>();

      String result = chatty.withLogs(lines::add).call(3);

      assertThat(result).isEqualTo("printed 3");
      assertThat(lines).containsExactly("line 1 of 3", "line 2 of 3", "line 3 of 3");
      chatty.teardown();
    }
  }

  @Test
  void deploy_workerCannotStart_failsWithItsOutputAndLeavesNothing() {
    String ns = KubeCluster.namespace();
    try (KubernetesCompute kube = cluster.backend(ns)) {
      assertThatThrownBy(() -> Remote.cls(Fns.Broken.class, "broken").backend(kube).to())
          .isInstanceOf(DeploymentException.class)
          .hasMessageContaining("CrashLoopBackOff")
          .hasMessageContaining("no model file at /models/latest");
      assertThat(cluster.deployments(ns)).isEmpty();
      assertThat(cluster.client.secrets().inNamespace(ns).list().getItems()).isEmpty();
    }
  }

  @Test
  void deploy_serviceOfThatNameNotMadeByWeft_isRefused() {
    String ns = KubeCluster.namespace();
    cluster.client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
        .withNewMetadata().withName("theirs").endMetadata().withNewSpec().withNewSelector().withMatchLabels(Map.of("a", "b"))
        .endSelector().endSpec().build()).create();
    try (KubernetesCompute kube = cluster.backend(ns)) {
      assertThatThrownBy(() -> Remote.fn(Fns::twice).backend(kube).name("theirs").to())
          .isInstanceOf(DeploymentException.class).hasMessageContaining("was not made by Weft");
      kube.teardown("theirs");
      assertThat(cluster.deployments(ns)).hasSize(1);
    }
  }

  @Test
  void deploy_nameStartingWithADigit_saysKubernetesWantsALetter() {
    try (KubernetesCompute kube = cluster.backend(KubeCluster.namespace())) {
      assertThatThrownBy(() -> Remote.fn(Fns::twice).backend(kube).name("9lives").to())
          .isInstanceOf(DeploymentException.class)
          .hasMessage("service name '9lives' cannot name a Kubernetes Service, which must start with a letter; deploy"
              + " under a name such as 's-9lives'");
    }
  }

  @Test
  void deploy_noImage_saysWhereToSetIt() {
    try (KubernetesCompute kube = KubernetesCompute.builder().client(cluster.client).namespace("noimage").build()) {
      assertThatThrownBy(() -> Remote.fn(Fns::twice).backend(kube).name("x").to())
          .isInstanceOf(DeploymentException.class).hasMessageContaining("Compute.image");
    }
  }
}
