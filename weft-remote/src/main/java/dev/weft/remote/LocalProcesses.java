package dev.weft.remote;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The default back end: each replica is a worker JVM on this machine, started with the
 * caller's JVM and class path, listening on loopback. A registry directory holds, per service,
 * {@code <name>.json} (what runs and where; readable by the owner only, since it holds the
 * tokens), the spec the workers load, one endpoint file per replica written by the worker once
 * it listens, and one log file per replica. A file lock per name (plus an in-process lock) makes
 * deploy, recover and teardown of one name take turns across processes. Thread-safe.
 */
final class LocalProcesses implements ComputeBackend {
  private static final Map<Path, LocalProcesses> BY_DIR = new ConcurrentHashMap<>();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

  /** How to start a replica again, exactly as the first time. */
  record Launch(String java, String classPath, List<String> jvmArgs, Map<String, String> env, long ttlMs,
      int eventLoops, long launchTimeoutMs) {}

  record Replica(long pid, int port, String token) {}

  record Registration(ServiceSpec spec, List<Replica> replicas, Launch launch) {}

  private final Path dir;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  private LocalProcesses(Path dir) {
    this.dir = dir;
  }

  static LocalProcesses standard() {
    String configured = System.getenv("WEFT_SERVICES_DIR");
    if (configured == null || configured.isBlank()) {
      configured = System.getProperty("weft.services.dir");
    }
    Path dir = configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".weft", "services");
    return at(dir);
  }

  static LocalProcesses at(Path dir) {
    return BY_DIR.computeIfAbsent(dir.toAbsolutePath().normalize(), LocalProcesses::new);
  }

  Path directory() {
    return dir;
  }

  // ---- the four operations ----

  @Override
  public DeployedService deploy(ServiceSpec spec, Compute compute, boolean reuseExisting) {
    return deploy(spec, compute, reuseExisting, List.of());
  }

  /**
   * {@link #deploy(ServiceSpec, Compute, boolean)} with {@code classPath} added after this JVM's
   * own class path on the workers': the jars or directories the deployed class was loaded from
   * when they are not on this JVM's class path (an application served from {@code --jar}).
   */
  DeployedService deploy(ServiceSpec spec, Compute compute, boolean reuseExisting, List<Path> classPath) {
    if (compute.gpus() > 0) {
      throw new DeploymentException("the local-process back end cannot provide GPUs (asked for " + compute.gpus()
          + " for service '" + spec.name() + "'); deploy with gpus(0), or use a cluster back end");
    }
    return locked(spec.name(), () -> {
      Optional<Registration> existing = healthy(spec.name());
      if (existing.isPresent()) {
        ServiceSpec running = existing.get().spec();
        if (reuseExisting) {
          if (!sameTarget(running, spec)) {
            throw new DeploymentException("service '" + spec.name() + "' is running " + running.target()
                + ", not " + spec.target() + "; tear it down first, or deploy under another name");
          }
          return service(existing.get());
        }
        stop(existing.get());
      }
      Launch launch = launch(spec, compute, classPath);
      Files.writeString(specFile(spec.name()), Wire.CODEC.encode(spec, ServiceSpec.class));
      List<CompletableFuture<Replica>> starting = new ArrayList<>();
      for (int i = 0; i < compute.replicas(); i++) {
        int replica = i;
        starting.add(CompletableFuture.supplyAsync(() -> start(spec.name(), replica, launch),
            command -> Thread.ofVirtual().start(command)));
      }
      List<Replica> replicas = new ArrayList<>();
      DeploymentException failed = null;
      for (CompletableFuture<Replica> f : starting) {
        try {
          replicas.add(f.join());
        } catch (java.util.concurrent.CompletionException e) {
          failed = e.getCause() instanceof DeploymentException d ? d : new DeploymentException(e.getCause().toString(), e.getCause());
        }
      }
      Registration reg = new Registration(spec, replicas, launch);
      if (failed != null) {
        stop(reg);
        throw failed;
      }
      write(reg);
      return service(reg);
    });
  }

  @Override
  public Optional<DeployedService> find(String name) {
    ServiceSpec.checkName(name);
    return locked(name, () -> healthy(name).map(this::service));
  }

  @Override
  public Endpoint recover(DeployedService service, int replica) {
    String name = service.name();
    return locked(name, () -> {
      Registration reg = read(name).orElseThrow(() -> new DeploymentException("service '" + name
          + "' was torn down (its registration in " + dir + " is gone); deploy it again"));
      Replica r = reg.replicas().get(replica);
      if (answers(r)) {
        return endpoint(replica, r);
      }
      // Alive but not answering: hung, or so overloaded it is no use. Stop it before starting
      // its replacement, so that no worker is left running that nothing calls or tears down.
      ProcessHandle.of(r.pid()).ifPresent(LocalProcesses::kill);
      Replica fresh = start(name, replica, reg.launch());
      List<Replica> replicas = new ArrayList<>(reg.replicas());
      replicas.set(replica, fresh);
      write(new Registration(reg.spec(), replicas, reg.launch()));
      return endpoint(replica, fresh);
    });
  }

  @Override
  public List<DeployedService> list() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> names;
    try (var files = Files.list(dir)) {
      names = files.map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".json") && !f.endsWith(".spec.json") && !f.endsWith(".endpoint.json"))
          .map(f -> f.substring(0, f.length() - ".json".length()))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<DeployedService> running = new ArrayList<>();
    for (String name : names) {
      try {
        find(name).ifPresent(running::add);
      } catch (IllegalArgumentException notAServiceFile) {
        // some other JSON file in the directory
      }
    }
    return running;
  }

  @Override
  public void teardown(String name) {
    ServiceSpec.checkName(name);
    locked(name, () -> {
      read(name).ifPresent(this::stop);
      return null;
    });
  }

  // ---- starting and stopping workers ----

  private Launch launch(ServiceSpec spec, Compute compute, List<Path> extraClassPath) {
    int cpus = (int) Math.ceil(compute.cpus());
    List<String> jvm = new ArrayList<>();
    jvm.add("-XX:ActiveProcessorCount=" + cpus);
    boolean heapSet = compute.jvmOptions().stream().anyMatch(o -> o.startsWith("-Xmx") || o.startsWith("-XX:MaxRAM"));
    if (compute.memoryBytes() > 0 && !heapSet) {
      jvm.add("-Xmx" + Math.max(16, compute.memoryBytes() >> 20) + "m");
    }
    // The worker's journal (SQLite, if on its class path) loads a native library: allowed, so that
    // JDK 24+ prints no "restricted method" warning into its log. JDK 21 knows the option too.
    jvm.add("--enable-native-access=ALL-UNNAMED");
    jvm.add("-Dweft.worker=" + spec.name());
    jvm.addAll(compute.jvmOptions());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = absoluteClassPath(System.getProperty("java.class.path"), Path.of(""));
    List<String> entries = new ArrayList<>(List.of(classPath.split(Pattern.quote(File.pathSeparator))));
    for (Path p : extraClassPath) {
      String entry = p.toAbsolutePath().normalize().toString();
      if (!entries.contains(entry)) {
        entries.add(entry);
      }
    }
    return new Launch(java, String.join(File.pathSeparator, entries), jvm, compute.env(),
        compute.inactivityTtl().map(Duration::toMillis).orElse(0L), cpus, compute.launchTimeout().toMillis());
  }

  /**
   * {@code classPath} with each entry made absolute against {@code base} (the working directory),
   * since the registration outlives this process: another one, elsewhere, may start a replica
   * again from it. An empty entry means the working directory, as for the JVM; a {@code dir/*}
   * wildcard keeps its star.
   */
  static String absoluteClassPath(String classPath, Path base) {
    List<String> out = new ArrayList<>();
    for (String entry : classPath.split(java.util.regex.Pattern.quote(File.pathSeparator), -1)) {
      boolean wildcard = entry.equals("*") || entry.endsWith(File.separator + "*") || entry.endsWith("/*");
      String path = wildcard ? entry.substring(0, entry.length() - 1) : entry;
      String absolute = base.resolve(path).toAbsolutePath().normalize().toString();
      out.add(wildcard ? absolute + File.separator + "*" : absolute);
    }
    return String.join(File.pathSeparator, out);
  }

  /** Starts one replica and waits until it answers its health check. */
  private Replica start(String name, int replica, Launch launch) {
    Path endpointFile = endpointFile(name, replica);
    Path log = logFile(name, replica);
    long logStart; // where this run's lines begin: a failure quotes only those, not an earlier run's
    try {
      Files.deleteIfExists(endpointFile);
      Files.writeString(log, "", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      logStart = Files.size(log);
    } catch (IOException e) {
      throw new DeploymentException("cannot write to the registry " + dir + ": " + e, e);
    }
    String token = HexFormat.of().formatHex(bytes(24));
    List<String> command = new ArrayList<>();
    command.add(launch.java());
    command.addAll(launch.jvmArgs());
    command.add("-cp");
    command.add(launch.classPath());
    command.add(WorkerMain.class.getName());
    command.add(specFile(name).toString());
    command.add(String.valueOf(replica));
    command.add(endpointFile.toString());
    command.add(String.valueOf(launch.ttlMs()));
    command.add(String.valueOf(launch.eventLoops()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(launch.env());
    pb.environment().put(Wire.TOKEN_ENV, token);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new DeploymentException("cannot start a worker JVM (" + launch.java() + ") for '" + name + "': " + e, e);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(launch.launchTimeoutMs());
    while (true) {
      if (Files.exists(endpointFile)) {
        try {
          WorkerMain.Listening l = (WorkerMain.Listening) Wire.CODEC.decode(Files.readString(endpointFile), WorkerMain.Listening.class);
          Replica r = new Replica(l.pid(), l.port(), token);
          if (answers(r)) {
            return r;
          }
        } catch (IOException | RuntimeException e) {
          // written but not yet readable, or not yet answering: look again
        }
      }
      if (!process.isAlive()) {
        throw new DeploymentException("worker " + name + "/" + replica + " exited with status " + process.exitValue()
            + " while starting; its log (" + log + ") ends:\n" + tail(log, logStart));
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new DeploymentException("worker " + name + "/" + replica + " was not healthy within its launch timeout of "
            + Duration.ofMillis(launch.launchTimeoutMs()) + " (Compute.launchTimeout); its log (" + log + ") ends:\n" + tail(log, logStart));
      }
      try {
        process.waitFor(20, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new DeploymentException("interrupted while starting worker " + name + "/" + replica, e);
      }
    }
  }

  private void stop(Registration reg) {
    for (Replica r : reg.replicas()) {
      Optional<ProcessHandle> p = ProcessHandle.of(r.pid());
      if (p.isEmpty() || !p.get().isAlive()) {
        continue;
      }
      if (!askToStop(r, p.get())) {
        kill(p.get()); // it would not stop when asked (or could not be asked)
      }
    }
    String name = reg.spec().name();
    try {
      Files.deleteIfExists(registrationFile(name));
      Files.deleteIfExists(specFile(name));
      for (int i = 0; i < reg.replicas().size(); i++) {
        Files.deleteIfExists(endpointFile(name, i));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the replica's process is alive and answers its health check. */
  private boolean answers(Replica r) {
    Optional<ProcessHandle> p = ProcessHandle.of(r.pid());
    if (p.isEmpty() || !p.get().isAlive()) {
      return false;
    }
    return control(request(r, Wire.HEALTH).timeout(HEALTH_TIMEOUT).GET().build(), p.get())
        .map(res -> res.statusCode() == 200).orElse(false);
  }

  /** Asks the worker to shut down and waits (up to 5 s) until its process is gone; true if it is. */
  private static boolean askToStop(Replica r, ProcessHandle worker) {
    control(request(r, Wire.SHUTDOWN).timeout(HEALTH_TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build(), worker);
    try {
      worker.onExit().get(5, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  /**
   * Sends a control request (health, shutdown) to a worker and returns its reply, or empty if
   * none came. A reply lost on the way is asked for once more while the worker lives: the pooled
   * JDK client can lose one to no fault of the worker (JDK-8357639), and a wrong "no answer"
   * replaces a healthy worker. A refused connection or a timeout is an answer of its own.
   */
  private static Optional<HttpResponse<Void>> control(HttpRequest request, ProcessHandle worker) {
    for (int asked = 1; asked <= 2 && worker.isAlive(); asked++) {
      try {
        return Optional.of(Http.CLIENT.send(request, HttpResponse.BodyHandlers.discarding()));
      } catch (HttpTimeoutException | ConnectException e) {
        return Optional.empty();
      } catch (IOException lost) {
        // ask again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Kills a worker that does not answer, and waits (briefly) until it is gone. */
  private static void kill(ProcessHandle worker) {
    worker.destroyForcibly();
    try {
      worker.onExit().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the replacement starts anyway; the kill signal was sent
    }
  }

  private static HttpRequest.Builder request(Replica r, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port() + path))
        .header("Authorization", "Bearer " + r.token());
  }

  // ---- the registry ----

  private Optional<Registration> healthy(String name) {
    Optional<Registration> reg = read(name);
    if (reg.isEmpty()) {
      return reg;
    }
    if (reg.get().replicas().stream().anyMatch(this::answers)) {
      return reg; // replicas that died are restarted by recover() when a call finds them gone
    }
    stop(reg.get());
    return Optional.empty();
  }

  private Optional<Registration> read(String name) {
    Path file = registrationFile(name);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of((Registration) Wire.CODEC.decode(Files.readString(file), Registration.class));
    } catch (IOException | RuntimeException e) {
      throw new DeploymentException("the registration of service '" + name + "' (" + file
          + ") cannot be read: " + e.getMessage() + "; delete the file if no worker of it runs", e);
    }
  }

  private void write(Registration reg) throws IOException {
    Path file = registrationFile(reg.spec().name());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, Wire.CODEC.encode(reg, Registration.class));
    ownerOnly(tmp);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private DeployedService service(Registration reg) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < reg.replicas().size(); i++) {
      endpoints.add(endpoint(i, reg.replicas().get(i)));
    }
    return new DeployedService(reg.spec(), endpoints, logFile(reg.spec().name(), 0).toString());
  }

  private static Endpoint endpoint(int replica, Replica r) {
    return new Endpoint(URI.create("http://127.0.0.1:" + r.port()), r.token(), replica, r.pid());
  }

  private static boolean sameTarget(ServiceSpec a, ServiceSpec b) {
    return a.kind() == b.kind() && a.className().equals(b.className()) && a.member().equals(b.member())
        && a.callable().equals(b.callable()) && (a.kind() == ServiceSpec.Kind.CLASS || a.parameterTypes().equals(b.parameterTypes()));
  }

  private Path registrationFile(String name) {
    return dir.resolve(name + ".json");
  }

  private Path specFile(String name) {
    return dir.resolve(name + ".spec.json");
  }

  private Path endpointFile(String name, int replica) {
    return dir.resolve(name + "-" + replica + ".endpoint.json");
  }

  Path logFile(String name, int replica) {
    return dir.resolve(name + "-" + replica + ".log");
  }

  private interface Locked<T> {
    T run() throws IOException;
  }

  /** Runs {@code body} holding the name's lock in this process and across processes. */
  private <T> T locked(String name, Locked<T> body) {
    ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
    lock.lock();
    try {
      Files.createDirectories(dir);
      ownerOnly(dir);
      try (FileChannel ch = FileChannel.open(dir.resolve(name + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
        return body.run();
      }
    } catch (IOException e) {
      throw new DeploymentException("registry " + dir + " is not usable: " + e, e);
    } finally {
      lock.unlock();
    }
  }

  private static void ownerOnly(Path p) {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: its own defaults apply
    }
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** The last 20 lines of {@code log} written at or after byte {@code from} (this run's). */
  static String tail(Path log, long from) {
    try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
      ch.position(Math.min(from, ch.size()));
      String text = new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
      List<String> lines = text.lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
