package dev.weft.remote;

import dev.weft.remote.local.LocalProcesses;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where services run. The default, {@link #localProcesses()}, starts each replica as a separate
 * JVM on this machine; cluster back ends (the PostgreSQL worker fleet, Kubernetes) implement the
 * same four operations. Implementations must be thread-safe, and must make deploying and finding
 * a name safe against other processes doing the same (two clients deploying one name end up
 * with one service).
 */
public interface ComputeBackend {
  /**
   * Starts {@code spec} on {@code compute} and returns once every replica answers its health
   * check. A running service of the same name is reused when {@code reuseExisting} (and it runs
   * the same target), else replaced.
   *
   * @throws DeploymentException if it cannot be started within {@link Compute#launchTimeout()},
   *     or the back end cannot provide what {@code compute} asks, or an existing service of that
   *     name runs something else and {@code reuseExisting} is set
   */
  DeployedService deploy(ServiceSpec spec, Compute compute, boolean reuseExisting);

  /**
   * {@link #deploy(ServiceSpec, Compute, boolean)} with {@code classPath} added after this JVM's
   * own class path on the workers': the jars or directories the deployed class was loaded from
   * when they are not on this JVM's class path (an application served from {@code weft server
   * --jar}). Back ends that start workers from this JVM's class path override it; the default
   * ignores {@code classPath}.
   */
  default DeployedService deploy(ServiceSpec spec, Compute compute, boolean reuseExisting, java.util.List<Path> classPath) {
    return deploy(spec, compute, reuseExisting);
  }

  /** The running, healthy service of that name, if there is one. Never starts anything. */
  Optional<DeployedService> find(String name);

  /**
   * Called after a call could not reach {@code replica} of {@code service}: returns that
   * replica's endpoint once it answers again, restarting it if its worker is gone (another
   * caller may already have). Blocks at most the service's launch timeout.
   *
   * <p>Callers also ask this after a reply was lost, and send the call again under its call id
   * when the endpoint returned equals the one that lost it (and has a pid). So return an equal
   * endpoint only while the same worker process serves the replica; a restarted worker must come
   * back with another pid (or another address or token), since it would not know the call id and
   * would run the call again.
   *
   * @throws DeploymentException if it cannot be brought back
   */
  Endpoint recover(DeployedService service, int replica);

  /** Every running service of this back end, by name (for tools such as {@code weft services}). */
  java.util.List<DeployedService> list();

  /** Stops every replica of the named service, if it runs, and forgets it. Idempotent. */
  void teardown(String name);

  /**
   * The default back end: worker JVMs on this machine started with the caller's class path,
   * each serving HTTP on loopback only, registered under {@code $WEFT_SERVICES_DIR} (or the
   * {@code weft.services.dir} system property, else {@code ~/.weft/services}) so that other
   * processes find them.
   */
  static ComputeBackend localProcesses() {
    return LocalProcesses.standard();
  }

  /**
   * The back end that {@code Remote.fn}/{@code Remote.cls} deploy to unless told otherwise
   * ({@link Deployment#backend}): {@link #localProcesses()}, or what {@link #useAsStandard} set (a
   * fleet node sets its fleet's). Read when a deployment is made.
   */
  static ComputeBackend standard() {
    ComputeBackend set = StandardBackend.SET.get();
    return set != null ? set : LocalProcesses.standard();
  }

  /**
   * Makes {@code backend} this process's {@link #standard()} back end, or the local processes again
   * when empty. Thread-safe; affects deployments made afterwards.
   */
  static void useAsStandard(Optional<ComputeBackend> backend) {
    StandardBackend.SET.set(backend.orElse(null));
  }

  /** Local worker processes registered under {@code registryDir} instead. */
  static ComputeBackend localProcesses(Path registryDir) {
    return LocalProcesses.at(registryDir);
  }
}
