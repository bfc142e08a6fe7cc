package dev.weft.remote.local;

import dev.weft.remote.Compute;
import dev.weft.remote.ComputeBackend;
import dev.weft.remote.DeployedService;
import dev.weft.remote.DeploymentException;
import dev.weft.remote.Endpoint;
import dev.weft.remote.ServiceSpec;
import dev.weft.remote.wire.Wire;
import dev.weft.remote.worker.WorkerLauncher;
import dev.weft.remote.worker.WorkerNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default back end: each replica is a worker JVM on this machine, started with the
 * caller's JVM and class path, listening on loopback. A registry directory holds, per service,
 * {@code <name>.json} (what runs and where; readable by the owner only, since it holds the
 * tokens), the spec the workers load, one endpoint file per replica written by the worker once
 * it listens, and one log file per replica. A file lock per name (plus an in-process lock) makes
 * deploy, recover and teardown of one name take turns across processes. Thread-safe; the
 * operations block as {@link ComputeBackend} says.
 *
 * <p>Not API: get it with {@link ComputeBackend#localProcesses()} (it is public only so that
 * {@code ComputeBackend} can name it from its own package); may change between releases.
 */
public final class LocalProcesses implements ComputeBackend {
  private static final Map<Path, LocalProcesses> BY_DIR = new ConcurrentHashMap<>();

  record Replica(long pid, int port, String token) {}

  record Registration(ServiceSpec spec, List<Replica> replicas, WorkerLauncher.Launch launch) {}

  private final Path dir;
  private final WorkerLauncher launcher;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  private LocalProcesses(Path dir) {
    this.dir = dir;
    this.launcher = WorkerLauncher.of(dir, WorkerNetwork.loopback());
  }

  /** The back end of {@link ComputeBackend#localProcesses()}: its registry directory from the environment. */
  public static LocalProcesses standard() {
    String configured = System.getenv("WEFT_SERVICES_DIR");
    if (configured == null || configured.isBlank()) {
      configured = System.getProperty("weft.services.dir");
    }
    Path dir = configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".weft", "services");
    return at(dir);
  }

  /** The back end of {@link ComputeBackend#localProcesses(Path)}: one per directory in this process. */
  public static LocalProcesses at(Path dir) {
    return BY_DIR.computeIfAbsent(dir.toAbsolutePath().normalize(), LocalProcesses::new);
  }

  // ---- the four operations ----

  @Override
  public DeployedService deploy(ServiceSpec spec, Compute compute, boolean reuseExisting) {
    return deploy(spec, compute, reuseExisting, List.of());
  }

  @Override
  public DeployedService deploy(ServiceSpec spec, Compute compute, boolean reuseExisting, List<Path> classPath) {
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
      WorkerLauncher.Launch launch = WorkerLauncher.launch(spec, compute, classPath);
      List<CompletableFuture<Replica>> starting = new ArrayList<>();
      for (int i = 0; i < compute.replicas(); i++) {
        int replica = i;
        starting.add(CompletableFuture.supplyAsync(() -> start(spec, replica, launch),
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
      WorkerLauncher.kill(r.pid());
      Replica fresh = start(reg.spec(), replica, reg.launch());
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

  /** Starts one replica and waits until it answers its health check. */
  private Replica start(ServiceSpec spec, int replica, WorkerLauncher.Launch launch) {
    Endpoint e = launcher.start(spec, replica, launch);
    return new Replica(e.pid(), e.uri().getPort(), e.token());
  }

  private void stop(Registration reg) {
    for (int i = 0; i < reg.replicas().size(); i++) {
      launcher.stop(endpoint(i, reg.replicas().get(i)), true);
    }
    String name = reg.spec().name();
    try {
      Files.deleteIfExists(registrationFile(name));
      launcher.deleteFiles(name, reg.replicas().size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the replica's process is alive and answers its health check. */
  private boolean answers(Replica r) {
    return launcher.answers(endpoint(0, r), true);
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

  Path logFile(String name, int replica) {
    return launcher.logFile(name, replica);
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
}
