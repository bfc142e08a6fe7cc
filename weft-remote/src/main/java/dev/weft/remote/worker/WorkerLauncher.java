package dev.weft.remote.worker;

import dev.weft.remote.Compute;
import dev.weft.remote.ComputeBackend;
import dev.weft.remote.DeploymentException;
import dev.weft.remote.Endpoint;
import dev.weft.remote.ServiceSpec;
import dev.weft.remote.wire.Http;
import dev.weft.remote.wire.Wire;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Starts, checks and stops one worker process at a time, for {@link ComputeBackend}s that keep their
 * own registry of services: the local-process back end and the PostgreSQL fleet use it. Not for
 * applications.
 *
 * <p>A worker is a JVM started on this machine with the deploying process's class path; it listens
 * on its {@link WorkerNetwork} and requires a fresh random token. Its files (the spec it loads, the
 * endpoint file it writes once it listens, its log) live in the launcher's directory. Checking and
 * stopping go over the worker's HTTP(S) endpoint, so they work on workers of other machines too.
 *
 * <p>Thread-safe. {@link #start} blocks until the worker answers its health check (at most the
 * launch timeout); {@link #answers} at most a few seconds; {@link #stop} at most about ten. An
 * interrupt ends a start with a {@link DeploymentException} (the process is killed).
 */
public final class WorkerLauncher {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

  /**
   * How to start a replica, again exactly as the first time. A record: immutable; back ends store
   * it with their registration (as JSON) so that any process may start a replica again.
   *
   * @param java the {@code java} executable
   * @param classPath the workers' class path, entries absolute
   * @param jvmArgs options before the main class
   * @param env extra environment variables ({@link Compute#env()})
   * @param ttlMs the inactivity TTL in milliseconds, 0 for none
   * @param eventLoops the worker engine's event loops
   * @param launchTimeoutMs how long a start may take until the worker answers
   */
  public record Launch(String java, String classPath, List<String> jvmArgs, Map<String, String> env, long ttlMs,
      int eventLoops, long launchTimeoutMs) {
    public Launch {
      Objects.requireNonNull(java, "java");
      Objects.requireNonNull(classPath, "classPath");
      jvmArgs = List.copyOf(jvmArgs);
      env = Map.copyOf(env);
    }
  }

  private final Path dir;
  private final WorkerNetwork network;

  private WorkerLauncher(Path dir, WorkerNetwork network) {
    this.dir = dir;
    this.network = network;
  }

  /** Workers listening on {@code network}, their files in {@code dir} (created when needed). */
  public static WorkerLauncher of(Path dir, WorkerNetwork network) {
    return new WorkerLauncher(dir.toAbsolutePath().normalize(), Objects.requireNonNull(network, "network"));
  }

  /** The network its workers listen on. */
  public WorkerNetwork network() {
    return network;
  }

  /**
   * How {@code spec} starts with {@code compute} from this JVM: its {@code java}, its class path
   * with {@code extraClassPath} after it (where an application served from a jar was loaded from),
   * and JVM options from the compute's CPUs, memory and {@link Compute#jvmOptions()}.
   */
  public static Launch launch(ServiceSpec spec, Compute compute, List<Path> extraClassPath) {
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
    for (String entry : classPath.split(Pattern.quote(File.pathSeparator), -1)) {
      boolean wildcard = entry.equals("*") || entry.endsWith(File.separator + "*") || entry.endsWith("/*");
      String path = wildcard ? entry.substring(0, entry.length() - 1) : entry;
      String absolute = base.resolve(path).toAbsolutePath().normalize().toString();
      out.add(wildcard ? absolute + File.separator + "*" : absolute);
    }
    return String.join(File.pathSeparator, out);
  }

  /**
   * Starts replica {@code replica} of {@code spec} as a new worker process with a new token, and
   * returns its endpoint once it answers its health check.
   *
   * @throws DeploymentException if it exits, or does not answer within the launch timeout (the
   *     message quotes the end of its log), or cannot be started at all
   */
  public Endpoint start(ServiceSpec spec, int replica, Launch launch) {
    String name = spec.name();
    Path specFile = dir.resolve(name + ".spec.json");
    Path endpointFile = dir.resolve(name + "-" + replica + ".endpoint.json");
    Path log = logFile(name, replica);
    long logStart; // where this run's lines begin: a failure quotes only those, not an earlier run's
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, name, ".spec.tmp");
      Files.writeString(tmp, Wire.CODEC.encode(spec, ServiceSpec.class));
      Files.move(tmp, specFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.deleteIfExists(endpointFile);
      Files.writeString(log, "", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      logStart = Files.size(log);
    } catch (IOException e) {
      throw new DeploymentException("cannot write to the worker directory " + dir + ": " + e, e);
    }
    String token = HexFormat.of().formatHex(bytes(24));
    List<String> command = new ArrayList<>();
    command.add(launch.java());
    command.addAll(launch.jvmArgs());
    command.add("-cp");
    command.add(launch.classPath());
    command.add(WorkerMain.class.getName());
    command.add(specFile.toString());
    command.add(String.valueOf(replica));
    command.add(endpointFile.toString());
    command.add(String.valueOf(launch.ttlMs()));
    command.add(String.valueOf(launch.eventLoops()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(launch.env());
    pb.environment().putAll(network.env());
    pb.environment().put(Wire.TOKEN_ENV, token);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new DeploymentException("cannot start a worker JVM (" + launch.java() + ") for '" + name + "': " + e, e);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(launch.launchTimeoutMs());
    String unhealthy = "";
    while (true) {
      if (Files.exists(endpointFile)) {
        try {
          WorkerMain.Listening l = (WorkerMain.Listening) Wire.CODEC.decode(Files.readString(endpointFile), WorkerMain.Listening.class);
          Endpoint e = new Endpoint(network.uri(l.port()), token, replica, l.pid());
          if (answers(e, true)) {
            return e;
          }
        } catch (DeploymentException e) {
          unhealthy = " (" + e.getMessage() + ")";
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
            + Duration.ofMillis(launch.launchTimeoutMs()) + " (Compute.launchTimeout)" + unhealthy + "; its log (" + log + ") ends:\n" + tail(log, logStart));
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

  /**
   * Whether the worker at {@code endpoint} answers its health check with its token.
   *
   * @param onThisMachine whether {@code endpoint.pid()} names a process of this machine: then a
   *     process that is gone answers no without a network round trip
   */
  public boolean answers(Endpoint endpoint, boolean onThisMachine) {
    Optional<ProcessHandle> p = onThisMachine ? ProcessHandle.of(endpoint.pid()) : Optional.empty();
    if (onThisMachine && (p.isEmpty() || !p.get().isAlive())) {
      return false;
    }
    return control(request(endpoint, Wire.HEALTH).timeout(HEALTH_TIMEOUT).GET().build(), p)
        .map(res -> res.statusCode() == 200).orElse(false);
  }

  /**
   * Asks the worker to shut down through its endpoint. On this machine, also waits (up to 5 s)
   * for its process to end, and kills it if it does not.
   *
   * @param onThisMachine whether {@code endpoint.pid()} names a process of this machine
   */
  public void stop(Endpoint endpoint, boolean onThisMachine) {
    if (!onThisMachine) {
      control(request(endpoint, Wire.SHUTDOWN).timeout(HEALTH_TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build(),
          Optional.empty());
      return;
    }
    Optional<ProcessHandle> p = ProcessHandle.of(endpoint.pid());
    if (p.isEmpty() || !p.get().isAlive()) {
      return;
    }
    if (!askToStop(endpoint, p.get())) {
      kill(p.get()); // it would not stop when asked (or could not be asked)
    }
  }

  /** Kills the process of a worker on this machine that does not answer, and waits (briefly) until it is gone. */
  public static void kill(long pid) {
    ProcessHandle.of(pid).ifPresent(WorkerLauncher::kill);
  }

  /** Where replica {@code replica} of service {@code name} writes its output. */
  public Path logFile(String name, int replica) {
    return dir.resolve(name + "-" + replica + ".log");
  }

  /**
   * Deletes the spec file of service {@code name} and the endpoint files of its replicas (not their
   * logs), once its workers are stopped.
   *
   * @throws IOException if one exists and cannot be deleted
   */
  public void deleteFiles(String name, int replicas) throws IOException {
    Files.deleteIfExists(dir.resolve(name + ".spec.json"));
    for (int i = 0; i < replicas; i++) {
      Files.deleteIfExists(dir.resolve(name + "-" + i + ".endpoint.json"));
    }
  }

  /** Asks the worker to shut down and waits (up to 5 s) until its process is gone; true if it is. */
  private static boolean askToStop(Endpoint e, ProcessHandle worker) {
    control(request(e, Wire.SHUTDOWN).timeout(HEALTH_TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build(),
        Optional.of(worker));
    try {
      worker.onExit().get(5, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException te) {
      return false;
    }
  }

  /**
   * Sends a control request (health, shutdown) to a worker and returns its reply, or empty if
   * none came. A reply lost on the way is asked for once more (while the worker lives, when its
   * process is known): the pooled JDK client can lose one to no fault of the worker
   * (JDK-8357639), and a wrong "no answer" replaces a healthy worker. A refused connection or a
   * timeout is an answer of its own.
   */
  private static Optional<HttpResponse<Void>> control(HttpRequest request, Optional<ProcessHandle> worker) {
    for (int asked = 1; asked <= 2 && worker.map(ProcessHandle::isAlive).orElse(true); asked++) {
      try {
        return Optional.of(Http.client(request.uri()).send(request, HttpResponse.BodyHandlers.discarding()));
      } catch (javax.net.ssl.SSLHandshakeException e) {
        throw new DeploymentException(Http.handshakeFailed(request.uri().getAuthority(), e), e);
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

  private static HttpRequest.Builder request(Endpoint e, String path) {
    return HttpRequest.newBuilder(URI.create(e.uri() + path)).header("Authorization", "Bearer " + e.token());
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
