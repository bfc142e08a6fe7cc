package dev.weft.remote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local back end with each worker behind a {@link LossyProxy}: callers are given the proxy's
 * address as the replica's endpoint, with the worker's own pid and token, so a live worker is
 * recovered as the same endpoint and a restarted one as another. Thread-safe.
 */
final class ProxiedBackend implements ComputeBackend, AutoCloseable {
  private final ComputeBackend local;
  private final Map<Integer, LossyProxy> byWorkerPort = new ConcurrentHashMap<>();

  ProxiedBackend(ComputeBackend local) {
    this.local = local;
  }

  /** The proxy in front of the worker a handle's first replica calls. */
  LossyProxy proxyOf(RemoteFunction f) {
    int port = Workers.endpoint(f).uri().getPort();
    return byWorkerPort.values().stream().filter(p -> p.port() == port).findFirst().orElseThrow();
  }

  @Override
  public DeployedService deploy(ServiceSpec spec, Compute compute, boolean reuseExisting) {
    return proxied(local.deploy(spec, compute, reuseExisting));
  }

  @Override
  public Optional<DeployedService> find(String name) {
    return local.find(name).map(this::proxied);
  }

  @Override
  public Endpoint recover(DeployedService service, int replica) {
    return proxied(local.recover(service, replica));
  }

  @Override
  public List<DeployedService> list() {
    return local.list().stream().map(this::proxied).toList();
  }

  @Override
  public void teardown(String name) {
    local.teardown(name);
  }

  @Override
  public void close() throws IOException {
    for (LossyProxy p : byWorkerPort.values()) {
      p.close();
    }
  }

  private DeployedService proxied(DeployedService d) {
    return new DeployedService(d.spec(), d.replicas().stream().map(this::proxied).toList(), d.logFile());
  }

  private Endpoint proxied(Endpoint e) {
    LossyProxy proxy = byWorkerPort.computeIfAbsent(e.uri().getPort(), port -> {
      try {
        return new LossyProxy(port);
      } catch (IOException x) {
        throw new UncheckedIOException(x);
      }
    });
    return new Endpoint(URI.create("http://127.0.0.1:" + proxy.port()), e.token(), e.replica(), e.pid());
  }
}
