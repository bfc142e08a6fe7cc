package dev.weft.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the cluster's controllers and kubelet against a mock API server, for the back end's tests:
 * it watches Deployments, Pods and Secrets made by Weft, and on every change reconciles as the
 * ReplicaSet controller and the garbage collector would (each Deployment has its number of pods of
 * its current template; pods whose Deployment is gone are deleted), and runs each pod's container
 * as the kubelet would: a REAL process running the container's command, with its environment
 * resolved (values, Secret keys, the pod's name and IP), then sets the pod Ready once its readiness
 * probe answers 200.
 *
 * <p>What differs from a cluster, and why: every pod runs on this machine with IP 127.0.0.1, so
 * each container port gets a free port of the machine, environment variables {@code *_PORT} that
 * name a container port are given that port instead, the worker binds loopback, and the pod is
 * annotated {@code weft.dev/port} with the worker's port (the override the back end honours). The
 * image is not pulled: {@code java} becomes this JVM's and the class path after {@code -cp} this
 * JVM's. A container whose process ends after it was ready loses its pod, which the "ReplicaSet"
 * replaces (a new pod name, a new process), unless the test asked for a restart in place (the same
 * pod, address and ports, its restart count one more); one that ends before it was ready leaves its
 * pod in {@code CrashLoopBackOff}, with the end of its output as the termination message ({@code
 * FallbackToLogsOnError}).
 *
 * <p>Thread-safe: reconciling runs on one thread; each container is started on a virtual thread.
 */
final class Kubelet implements AutoCloseable {
  private static final HttpClient PROBES = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** A container this kubelet runs, by pod. */
  record Running(String namespace, String pod, String deployment, Process process, Map<Integer, Integer> ports,
      int restarts, Path log, AtomicBoolean ready, AtomicBoolean restartInPlace) {}

  private final KubernetesClient client;
  private final Path logs;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  /** Pods whose container is starting (waiting for the Secret, or its probe), by namespace/name. */
  private final Map<String, Boolean> starting = new ConcurrentHashMap<>();
  private final ExecutorService reconciler = Executors.newSingleThreadExecutor(
      Thread.ofPlatform().daemon().name("kubelet-reconcile").factory());
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicInteger podsCreated = new AtomicInteger();
  private final List<Watch> watches = new ArrayList<>();
  private volatile boolean closed;

  Kubelet(KubernetesClient client, Path logs) {
    this.client = client;
    this.logs = logs;
    watches.add(client.apps().deployments().inAnyNamespace().withLabel(Manifests.MANAGED_BY, Manifests.WEFT)
        .watch(new Poke<>()));
    watches.add(client.pods().inAnyNamespace().withLabel(Manifests.MANAGED_BY, Manifests.WEFT).watch(new Poke<>()));
    watches.add(client.secrets().inAnyNamespace().withLabel(Manifests.MANAGED_BY, Manifests.WEFT).watch(new Poke<>()));
    reconcile();
  }

  /** The processes running for pods now, by pod name. */
  Map<String, Running> containers() {
    return Map.copyOf(running);
  }

  /** The pod of the one container running in {@code namespace}. */
  String onlyPod(String namespace) {
    List<Running> there = running.values().stream().filter(r -> r.namespace().equals(namespace)).toList();
    if (there.size() != 1) {
      throw new IllegalStateException(there.size() + " containers run in namespace " + namespace + ", not one");
    }
    return there.get(0).pod();
  }

  /** How many pods it has created (replacements included). */
  int podsCreated() {
    return podsCreated.get();
  }

  /** Kills the process of {@code pod} as a crash would (SIGKILL): the pod is lost, and replaced. */
  void crash(String pod) {
    Running r = Objects.requireNonNull(running.get(pod), () -> "no container runs for pod " + pod);
    r.process().destroyForcibly();
  }

  /**
   * Kills the process of {@code pod}, which the kubelet then starts again in the same pod (same
   * address and ports, restart count one more), as {@code restartPolicy: Always} does.
   */
  void crashAndRestartInPlace(String pod) {
    Running r = Objects.requireNonNull(running.get(pod), () -> "no container runs for pod " + pod);
    r.restartInPlace().set(true);
    r.process().destroyForcibly();
  }

  private final class Poke<T> implements Watcher<T> {
    @Override
    public void eventReceived(Action action, T resource) {
      reconcile();
    }

    @Override
    public void onClose(WatcherException cause) {
      // the mock server went away, or the test ended
    }
  }

  /** Asks for a round of reconciling; rounds asked for while one is queued are one round. */
  void reconcile() {
    if (closed || !pending.compareAndSet(false, true)) {
      return;
    }
    reconciler.execute(() -> {
      pending.set(false);
      if (closed) {
        return;
      }
      try {
        round();
      } catch (RuntimeException e) {
        if (!closed) {
          System.err.println("kubelet: reconciling failed, trying again: " + e);
          reconcile();
        }
      }
    });
  }

  private void round() {
    List<Deployment> deployments = client.apps().deployments().inAnyNamespace()
        .withLabel(Manifests.MANAGED_BY, Manifests.WEFT).list().getItems();
    List<Pod> pods = client.pods().inAnyNamespace().withLabel(Manifests.MANAGED_BY, Manifests.WEFT).list().getItems();
    Map<String, Pod> byKey = new HashMap<>();
    pods.forEach(p -> byKey.put(key(p.getMetadata().getNamespace(), p.getMetadata().getName()), p));

    // Containers whose pod is gone: stop them (the pod was deleted).
    for (Running r : List.copyOf(running.values())) {
      if (!byKey.containsKey(key(r.namespace(), r.pod()))) {
        stop(r);
      }
    }
    // Garbage collection: pods of no current Deployment (deleted, or of an earlier template).
    for (Pod p : pods) {
      Optional<Deployment> owner = deployments.stream().filter(d -> owns(d, p)).findFirst();
      if (owner.isEmpty()) {
        deletePod(p);
      }
    }
    // The ReplicaSet controller: as many pods as each Deployment wants.
    for (Deployment d : deployments) {
      List<Pod> own = pods.stream().filter(p -> owns(d, p)).toList();
      int wanted = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
      for (int i = own.size(); i < wanted; i++) {
        createPod(d);
      }
      for (int i = wanted; i < own.size(); i++) {
        deletePod(own.get(i));
      }
    }
    // The kubelet: start the containers of pods that have none.
    for (Pod p : pods) {
      String k = key(p.getMetadata().getNamespace(), p.getMetadata().getName());
      if (deployments.stream().anyMatch(d -> owns(d, p)) && !running.containsKey(p.getMetadata().getName())
          && !crashed(p) && starting.putIfAbsent(k, Boolean.TRUE) == null) {
        Thread.ofVirtual().name("kubelet-start-" + p.getMetadata().getName()).start(() -> {
          try {
            start(p, Optional.empty(), 0);
          } finally {
            starting.remove(k);
            if (!running.containsKey(p.getMetadata().getName())) {
              // Not started (its Secret was not there yet): a round that ran meanwhile skipped
              // this pod as starting, so ask for another, as a kubelet retries a container.
              reconcile();
            }
          }
        });
      }
    }
  }

  private static boolean owns(Deployment d, Pod p) {
    Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
    Map<String, String> labels = p.getMetadata().getLabels();
    return d.getMetadata().getNamespace().equals(p.getMetadata().getNamespace()) && labels != null
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static boolean crashed(Pod p) {
    return p.getStatus() != null && p.getStatus().getContainerStatuses() != null
        && p.getStatus().getContainerStatuses().stream().anyMatch(c -> c.getState() != null && c.getState().getWaiting() != null);
  }

  private void createPod(Deployment d) {
    String name = d.getMetadata().getName() + "-" + HexFormat.of().formatHex(new byte[] {
        (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt(),
        (byte) ThreadLocalRandom.current().nextInt()});
    Pod pod = new PodBuilder()
        .withNewMetadata()
          .withName(name).withNamespace(d.getMetadata().getNamespace())
          .withLabels(d.getSpec().getTemplate().getMetadata().getLabels())
          .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
              .withName(d.getMetadata().getName()).withUid(d.getMetadata().getUid()).withController(true).build())
        .endMetadata()
        .withSpec(d.getSpec().getTemplate().getSpec())
        .withStatus(new PodStatusBuilder().withPhase("Pending").build())
        .build();
    client.pods().inNamespace(d.getMetadata().getNamespace()).resource(pod).create();
    podsCreated.incrementAndGet();
  }

  private void deletePod(Pod p) {
    client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName()).delete();
    Running r = running.get(p.getMetadata().getName());
    if (r != null) {
      stop(r);
    }
  }

  private void stop(Running r) {
    running.remove(r.pod(), r);
    r.process().destroy(); // SIGTERM, as the kubelet sends
    try {
      if (!r.process().waitFor(10, TimeUnit.SECONDS)) {
        r.process().destroyForcibly();
      }
    } catch (InterruptedException e) {
      r.process().destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  // ---- one container ----

  /** Starts the pod's container, on the ports it had if it ran before in this pod, else on new ones. */
  private void start(Pod pod, Optional<Map<Integer, Integer>> before, int restarts) {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    Container c = pod.getSpec().getContainers().get(0);
    Map<Integer, Integer> ports = new HashMap<>(before.orElse(Map.of()));
    for (ContainerPort p : c.getPorts()) {
      ports.computeIfAbsent(p.getContainerPort(), k -> freePort());
    }
    Optional<Map<String, String>> env = environment(pod, c, ports);
    if (env.isEmpty()) {
      return; // its Secret is not there yet: the caller asks for another round
    }
    List<String> command = new ArrayList<>(c.getCommand());
    command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.set(command.indexOf("-cp") + 1, System.getProperty("java.class.path"));
    Path log = logs.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pb.environment().putAll(env.get());
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int workerPort = ports.get(Manifests.WORKER_PORT);
    Running r = new Running(ns, name, pod.getMetadata().getLabels().get(Manifests.SERVICE), process, ports, restarts,
        log, new AtomicBoolean(), new AtomicBoolean());
    running.put(name, r);
    process.onExit().thenRun(() -> exited(r));
    int probePort = ports.get(((Number) portOf(c)).intValue());
    URI probe = URI.create("http://127.0.0.1:" + probePort + c.getReadinessProbe().getHttpGet().getPath());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (process.isAlive() && running.get(name) == r && System.nanoTime() < deadline) {
      if (answers(probe)) {
        client.pods().inNamespace(ns).withName(name).edit(p -> new PodBuilder(p).editMetadata()
            .addToAnnotations(Manifests.PORT_ANNOTATION, Integer.toString(workerPort)).endMetadata().build());
        client.pods().inNamespace(ns).withName(name).editStatus(p -> new PodBuilder(p).withStatus(new PodStatusBuilder()
            .withPhase("Running").withPodIP("127.0.0.1")
            .addNewCondition().withType("Ready").withStatus("True").endCondition()
            .addToContainerStatuses(new ContainerStatusBuilder().withName(c.getName()).withReady(true).withRestartCount(restarts)
                .withNewState().withNewRunning().endRunning().endState().build())
            .build()).build());
        r.ready().set(true);
        return;
      }
      try {
        process.waitFor(25, TimeUnit.MILLISECONDS); // the probe's period, shortened for tests
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static Object portOf(Container c) {
    var port = c.getReadinessProbe().getHttpGet().getPort();
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
        .orElseThrow(() -> new IllegalStateException("the probe's port " + port.getStrVal() + " is not a container port"))
        .getContainerPort();
  }

  /** The container's environment as the kubelet resolves it, or empty while a Secret it names is missing. */
  private Optional<Map<String, String>> environment(Pod pod, Container c, Map<Integer, Integer> ports) {
    Map<String, String> env = new HashMap<>();
    for (EnvVar v : c.getEnv()) {
      String value;
      if (v.getValueFrom() == null) {
        value = v.getValue();
      } else if (v.getValueFrom().getSecretKeyRef() != null) {
        var ref = v.getValueFrom().getSecretKeyRef();
        Secret s = client.secrets().inNamespace(pod.getMetadata().getNamespace()).withName(ref.getName()).get();
        if (s == null || s.getData() == null || !s.getData().containsKey(ref.getKey())) {
          return Optional.empty();
        }
        value = new String(Base64.getDecoder().decode(s.getData().get(ref.getKey())), StandardCharsets.UTF_8);
      } else if (v.getValueFrom().getFieldRef() != null) {
        String path = v.getValueFrom().getFieldRef().getFieldPath();
        value = switch (path) {
          case "metadata.name" -> pod.getMetadata().getName();
          case "metadata.namespace" -> pod.getMetadata().getNamespace();
          case "status.podIP" -> "127.0.0.1";
          default -> throw new IllegalStateException("this kubelet does not resolve fieldRef " + path);
        };
      } else {
        throw new IllegalStateException("this kubelet does not resolve " + v.getValueFrom());
      }
      env.put(v.getName(), value);
    }
    // This machine's network, shared by every pod: loopback, and a port of its own for each container port.
    env.computeIfPresent(Manifests.BIND_ENV, (k, v) -> "127.0.0.1");
    env.replaceAll((k, v) -> k.endsWith("_PORT") && v.matches("\\d+") && ports.containsKey(Integer.parseInt(v))
        ? Integer.toString(ports.get(Integer.parseInt(v))) : v);
    return Optional.of(env);
  }

  /** After a container's process ended: as described in the class comment. */
  private void exited(Running r) {
    String k = key(r.namespace(), r.pod());
    boolean again = r.restartInPlace().get();
    if (again) {
      starting.put(k, Boolean.TRUE); // so that no round starts the pod's container meanwhile
    }
    if (!running.remove(r.pod(), r) || closed) {
      starting.remove(k);
      return; // stopped on purpose
    }
    var pod = client.pods().inNamespace(r.namespace()).withName(r.pod());
    if (again) {
      Pod notReady = pod.editStatus(p -> new PodBuilder(p).editStatus().withConditions(new PodConditionBuilder()
          .withType("Ready").withStatus("False").withReason("ContainersNotReady").build()).endStatus().build());
      Thread.ofVirtual().name("kubelet-restart-" + r.pod()).start(() -> {
        try {
          start(notReady, Optional.of(r.ports()), r.restarts() + 1);
        } finally {
          starting.remove(k);
        }
      });
      return;
    }
    if (r.ready().get()) {
      pod.delete(); // lost with its process; the controller replaces it
    } else {
      String tail = tail(r.log());
      pod.editStatus(p -> new PodBuilder(p).withStatus(new PodStatusBuilder().withPhase("Running")
          .addNewCondition().withType("Ready").withStatus("False").withReason("ContainersNotReady").endCondition()
          .addToContainerStatuses(new ContainerStatusBuilder().withName(Manifests.CONTAINER).withReady(false).withRestartCount(1)
              .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
              .withMessage("back-off restarting failed container").endWaiting().endState()
              .withNewLastState().withNewTerminated().withExitCode(r.process().exitValue()).withReason("Error")
              .withMessage(tail).endTerminated().endLastState()
              .build())
          .build()).build());
    }
    reconcile();
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean answers(URI probe) {
    try {
      return PROBES.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(1)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /** Stops watching and kills every container it runs. */
  @Override
  public void close() {
    closed = true;
    watches.forEach(Watch::close);
    reconciler.shutdownNow();
    List<Running> all = List.copyOf(running.values());
    running.clear();
    all.forEach(r -> r.process().destroyForcibly());
    all.forEach(r -> r.process().onExit().join());
  }
}
