package dev.weft.remote;

import dev.weft.remote.wire.Wire;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

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

  /** How many calls the worker at {@code e} is running, as its health check reports. */
  static int inFlight(Endpoint e) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(e.uri() + Wire.HEALTH))
        .header("Authorization", "Bearer " + e.token()).build(), HttpResponse.BodyHandlers.ofString());
    return ((Number) ((Map<?, ?>) Wire.CODEC.decode(r.body(), Map.class)).get("inFlight")).intValue();
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
