package dev.weft.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.remote.Compute;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteFn1;
import dev.weft.remote.ServiceSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Role docs/KUBERNETES.md tells users to grant is exactly what the back end uses: every
 * operation runs against the mock API server (deploy, a lost create race, a leftover Secret and
 * Service replaced, find, list, a call, recovery of a killed pod, reaping, teardown), and the verbs
 * of the requests its client sent, by resource, equal the Role's rules.
 */
final class RbacTest {
  private static final Path DOC = Path.of("../docs/KUBERNETES.md");
  private static final Pattern YAML = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);
  /** {@code /api/v1/namespaces/ns/pods} or {@code /apis/apps/v1/namespaces/ns/deployments/name[/sub]}. */
  private static final Pattern PATH = Pattern.compile(
      "/(?:api/v1|apis/([^/]+)/[^/]+)/namespaces/[^/]+/([^/?]+)(?:/([^/?]+))?(?:/([^/?]+))?");

  @Test
  void theDocumentedRole_grantsExactlyTheVerbsTheBackEndUses() throws Exception {
    Set<String> used;
    try (KubeCluster cluster = new KubeCluster()) {
      String ns = KubeCluster.namespace();
      try (KubernetesCompute kube = KubernetesCompute.builder().client(cluster.client).namespace(ns)
          .image("example.org/weft-tests:1").reapEvery(Duration.ofMillis(200)).build()) {
        everything(cluster, ns, kube);
      }
      used = verbs(cluster.backendRequests());
    }

    assertThat(used).isEqualTo(verbs(documentedRole()));
  }

  private static void everything(KubeCluster cluster, String ns, KubernetesCompute kube) {
    // A Secret and a Service left by a deployment that stopped halfway: replaced (update).
    ServiceSpec spec = new ServiceSpec("pid", ServiceSpec.Kind.FUNCTION, Fns.class.getName(), "pid", List.of("int"),
        "Fns.pid", "[]");
    var owner = new DeploymentBuilder().withNewMetadata().withName("pid")
        .withUid("gone").endMetadata().withNewSpec().withNewSelector().addToMatchLabels("a", "b").endSelector().endSpec()
        .build();
    cluster.client.secrets().inNamespace(ns).resource(Manifests.secret(spec, "old", owner)).create();
    cluster.client.services().inNamespace(ns).resource(Manifests.service(spec, owner)).create();

    RemoteFn1<Integer, Long> pid = Remote.fn(Fns::pid).backend(kube).name("pid")
        .to(Compute.builder().inactivityTtl("1h").build());
    cluster.server.expect().get().withPath("/apis/apps/v1/namespaces/" + ns + "/deployments/pid").andReturn(404, null).once();
    Remote.fn(Fns::pid).backend(kube).name("pid").to(); // loses the create race
    assertThat(Remote.fn(Fns::pid).backend(kube).name("pid").existing()).isPresent();
    assertThat(kube.list()).hasSize(1);
    String pod = cluster.kubelet.onlyPod(ns);
    cluster.kubelet.crash(pod);
    assertThat(pid.call(0)).isPositive(); // recovered
    pid.teardown();

    Remote.fn(Fns::twice).backend(kube).name("idle").to(Compute.builder().inactivityTtl("1s").build());
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.deployments(ns).isEmpty());
  }

  /** {@code group/resource verb} for each request, as the API server authorizes it. */
  private static Set<String> verbs(List<String> requests) {
    Set<String> out = new TreeSet<>();
    for (String r : requests) {
      String method = r.substring(0, r.indexOf(' '));
      URI uri = URI.create(r.substring(r.indexOf(' ') + 1));
      Matcher m = PATH.matcher(uri.getPath());
      assertThat(m.matches()).as("a namespaced request: %s", r).isTrue();
      String group = m.group(1) == null ? "" : m.group(1);
      String resource = m.group(2) + (m.group(4) != null ? "/" + m.group(4) : "");
      boolean named = m.group(3) != null;
      boolean watch = uri.getQuery() != null && uri.getQuery().contains("watch=true");
      String verb = switch (method) {
        case "GET" -> watch ? "watch" : named ? "get" : "list";
        case "POST" -> "create";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> named ? "delete" : "deletecollection";
        default -> throw new AssertionError("unexpected request " + r);
      };
      out.add(group + "/" + resource + " " + verb);
    }
    return out;
  }

  private static Set<String> verbs(Role role) {
    Set<String> out = new TreeSet<>();
    for (PolicyRule rule : role.getRules()) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            out.add(group + "/" + resource + " " + verb);
          }
        }
      }
    }
    return out;
  }

  private static Role documentedRole() throws IOException {
    Matcher m = YAML.matcher(Files.readString(DOC));
    while (m.find()) {
      if (m.group(1).contains("kind: Role\n")) {
        return Serialization.unmarshal(m.group(1), Role.class);
      }
    }
    throw new AssertionError(DOC + " has no ```yaml block with the Role");
  }
}
