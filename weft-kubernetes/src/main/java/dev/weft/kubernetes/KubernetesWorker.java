package dev.weft.kubernetes;

import com.sun.net.httpserver.HttpServer;
import dev.weft.remote.worker.WorkerMain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The entry point of a worker pod's container, as the Deployment the Kubernetes back end makes
 * starts it: {@code java ... -cp <the image's class path> dev.weft.kubernetes.KubernetesWorker}.
 * Not an API; what it reads may change in any release.
 *
 * <p>It runs the same worker as the local back end ({@link WorkerMain}) in this JVM, with the
 * service's spec from {@code WEFT_SERVICE_SPEC} (JSON) and its token from {@code WEFT_WORKER_TOKEN}
 * (both from the service's Secret), listening on {@code WEFT_WORKER_PORT} of {@code
 * WEFT_WORKER_BIND}. Beside it, on {@code WEFT_PROBE_PORT}, it answers the kubelet's readiness
 * probe: {@code GET /ready} is 200 while the worker answers its own health check, which needs the
 * token that a probe in a pod spec cannot carry without writing it into the Deployment. Exit status
 * 2 means it could not start (the reason is on its standard error, which the kubelet keeps as the
 * container's termination message).
 */
public final class KubernetesWorker {
  private static final Pattern PORT = Pattern.compile("\"port\"\\s*:\\s*(\\d+)");

  private KubernetesWorker() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    String spec = env.get(Manifests.SPEC_ENV);
    if (spec == null || spec.isBlank()) {
      System.err.println("weft worker: " + Manifests.SPEC_ENV + " is not set; this is the entry point of pods the"
          + " Kubernetes back end makes, with the service's spec from its Secret");
      System.exit(2);
    }
    int probePort;
    try {
      probePort = Integer.parseInt(env.getOrDefault(Manifests.PROBE_PORT_ENV, Integer.toString(Manifests.PROBE_PORT)).strip());
    } catch (NumberFormatException e) {
      System.err.println("weft worker: " + Manifests.PROBE_PORT_ENV + " must be a port number; was '"
          + env.get(Manifests.PROBE_PORT_ENV) + "'");
      System.exit(2);
      return;
    }
    Path dir = Files.createTempDirectory("weft-worker");
    Path specFile = dir.resolve("spec.json");
    Files.writeString(specFile, spec);
    Path endpointFile = dir.resolve("endpoint.json");
    // Replica 0: a pod does not know its place among the Deployment's; callers number replicas themselves.
    WorkerMain.main(new String[] {specFile.toString(), "0", endpointFile.toString(), "0",
        Integer.toString(Runtime.getRuntime().availableProcessors())});
    Matcher m = PORT.matcher(Files.readString(endpointFile));
    if (!m.find()) {
      System.err.println("weft worker: cannot read the port from " + endpointFile);
      System.exit(2);
    }
    String bind = env.getOrDefault(Manifests.BIND_ENV, "127.0.0.1").strip();
    URI health = URI.create("http://127.0.0.1:" + m.group(1) + "/v1/health");
    startProbe(InetAddress.getByName(bind.isEmpty() ? "127.0.0.1" : bind), probePort, health, env.get(Manifests.TOKEN_ENV));
  }

  /** Answers {@code GET /ready} on {@code port} of {@code bind} with what the worker's health check at {@code health} says. */
  private static void startProbe(InetAddress bind, int port, URI health, String token) throws IOException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ask = HttpRequest.newBuilder(health).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(2)).GET().build();
    HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 16);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(Manifests.READY_PATH, exchange -> {
      try (exchange) {
        int status;
        try {
          status = client.send(ask, HttpResponse.BodyHandlers.discarding()).statusCode() == 200 ? 200 : 503;
        } catch (IOException e) {
          status = 503;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          status = 503;
        }
        exchange.sendResponseHeaders(status, -1);
      }
    });
    server.start();
  }
}
