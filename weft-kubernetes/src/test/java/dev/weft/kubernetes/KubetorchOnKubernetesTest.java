package dev.weft.kubernetes;

import dev.weft.examples.kubetorch.KubetorchScenarios;
import dev.weft.remote.ComputeBackend;
import dev.weft.remote.Remote;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Kubetorch examples (K1..K7) with the assertions they have on local worker processes, on the
 * Kubernetes back end: every service a Deployment whose pods the {@link Kubelet} runs.
 */
final class KubetorchOnKubernetesTest extends KubetorchScenarios {
  private static KubeCluster cluster;
  private static KubernetesCompute kube;

  @BeforeAll
  static void startCluster() {
    cluster = new KubeCluster();
    kube = cluster.backend(KubeCluster.namespace());
    // A cluster that has run a pod before: the client's, the mock server's and the kubelet's first
    // requests (class loading, connections) are not charged to the first example's timings.
    Remote.fn(Fns::twice).backend(kube).name("warm-up").to().teardown();
  }

  @AfterAll
  static void stopCluster() {
    kube.close();
    cluster.close();
  }

  @Override
  protected ComputeBackend backend() {
    return kube;
  }

  /**
   * Each deployment here waits for the API server's watch to reach the kubelet, for the pod's
   * readiness probe and for the back end's next look at the pods, and three worker JVMs start
   * side by side with the mock API server and the kubelet on the same two cores: measured 1 to 3 s
   * more than local processes on a quiet machine, more under load. Still well under the 4.5 s the
   * three class loads alone take one after another plus three pods' start.
   */
  @Override
  protected long deployOverheadMs() {
    return 4000;
  }
}
