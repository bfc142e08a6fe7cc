package dev.weft.kubernetes;

import dev.weft.remote.DeploymentException;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Calls of the API server, whose failures become {@link DeploymentException}s saying what was being done. */
final class Api {
  private Api() {}

  interface Call<T> {
    T run();
  }

  static <T> T call(String what, Call<T> call) {
    try {
      return call.run();
    } catch (KubernetesClientException e) {
      throw failed(what, e);
    }
  }

  static DeploymentException failed(String what, KubernetesClientException e) {
    String answer = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    String hint = switch (e.getCode()) {
      case 401 -> "; the client's credentials were refused (check the kube-config or service account)";
      case 403 -> "; the service account or user lacks a permission (docs/KUBERNETES.md lists the Role it needs)";
      default -> "";
    };
    return new DeploymentException("could not " + what + " (Kubernetes API answered " + e.getCode() + ": " + answer + ")"
        + hint, e);
  }
}
