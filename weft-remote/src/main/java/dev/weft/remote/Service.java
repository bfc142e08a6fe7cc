package dev.weft.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A deployed service as this process calls it: its replicas (calls go round-robin), the back
 * end that restarts a replica that stopped answering, and where streamed logs go by default.
 * Shared by every handle made for it. Thread-safe.
 */
final class Service {
  final ComputeBackend backend;
  private volatile DeployedService deployed;
  private final AtomicInteger next = new AtomicInteger();
  /** Where per-call log lines go when the deployment asked for log streaming; null if it did not. */
  final Consumer<String> streamedLogs;
  private volatile boolean tornDown;

  Service(ComputeBackend backend, DeployedService deployed, boolean streamLogs) {
    this.backend = backend;
    this.deployed = deployed;
    String prefix = "[" + deployed.name() + "] ";
    this.streamedLogs = streamLogs ? line -> System.err.println(prefix + line) : null;
  }

  String name() {
    return deployed.name();
  }

  DeployedService deployed() {
    return deployed;
  }

  Endpoint pick() {
    if (tornDown) {
      throw new IllegalStateException("service '" + name() + "' was torn down by this handle; deploy it again to call it");
    }
    List<Endpoint> r = deployed.replicas();
    return r.get(Math.floorMod(next.getAndIncrement(), r.size()));
  }

  /** The replica's endpoint once it answers again, restarted if need be (once, however many callers ask). */
  Endpoint recover(Endpoint failed) {
    synchronized (this) {
      Endpoint current = deployed.replicas().get(failed.replica());
      if (!current.equals(failed)) {
        return current; // another caller already recovered it
      }
      Endpoint fresh = backend.recover(deployed, failed.replica());
      List<Endpoint> replicas = new ArrayList<>(deployed.replicas());
      replicas.set(failed.replica(), fresh);
      deployed = new DeployedService(deployed.spec(), replicas, deployed.logFile());
      return fresh;
    }
  }

  String origin(Endpoint e) {
    return "service " + name() + ", replica " + e.replica() + ", pid " + e.pid();
  }

  List<Long> pids() {
    return deployed.replicas().stream().map(Endpoint::pid).toList();
  }

  void teardown() {
    tornDown = true;
    backend.teardown(name());
  }
}
