package dev.weft.remote;

import java.util.List;
import java.util.Objects;

/**
 * A service as a back end reports it once every replica is healthy. A record: immutable and
 * thread-safe.
 *
 * @param spec what it runs
 * @param replicas one endpoint per replica, by index
 * @param logFile where its workers' output goes (for people; may be empty when a back end keeps
 *     no file)
 */
public record DeployedService(ServiceSpec spec, List<Endpoint> replicas, String logFile) {
  public DeployedService {
    Objects.requireNonNull(spec, "spec");
    replicas = List.copyOf(replicas);
    if (replicas.isEmpty()) {
      throw new IllegalArgumentException("a deployed service has at least one replica");
    }
    Objects.requireNonNull(logFile, "logFile");
  }

  public String name() {
    return spec.name();
  }
}
