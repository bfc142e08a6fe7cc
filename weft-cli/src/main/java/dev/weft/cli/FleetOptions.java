package dev.weft.cli;

import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options that make {@code weft server} (and {@code weft demo}) a node of a fleet on
 * PostgreSQL instead of a single server on SQLite; mixed into those commands. Nothing here is
 * used unless {@code --db} (or {@code $WEFT_DB}) is given.
 */
final class FleetOptions {
  /** The shortest lease accepted: renewals go out every third of it. */
  static final Duration MIN_LEASE = Duration.ofMillis(300);

  @Option(
      names = "--db",
      paramLabel = "<url>",
      defaultValue = "${env:WEFT_DB}",
      description = "Run as a node of a fleet on this PostgreSQL database instead of on SQLite (--data is then "
          + "unused): postgresql://host:5432/db?user=u or jdbc:postgresql://... (default: $WEFT_DB). "
          + "Nodes on one database share requests; see docs/FLEET.md.")
  String db;

  @Option(
      names = "--schema",
      paramLabel = "<name>",
      defaultValue = "weft",
      description = "The PostgreSQL schema of the journal and the fleet, created if missing (default: ${DEFAULT-VALUE}).")
  String schema;

  @Option(
      names = "--lease",
      paramLabel = "<time>",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "With --db: how long a node holds a request without renewing it; a dead or stalled node's "
          + "requests move to another node after this (default: ${DEFAULT-VALUE}, at least 300ms).")
  Duration lease;

  @Option(
      names = "--capacity",
      paramLabel = "<n>",
      defaultValue = "64",
      description = "With --db: the most requests this node runs at once that it takes over from other nodes "
          + "(default: ${DEFAULT-VALUE}).")
  int capacity;

  @Option(
      names = "--cpus",
      paramLabel = "<n>",
      description = "With --db: the CPUs that fleet calls (@Function(placement = FLEET)) running here may take at "
          + "once, each taking its @Function(cpus) (default: this machine's processors).")
  Double cpus;

  @Option(
      names = "--memory",
      paramLabel = "<size>",
      description = "With --db: the memory that fleet calls running here may take at once, each taking its "
          + "@Function(memory), e.g. 8g (default: the JVM's maximum heap).")
  String memory;

  @Option(
      names = "--node-id",
      paramLabel = "<id>",
      description = "With --db: this node's id in the fleet (default: <host name>-<process id>).")
  String nodeId;

  @Option(
      names = "--worker-host",
      paramLabel = "<host>",
      defaultValue = "127.0.0.1",
      description = "With --db: the address the workers of remote services deployed on this node listen on (default: "
          + "${DEFAULT-VALUE}: plain HTTP, this machine only). Beyond loopback they serve HTTPS with --tls-cert/--tls-key "
          + "(or plain HTTP with --insecure) and other nodes reach them at --worker-advertise.")
  String workerHost;

  @Option(
      names = "--worker-advertise",
      paramLabel = "<host>",
      description = "With --db: the host other nodes reach this node's workers at, named by the TLS certificate "
          + "(default: --worker-host; needed when that is 0.0.0.0).")
  String workerAdvertise;

  /**
   * The network of the workers this node starts: loopback, or --worker-host with TLS (or --insecure).
   *
   * @throws CommandFailure (usage) naming the option to fix
   */
  dev.weft.remote.worker.WorkerNetwork workerNetwork(java.nio.file.Path tlsCert, java.nio.file.Path tlsKey, boolean insecure) {
    String bind = workerHost.strip();
    String advertise = workerAdvertise == null || workerAdvertise.isBlank() ? bind : workerAdvertise.strip();
    try {
      java.net.InetAddress address = java.net.InetAddress.getByName(bind);
      if (address.isLoopbackAddress()) {
        return dev.weft.remote.worker.WorkerNetwork.loopback(); // this machine only: plain HTTP, as outside a fleet
      }
      if (java.net.InetAddress.getByName(advertise).isAnyLocalAddress()) {
        throw CommandFailure.usage("--worker-host " + bind + " listens on every interface: give --worker-advertise "
            + "<host>, the address other nodes reach this node's workers at");
      }
      if (tlsCert != null) {
        return dev.weft.remote.worker.WorkerNetwork.tls(bind, advertise, tlsCert, tlsKey);
      }
      if (!insecure) {
        throw CommandFailure.usage("refusing plain HTTP for workers on " + bind + ", beyond loopback: give --tls-cert "
            + "FILE --tls-key FILE (the workers serve HTTPS with them), or --insecure to allow plain HTTP");
      }
      return dev.weft.remote.worker.WorkerNetwork.insecure(bind, advertise);
    } catch (java.net.UnknownHostException e) {
      throw CommandFailure.usage("--worker-host/--worker-advertise: cannot resolve " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw CommandFailure.usage("--worker-host: " + e.getMessage());
    }
  }

  /** What fleet calls may take here; @throws CommandFailure (usage) naming the option to fix */
  dev.weft.journal.postgres.TaskRunner.Capacity work() {
    var here = dev.weft.journal.postgres.TaskRunner.Capacity.ofThisMachine();
    try {
      return memory == null
          ? new dev.weft.journal.postgres.TaskRunner.Capacity(cpus == null ? here.cpus() : cpus, here.memoryBytes())
          : dev.weft.journal.postgres.TaskRunner.Capacity.of(cpus == null ? here.cpus() : cpus, memory);
    } catch (IllegalArgumentException e) {
      throw CommandFailure.usage(e.getMessage().replace("fleet capacity cpus", "--cpus")
          .replace("fleet capacity memory", "--memory"));
    }
  }

  /** The database URL, if this process is to be a fleet node. */
  Optional<String> url() {
    return db == null || db.isBlank() ? Optional.empty() : Optional.of(db.strip());
  }

  String nodeIdOrDefault() {
    if (nodeId != null && !nodeId.isBlank()) {
      return nodeId.strip();
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "node";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  /** @throws CommandFailure (usage) naming the option to fix */
  void validate() {
    if (lease.compareTo(MIN_LEASE) < 0) {
      throw CommandFailure.usage("--lease must be at least " + MIN_LEASE.toMillis() + "ms, was " + lease.toMillis() + "ms");
    }
    if (capacity < 1 || capacity > dev.weft.fleet.FleetNode.Options.MAX_CAPACITY) {
      throw CommandFailure.usage("--capacity must be 1.." + dev.weft.fleet.FleetNode.Options.MAX_CAPACITY + ", was "
          + capacity);
    }
  }

  /** The URL without its password, for messages. */
  static String redacted(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("://([^:/@]+):[^@/]*@", "://$1:***@");
  }
}
