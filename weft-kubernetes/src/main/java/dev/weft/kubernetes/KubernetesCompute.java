package dev.weft.kubernetes;

import dev.weft.kubernetes.Observed.Replica;
import dev.weft.remote.Compute;
import dev.weft.remote.ComputeBackend;
import dev.weft.remote.DeployedService;
import dev.weft.remote.DeploymentException;
import dev.weft.remote.Endpoint;
import dev.weft.remote.ServiceSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Remote services on Kubernetes: a {@link ComputeBackend} that makes each service a Deployment of
 * worker pods, a Service and a Secret in one namespace, so that any process with access to the
 * namespace finds, calls and tears down what another deployed.
 *
 * <pre>{@code
 * KubernetesCompute kube = KubernetesCompute.builder().image("registry.example.com/orders:1.4").build();
 * RemoteFn1<Integer, Integer> twice = Remote.fn(Numbers::twice).backend(kube).to(Compute.builder().cpus("0.5").build());
 * }</pre>
 *
 * <p>{@link #deploy} creates the Deployment ({@link Compute#replicas()} pods of the compute's image,
 * or this back end's, requesting its CPUs and memory, with its memory and GPUs ({@code
 * nvidia.com/gpu}) as limits), then the Secret holding a fresh worker token and the spec, then the
 * Service, and returns once every pod is ready and its worker answers its health check with the
 * token. Two processes deploying one name at once both create the Deployment; the API server
 * accepts one and refuses the other (409 Conflict), which then waits for the winner's pods and
 * uses them. Calls go straight to the pods (pod IP and the worker's container port), so the
 * calling process must run inside the cluster's pod network.
 *
 * <p>{@link #find} selects by the service's labels; {@link #recover} waits for the Deployment to
 * replace a pod that stopped answering (a new pod, with another address and process), and tells a
 * container the kubelet restarted in place from the worker that ran there before; {@link
 * #teardown} deletes the Deployment, Service and Secret. A service deployed with an {@link
 * Compute#inactivityTtl()} carries it as an annotation; {@link #reapIdle()} tears down those whose
 * workers have all been idle that long, and runs every {@link Builder#reapEvery reapEvery} in any
 * process that deployed such a service here.
 *
 * <p>Thread-safe. Every operation blocks: on the API server (the client's request timeout), on
 * workers' health checks (a few seconds each), and (deploy, recover) on pods becoming ready within
 * {@link Compute#launchTimeout()} (recover: the launch timeout the service was deployed with). An
 * interrupt ends a wait with a {@link DeploymentException}. Failures of the API server are
 * {@link DeploymentException}s naming what was being done and the server's answer.
 */
public final class KubernetesCompute implements ComputeBackend, AutoCloseable {
  /** Where Jib puts an application's classes and dependencies in the images it makes. */
  public static final String JIB_CLASS_PATH = "/app/resources:/app/classes:/app/libs/*";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Duration FIRST_PAUSE = Duration.ofMillis(20);
  private static final Duration LONGEST_PAUSE = Duration.ofMillis(200);

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final String namespace;
  private final Optional<String> image;
  private final String java;
  private final String classPath;
  private final Duration reapEvery;
  private final Map<HandedOut, Incarnation> handedOut = new ConcurrentHashMap<>();
  private final Object reaperLock = new Object();
  private ScheduledExecutorService reaper;

  private KubernetesCompute(Builder b) {
    this.ownsClient = b.client == null;
    this.client = b.client != null ? b.client : new KubernetesClientBuilder().build();
    this.namespace = b.namespace != null ? b.namespace : Objects.requireNonNullElse(client.getNamespace(), "default");
    this.image = Optional.ofNullable(b.image);
    this.java = b.java;
    this.classPath = b.classPath;
    this.reapEvery = b.reapEvery;
  }

  /**
   * The back end on the cluster and namespace of the usual configuration: inside a pod its service
   * account, else {@code $KUBECONFIG} or {@code ~/.kube/config} (its current context's namespace,
   * else {@code default}). Services need {@link Compute#image(String)} set.
   */
  public static KubernetesCompute create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The namespace its services live in. */
  public String namespace() {
    return namespace;
  }

  // ---- the four operations ----

  @Override
  public DeployedService deploy(ServiceSpec spec, Compute compute, boolean reuseExisting) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(compute, "compute");
    String name = spec.name();
    if (!DNS_1035.matcher(name).matches()) {
      throw new DeploymentException("service name '" + name + "' cannot name a Kubernetes Service, which must start"
          + " with a letter; deploy under a name such as 's-" + name + "'");
    }
    Manifests.Image container = new Manifests.Image(compute.image().or(() -> image).orElseThrow(
        () -> new DeploymentException("service '" + name + "' has no image to run on Kubernetes: set Compute.image(...)"
            + " or KubernetesCompute.builder().image(...) to an image holding your application's classes")), java, classPath);
    long deadline = System.nanoTime() + compute.launchTimeout().toNanos();
    Deployment existing = Api.call("read the Deployment of service '" + name + "'", () -> deployments().withName(name).get());
    if (existing != null) {
      requireOurs(existing);
      if (reuseExisting) {
        requireSameTarget(existing, spec);
        return awaitReady(name, deadline, compute.launchTimeout());
      }
      delete(name);
    }
    if (compute.inactivityTtl().isPresent()) {
      startReaper();
    }
    String instance = HexFormat.of().formatHex(bytes(5));
    String token = HexFormat.of().formatHex(bytes(24));
    Deployment made;
    try {
      made = deployments().resource(Manifests.deployment(spec, compute, container, instance)).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw Api.failed("create the Deployment of service '" + name + "'", e);
      }
      // Another process created it first: use that one, if it runs the same.
      Deployment theirs = Api.call("read the Deployment of service '" + name + "'", () -> deployments().withName(name).get());
      if (theirs == null) {
        throw new DeploymentException("service '" + name + "' was deployed and torn down by others while this process"
            + " deployed it; deploy it again");
      }
      requireOurs(theirs);
      requireSameTarget(theirs, spec);
      return awaitReady(name, deadline, compute.launchTimeout());
    }
    try {
      // Created or replaced: one left by a deployment that stopped halfway is of no use.
      Api.call("create the Secret of service '" + name + "'",
          () -> client.secrets().inNamespace(namespace).resource(Manifests.secret(spec, token, made))
              .createOr(NonDeletingOperation::update));
      Api.call("create the Service of service '" + name + "'",
          () -> client.services().inNamespace(namespace).resource(Manifests.service(spec, made))
              .createOr(NonDeletingOperation::update));
      DeployedService ready = awaitReady(name, deadline, compute.launchTimeout());
      if (compute.inactivityTtl().isPresent()) {
        String at = Instant.now().toString();
        Api.call("mark the Deployment of service '" + name + "' deployed", () -> deployments().withName(name).edit(d -> {
          d.getMetadata().getAnnotations().put(Manifests.DEPLOYED_AT_ANNOTATION, at);
          return d;
        }));
      }
      return ready;
    } catch (RuntimeException e) {
      try {
        delete(name); // what this call made, so that a failed deployment leaves nothing behind
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** {@inheritDoc} The workers run from the image: {@code classPath} must be in it already, so it is not used. */
  @Override
  public DeployedService deploy(ServiceSpec spec, Compute compute, boolean reuseExisting, List<Path> classPath) {
    return deploy(spec, compute, reuseExisting);
  }

  @Override
  public Optional<DeployedService> find(String name) {
    Objects.requireNonNull(name, "name");
    Optional<Observed> observed = observe(name);
    if (observed.isEmpty()) {
      return Optional.empty();
    }
    List<Replica> live = live(observed.get());
    return live.isEmpty() ? Optional.empty() : Optional.of(observed.get().service(live));
  }

  @Override
  public Endpoint recover(DeployedService service, int replica) {
    String name = service.name();
    Endpoint failed = service.replicas().get(replica);
    Set<URI> taken = service.replicas().stream().filter(e -> e.replica() != replica).map(Endpoint::uri)
        .collect(Collectors.toSet());
    Observed first = observe(name).orElseThrow(() -> tornDown(name));
    long deadline = System.nanoTime() + first.launchTimeout().toNanos();
    Duration pause = FIRST_PAUSE;
    while (true) {
      Observed now = observe(name).orElseThrow(() -> tornDown(name));
      List<Replica> replicas = live(now);
      for (Replica r : replicas) {
        if (HandedOut.of(name, r.endpoint()).equals(HandedOut.of(name, failed))) {
          Incarnation then = handedOut.get(HandedOut.of(name, failed));
          if (then == null || then.equals(Incarnation.of(r.pod()))) {
            return failed; // it answers again: the same worker still serves the replica
          }
          // Restarted in place by the kubelet: the same address, token and (in its container) pid,
          // but another process, which does not know the calls sent to the one before.
          return new Endpoint(failed.uri(), failed.token(), replica, -1);
        }
      }
      List<Endpoint> live = replicas.stream().map(Replica::endpoint).toList();
      // Wait for a pod no other replica uses (the Deployment's replacement); at the deadline take any.
      Optional<Endpoint> fresh = live.stream().filter(e -> !taken.contains(e.uri())).findFirst();
      if (fresh.isEmpty() && System.nanoTime() > deadline && !live.isEmpty()) {
        fresh = Optional.of(live.get(0));
      }
      if (fresh.isPresent()) {
        Endpoint e = fresh.get();
        return new Endpoint(e.uri(), e.token(), replica, e.pid());
      }
      if (System.nanoTime() > deadline) {
        throw new DeploymentException("no pod of service '" + name + "' became ready to replace replica " + replica
            + " within its launch timeout of " + now.launchTimeout() + ": " + now.describe());
      }
      pause = pause(pause, name);
    }
  }

  @Override
  public List<DeployedService> list() {
    List<Deployment> all = Api.call("list the Deployments in namespace " + namespace,
        () -> deployments().withLabel(Manifests.MANAGED_BY, Manifests.WEFT).list().getItems());
    List<DeployedService> running = new ArrayList<>();
    for (Deployment d : all.stream().sorted(Comparator.comparing(d -> d.getMetadata().getName())).toList()) {
      find(d.getMetadata().getName()).ifPresent(running::add);
    }
    return running;
  }

  @Override
  public void teardown(String name) {
    Objects.requireNonNull(name, "name");
    delete(name);
  }

  /**
   * Tears down every service of this namespace deployed with an {@link Compute#inactivityTtl()}
   * whose workers have all gone that long without a call, and returns their names. A service still
   * being deployed (until its deploy returns, at most its launch timeout), or none of whose workers
   * answers, is left alone. Any process may run it, as
   * often as it likes (a {@code CronJob}, say); the back end runs it itself every {@link
   * Builder#reapEvery} once it has deployed a service with a TTL.
   */
  public List<String> reapIdle() {
    List<Deployment> all = Api.call("list the Deployments in namespace " + namespace,
        () -> deployments().withLabel(Manifests.MANAGED_BY, Manifests.WEFT).list().getItems());
    List<String> reaped = new ArrayList<>();
    for (Deployment d : all) {
      Optional<Duration> ttl = Manifests.duration(d, Manifests.TTL_ANNOTATION);
      if (ttl.isEmpty()) {
        continue;
      }
      String name = d.getMetadata().getName();
      Optional<Observed> observed = observe(name);
      if (observed.isEmpty() || starting(observed.get())) {
        continue;
      }
      List<Optional<WorkerHealth.Health>> health = parallel(
          observed.get().candidates().stream().map(Replica::endpoint).toList(), WorkerHealth::of);
      boolean idle = !health.isEmpty() && health.stream().allMatch(
          h -> h.isPresent() && h.get().inFlight() == 0 && h.get().idleMs() >= ttl.get().toMillis());
      if (idle) {
        delete(name);
        reaped.add(name);
      }
    }
    return reaped;
  }

  /**
   * Whether the service may still be starting: not yet marked deployed, and within its launch
   * timeout of its creation (a deploy waits that long for it). Its workers count their idle time
   * from their start, so one slower to start than its TTL would otherwise be reaped before its
   * deploy returns.
   */
  private static boolean starting(Observed r) {
    String created = r.deployment().getMetadata().getCreationTimestamp();
    if (Manifests.annotation(r.deployment(), Manifests.DEPLOYED_AT_ANNOTATION) != null || created == null) {
      return false;
    }
    try {
      return Instant.now().isBefore(Instant.parse(created).plus(r.launchTimeout()));
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** Stops the reaper, and closes the client if this back end made it. Services keep running. */
  @Override
  public void close() {
    synchronized (reaperLock) {
      if (reaper != null) {
        reaper.shutdownNow();
        reaper = null;
      }
    }
    if (ownsClient) {
      client.close();
    }
  }

  // ---- what runs ----

  /** An endpoint as handed out, whichever replica it was numbered as. */
  private record HandedOut(String service, URI uri, String token, long pid) {
    static HandedOut of(String service, Endpoint e) {
      return new HandedOut(service, e.uri(), e.token(), e.pid());
    }
  }

  /** Which run of a pod's container a worker is: a restart in place keeps the pod, not the count. */
  private record Incarnation(String podUid, int restarts) {
    static Incarnation of(Pod p) {
      int restarts = Observed.containerStatuses(p).stream().filter(c -> Manifests.CONTAINER.equals(c.getName()))
          .mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount()).sum();
      return new Incarnation(p.getMetadata().getUid(), restarts);
    }
  }

  /**
   * The ready pods whose workers answer with the token, with their process ids, numbered from 0.
   * Remembers which run of its container each endpoint first came from: inside a container the
   * worker's pid is the same on every run (often 1), so only this tells {@link #recover} that a
   * worker restarted in place is another process.
   */
  private List<Replica> live(Observed r) {
    if (r.spec().isEmpty()) {
      return List.of();
    }
    List<Replica> candidates = r.candidates();
    List<Optional<WorkerHealth.Health>> health = parallel(candidates.stream().map(Replica::endpoint).toList(),
        WorkerHealth::of);
    List<Replica> live = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      if (health.get(i).isPresent()) {
        Endpoint e = candidates.get(i).endpoint();
        Endpoint answering = new Endpoint(e.uri(), e.token(), live.size(), health.get(i).get().pid());
        handedOut.putIfAbsent(HandedOut.of(r.name(), answering), Incarnation.of(candidates.get(i).pod()));
        live.add(new Replica(candidates.get(i).pod(), answering));
      }
    }
    return live;
  }

  /** Waits until the Deployment's pods are all ready and answer, or one cannot start, or the deadline. */
  private DeployedService awaitReady(String name, long deadline, Duration timeout) {
    Duration pause = FIRST_PAUSE;
    while (true) {
      Observed r = observe(name).orElseThrow(() -> new DeploymentException("service '" + name
          + "' was torn down while it started"));
      Optional<String> cannot = r.cannotStart();
      if (cannot.isPresent()) {
        throw new DeploymentException("service '" + name + "' cannot start on Kubernetes: " + cannot.get());
      }
      List<Replica> live = live(r);
      if (live.size() >= r.wanted()) {
        return r.service(live);
      }
      if (System.nanoTime() > deadline) {
        throw new DeploymentException("service '" + name + "' was not ready within its launch timeout of " + timeout
            + " (Compute.launchTimeout): " + live.size() + " of " + r.wanted() + " workers answer; " + r.describe());
      }
      pause = pause(pause, name);
    }
  }

  private Optional<Observed> observe(String name) {
    return Observed.read(client, namespace, name);
  }

  // ---- changing things ----

  /**
   * Deletes the service's Service, Secret and Deployment, those of them Weft made. The Deployment
   * goes last: while it exists, the name is taken, so a deploy of it never meets a half-deleted service.
   */
  private void delete(String name) {
    handedOut.keySet().removeIf(h -> h.service().equals(name));
    deleteIfOurs("Service", name, client.services().inNamespace(namespace).withName(name));
    deleteIfOurs("Secret", name, client.secrets().inNamespace(namespace).withName(name));
    deleteIfOurs("Deployment", name, deployments().withName(name));
  }

  private void deleteIfOurs(String kind, String name, Resource<? extends HasMetadata> resource) {
    Api.call("delete the " + kind + " of service '" + name + "'", () -> {
      HasMetadata o = resource.get();
      if (Manifests.managedByWeft(o)) {
        resource.delete();
      }
      return null;
    });
  }

  private void startReaper() {
    synchronized (reaperLock) {
      if (reaper != null) {
        return;
      }
      reaper = Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("weft-kube-reaper").factory());
      reaper.scheduleWithFixedDelay(() -> {
        try {
          reapIdle();
        } catch (RuntimeException e) {
          // the API server may be away for a while: the next round tries again
          System.getLogger(KubernetesCompute.class.getName()).log(System.Logger.Level.WARNING,
              "reaping idle services in namespace " + namespace + " failed: " + e.getMessage());
        }
      }, reapEvery.toMillis(), reapEvery.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  // ---- helpers ----

  private NonNamespaceOperation<Deployment, DeploymentList, RollableScalableResource<Deployment>> deployments() {
    return client.apps().deployments().inNamespace(namespace);
  }

  private static void requireOurs(Deployment d) {
    if (!Manifests.managedByWeft(d)) {
      throw new DeploymentException("a Deployment named '" + d.getMetadata().getName() + "' exists in namespace "
          + d.getMetadata().getNamespace() + " and was not made by Weft (no label " + Manifests.MANAGED_BY + "="
          + Manifests.WEFT + "); deploy under another name");
    }
  }

  private static void requireSameTarget(Deployment d, ServiceSpec spec) {
    String target = Manifests.annotation(d, Manifests.TARGET_ANNOTATION);
    String className = Manifests.annotation(d, Manifests.CLASS_ANNOTATION);
    if (!spec.target().equals(target) || !spec.className().equals(className)) {
      throw new DeploymentException("service '" + spec.name() + "' is running " + target + ", not " + spec.target()
          + "; tear it down first, or deploy under another name");
    }
  }

  private static DeploymentException tornDown(String name) {
    return new DeploymentException("service '" + name + "' was torn down (its Deployment is gone); deploy it again");
  }

  private static Duration pause(Duration pause, String name) {
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeploymentException("interrupted while waiting for the pods of service '" + name + "'", e);
    }
    Duration next = pause.multipliedBy(2);
    return next.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : next;
  }

  /** {@code f} of each item, side by side on virtual threads (health checks of several pods). */
  private static <T, R> List<R> parallel(List<T> items, Function<T, R> f) {
    if (items.size() <= 1) {
      return items.stream().map(f).toList();
    }
    List<CompletableFuture<R>> running = items.stream()
        .map(i -> CompletableFuture.supplyAsync(() -> f.apply(i),
            command -> Thread.ofVirtual().name("weft-kube-health").start(command)))
        .toList();
    return running.stream().map(CompletableFuture::join).toList();
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /**
   * Builder of {@link KubernetesCompute}. Not thread-safe; each setter validates its argument and
   * throws {@link IllegalArgumentException} saying what it accepts.
   */
  public static final class Builder {
    private KubernetesClient client;
    private String namespace;
    private String image;
    private String java = "java";
    private String classPath = JIB_CLASS_PATH;
    private Duration reapEvery = Duration.ofMinutes(1);

    private Builder() {}

    /**
     * The client to use, instead of one made from the usual configuration. The back end does not
     * close it.
     */
    public Builder client(KubernetesClient kubernetesClient) {
      this.client = Objects.requireNonNull(kubernetesClient, "kubernetesClient");
      return this;
    }

    /** The namespace, instead of the client's. @throws IllegalArgumentException if not a DNS label */
    public Builder namespace(String ns) {
      Objects.requireNonNull(ns, "namespace");
      if (!Pattern.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", ns)) {
        throw new IllegalArgumentException("namespace must be a DNS label (1-63 of a-z, 0-9 and '-'), such as"
            + " \"weft\"; was \"" + ns + "\"");
      }
      this.namespace = ns;
      return this;
    }

    /**
     * The image services run when their {@link Compute#image()} is not set: one holding the
     * application's classes and Weft (the image Jib makes of it, docs/KUBERNETES.md).
     *
     * @throws IllegalArgumentException if blank or containing whitespace
     */
    public Builder image(String reference) {
      Compute.builder().image(reference); // one rule for image references, with its message
      this.image = reference;
      return this;
    }

    /**
     * The {@code java} command inside the image ({@code java} on its path by default).
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder java(String command) {
      Objects.requireNonNull(command, "command");
      if (command.isBlank()) {
        throw new IllegalArgumentException("java must name the java command in the image, such as /opt/java/openjdk/bin/java");
      }
      this.java = command.strip();
      return this;
    }

    /**
     * The class path inside the image, entries separated by {@code :} ({@link #JIB_CLASS_PATH} by default).
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder classPath(String path) {
      Objects.requireNonNull(path, "path");
      if (path.isBlank()) {
        throw new IllegalArgumentException("classPath must list where the application's classes are in the image,"
            + " such as " + JIB_CLASS_PATH);
      }
      this.classPath = path.strip();
      return this;
    }

    /**
     * How often the back end looks for services idle past their TTL, once it has deployed one
     * (a minute by default).
     *
     * @throws IllegalArgumentException unless between 100 ms and a day
     */
    public Builder reapEvery(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofMillis(100)) < 0 || interval.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("reapEvery must be between 100ms and 1d; was " + interval);
      }
      this.reapEvery = interval;
      return this;
    }

    public KubernetesCompute build() {
      return new KubernetesCompute(this);
    }
  }
}
