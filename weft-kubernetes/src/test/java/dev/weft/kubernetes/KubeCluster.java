package dev.weft.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Kubernetes API (fabric8's mock server in CRUD mode: objects are stored, listed by label,
 * watched; a second create of a name is refused with 409) with a {@link Kubelet} running real
 * worker processes for its pods. One per test class; each test takes a namespace of its own.
 * The back end's client sends a user agent of its own, so that its requests can be told from the
 * kubelet's ({@link #backendRequests()}).
 */
final class KubeCluster implements AutoCloseable {
  static final String BACKEND_AGENT = "weft-backend-under-test";
  /** Held: JUL keeps loggers weakly, and a collected one forgets its level. */
  private static final Logger QUIET = Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  final KubernetesMockServer server;
  /** The back end's client. */
  final KubernetesClient client;
  private final KubernetesClient kubeletClient;
  final Kubelet kubelet;
  final Path dir;
  private final List<RecordedRequest> recorded = new ArrayList<>();

  KubeCluster() {
    QUIET.setLevel(Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), expectations,
        new KubernetesMixedDispatcher(expectations), false);
    server.init();
    client = client(BACKEND_AGENT);
    kubeletClient = client("kubelet");
    try {
      dir = Files.createTempDirectory("weft-kube-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    kubelet = new Kubelet(kubeletClient, dir);
  }

  private KubernetesClient client(String agent) {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(server.createClient().getConfiguration()).withUserAgent(agent).build())
        .withHttpClientFactory(new JdkHttpClientFactory())
        .build();
  }

  /** A namespace no other test of this class uses. */
  static String namespace() {
    return "t" + NAMESPACES.incrementAndGet();
  }

  /** A back end on {@code namespace}, with an image name (the kubelet runs this JVM's class path instead). */
  KubernetesCompute backend(String namespace) {
    return KubernetesCompute.builder().client(client).namespace(namespace).image("example.org/weft-tests:1").build();
  }

  List<Deployment> deployments(String namespace) {
    return client.apps().deployments().inNamespace(namespace).list().getItems();
  }

  /** Every request the back end's client sent so far ({@code METHOD path}). */
  synchronized List<String> backendRequests() {
    try {
      RecordedRequest r;
      while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        recorded.add(r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return recorded.stream().filter(r -> BACKEND_AGENT.equals(r.getHeader("User-Agent")))
        .map(r -> r.getMethod() + " " + r.getPath()).toList();
  }

  @Override
  public void close() {
    kubelet.close();
    kubeletClient.close();
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException slowToClose) {
      // The mock server waits a few seconds for its connections (a watch's web socket) to close and
      // then gives up; the tests are over and its port is freed with this JVM.
      System.err.println("mock API server: " + slowToClose.getMessage());
    }
  }
}
