package dev.weft.remote;

import java.nio.file.Path;

/** Test access to what a handle calls: the back end of a registry directory, a handle's endpoints. */
final class Workers {
  private Workers() {}

  static ComputeBackend at(Path registry) {
    return ComputeBackend.localProcesses(registry);
  }

  static Endpoint endpoint(RemoteFunction f) {
    return f.service.deployed().replicas().get(0);
  }

  static Endpoint endpoint(RemoteService<?> s) {
    return s.service.deployed().replicas().get(0);
  }

  /** SIGKILLs the worker and waits until it is gone (its sockets closed). */
  static void kill(long pid) {
    ProcessHandle.of(pid).ifPresent(p -> {
      p.destroyForcibly();
      p.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
    });
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
