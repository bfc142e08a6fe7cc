package dev.weft.kubernetes;

import dev.weft.remote.DeployedService;
import dev.weft.remote.Endpoint;
import dev.weft.remote.ServiceSpec;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A service as read from the API server at one moment: its Deployment, its pods (not those
 * shutting down) and its Secret's token and spec, with what the kubelet says about the pods. An
 * immutable snapshot; {@link #read} blocks on the API server.
 */
record Observed(String name, Deployment deployment, List<Pod> pods, Optional<String> token,
    Optional<ServiceSpec> spec, String logHint) {
  /** Waiting reasons that waiting will not cure. */
  private static final Set<String> CANNOT_START = Set.of("CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff",
      "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

  /** A pod and the endpoint of its worker. */
  record Replica(Pod pod, Endpoint endpoint) {}

  int wanted() {
    Integer r = deployment.getSpec().getReplicas();
    return r == null ? 1 : r;
  }

  Duration launchTimeout() {
    return Manifests.duration(deployment, Manifests.LAUNCH_TIMEOUT_ANNOTATION).orElse(Duration.ofSeconds(60));
  }

  /** Each ready pod with an address, by pod name, with its endpoint (pid unknown until asked). */
  List<Replica> candidates() {
    if (token.isEmpty()) {
      return List.of();
    }
    List<Replica> out = new ArrayList<>();
    for (Pod p : pods) {
      if (ready(p)) {
        out.add(new Replica(p, new Endpoint(uri(p), token.get(), out.size(), -1)));
      }
    }
    return out;
  }

  DeployedService service(List<Replica> live) {
    return new DeployedService(spec.orElseThrow(), live.stream().map(Replica::endpoint).toList(), logHint);
  }

  /** The service's objects now, or empty if no Deployment of that name made by Weft exists. */
  static Optional<Observed> read(KubernetesClient client, String namespace, String name) {
    Deployment d = Api.call("read the Deployment of service '" + name + "'",
        () -> client.apps().deployments().inNamespace(namespace).withName(name).get());
    if (d == null || !Manifests.managedByWeft(d)) {
      return Optional.empty();
    }
    Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
    List<Pod> pods = Api.call("list the pods of service '" + name + "'",
        () -> client.pods().inNamespace(namespace).withLabels(selector).list().getItems()).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
    Secret secret = Api.call("read the Secret of service '" + name + "'",
        () -> client.secrets().inNamespace(namespace).withName(name).get());
    Optional<String> token = Optional.ofNullable(secret).flatMap(s -> Manifests.secretValue(s, Manifests.TOKEN_KEY));
    Optional<ServiceSpec> spec = Optional.ofNullable(secret).flatMap(s -> Manifests.secretValue(s, Manifests.SPEC_KEY))
        .map(Manifests::spec);
    return Optional.of(new Observed(name, d, pods, token, spec,
        "kubectl logs -n " + namespace + " -l " + Manifests.SERVICE + "=" + name + " --prefix"));
  }

  /** Why a pod's worker will not come up by waiting, if the kubelet says so. */
  Optional<String> cannotStart() {
    for (Pod p : pods) {
      for (ContainerStatus c : containerStatuses(p)) {
        ContainerStateWaiting waiting = c.getState() == null ? null : c.getState().getWaiting();
        if (waiting != null && CANNOT_START.contains(waiting.getReason())) {
          StringBuilder why = new StringBuilder("pod " + p.getMetadata().getName() + " is " + waiting.getReason());
          if (waiting.getMessage() != null) {
            why.append(" (").append(waiting.getMessage()).append(')');
          }
          ContainerStateTerminated last = c.getLastState() == null ? null : c.getLastState().getTerminated();
          if (last != null) {
            why.append("; its worker exited with status ").append(last.getExitCode());
            if (last.getMessage() != null && !last.getMessage().isBlank()) {
              why.append(", its output ends:\n").append(last.getMessage().strip());
            }
          }
          return Optional.of(why.toString());
        }
      }
    }
    return Optional.empty();
  }

  /** Each pod's phase and what keeps it from being ready, for a timeout's message. */
  String describe() {
    if (pods.isEmpty()) {
      return "no pod exists yet (kubectl describe deployment shows why: a quota, an admission webhook)";
    }
    List<String> parts = new ArrayList<>();
    for (Pod p : pods) {
      StringBuilder s = new StringBuilder("pod " + p.getMetadata().getName() + " "
          + (p.getStatus() == null || p.getStatus().getPhase() == null ? "Pending" : p.getStatus().getPhase()));
      if (p.getStatus() != null && p.getStatus().getConditions() != null) {
        for (PodCondition c : p.getStatus().getConditions()) {
          if ("False".equals(c.getStatus()) && c.getReason() != null) {
            s.append(", ").append(c.getType()).append(": ").append(c.getReason())
                .append(c.getMessage() != null ? " (" + c.getMessage() + ")" : "");
          }
        }
      }
      for (ContainerStatus c : containerStatuses(p)) {
        if (c.getState() != null && c.getState().getWaiting() != null) {
          s.append(", waiting: ").append(c.getState().getWaiting().getReason());
        }
      }
      parts.add(s.toString());
    }
    return String.join("; ", parts);
  }

  static List<ContainerStatus> containerStatuses(Pod p) {
    return p.getStatus() == null || p.getStatus().getContainerStatuses() == null ? List.of()
        : p.getStatus().getContainerStatuses();
  }

  static boolean ready(Pod p) {
    if (p.getStatus() == null || p.getStatus().getPodIP() == null || p.getStatus().getConditions() == null) {
      return false;
    }
    return p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Pod IP and the worker's port (the container's, unless the pod's annotation says otherwise). */
  static URI uri(Pod p) {
    String ip = p.getStatus().getPodIP();
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    String port = Manifests.annotation(p, Manifests.PORT_ANNOTATION);
    return URI.create("http://" + host + ":" + (port != null ? port : Integer.toString(Manifests.WORKER_PORT)));
  }
}
