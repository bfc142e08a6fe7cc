package dev.weft.remote.worker;

import dev.weft.remote.ServiceSpec;
import dev.weft.remote.wire.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;

/**
 * The entry point of a worker process, as back ends start it: {@code java -cp <caller's class
 * path> dev.weft.remote.worker.WorkerMain <spec.json> <replica> <endpoint.json> <ttl-ms> <event-loops>},
 * with the token in the environment variable {@code WEFT_WORKER_TOKEN} and, off loopback, the
 * network in {@code WEFT_WORKER_BIND}, {@code WEFT_WORKER_TLS_CERT}/{@code WEFT_WORKER_TLS_KEY}
 * (HTTPS) or {@code WEFT_WORKER_INSECURE=true} (see {@link WorkerNetwork}). It loads what the spec
 * names, listens on an ephemeral port (loopback unless told; {@code WEFT_WORKER_PORT} fixes the
 * port, as a container needs), and writes {@code {"pid":..,"port":..}} to the
 * endpoint file once it answers calls. Exit status 2 means it could not load or start (the
 * reason is on its standard error). Not an API; its arguments may change in any release.
 */
public final class WorkerMain {
  /** The port to listen on, when it must be a fixed one (a container's declared port); unset or 0: any free port. */
  static final String PORT_ENV = "WEFT_WORKER_PORT";

  record Listening(long pid, int port) {}

  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: WorkerMain <spec.json> <replica> <endpoint.json> <ttl-ms> <event-loops>");
      System.exit(2);
    }
    LogRouter.install();
    String token = System.getenv(Wire.TOKEN_ENV);
    if (token == null || token.isBlank()) {
      System.err.println("weft worker: " + Wire.TOKEN_ENV + " is not set; a worker never runs without a token");
      System.exit(2);
    }
    java.net.InetAddress bind;
    int listen;
    Optional<javax.net.ssl.SSLContext> tls;
    try {
      bind = bindAddress(System.getenv());
      listen = port(System.getenv());
      tls = tls(System.getenv());
      refusePlainBeyondLoopback(bind, tls.isPresent(), "true".equals(System.getenv(WorkerNetwork.INSECURE_ENV)));
    } catch (IllegalArgumentException e) {
      System.err.println("weft worker: " + e.getMessage());
      System.exit(2);
      return;
    }
    ServiceSpec spec = (ServiceSpec) Wire.CODEC.decode(Files.readString(Path.of(args[0])), ServiceSpec.class);
    int replica = Integer.parseInt(args[1]);
    Path endpointFile = Path.of(args[2]);
    long ttlMs = Long.parseLong(args[3]);
    Worker worker;
    int port;
    try {
      worker = new Worker(spec, replica, token, ttlMs > 0 ? Optional.of(Duration.ofMillis(ttlMs)) : Optional.empty(),
          Integer.parseInt(args[4]));
      port = worker.start(() -> deleteQuietly(endpointFile), bind, listen, tls);
    } catch (Throwable t) {
      System.err.println("weft worker " + spec.name() + "/" + replica + " could not start " + spec.target() + ":");
      t.printStackTrace();
      System.exit(2);
      return;
    }
    long pid = ProcessHandle.current().pid();
    Path tmp = endpointFile.resolveSibling(endpointFile.getFileName() + ".tmp");
    Files.writeString(tmp, Wire.CODEC.encode(new Listening(pid, port), Listening.class));
    Files.move(tmp, endpointFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.err.println("weft worker " + spec.name() + "/" + replica + " serving " + spec.target()
        + " on " + (tls.isPresent() ? "https://" : "http://") + bind.getHostAddress() + ":" + port + " (pid " + pid + ")");
  }

  /** {@code WEFT_WORKER_BIND}, else loopback. @throws IllegalArgumentException if it cannot be resolved */
  static java.net.InetAddress bindAddress(java.util.Map<String, String> env) {
    String host = env.get(WorkerNetwork.BIND_ENV);
    if (host == null || host.isBlank()) {
      return java.net.InetAddress.getLoopbackAddress();
    }
    try {
      return java.net.InetAddress.getByName(host.strip());
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(WorkerNetwork.BIND_ENV + " '" + host + "' cannot be resolved: " + e.getMessage(), e);
    }
  }

  /** {@code WEFT_WORKER_PORT}, else 0 (an ephemeral port). @throws IllegalArgumentException if not a port number */
  static int port(java.util.Map<String, String> env) {
    String port = env.get(PORT_ENV);
    if (port == null || port.isBlank()) {
      return 0;
    }
    try {
      int p = Integer.parseInt(port.strip());
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(PORT_ENV + " must be a port number 0..65535 (0: any free port); was '" + port + "'");
  }

  private static Optional<javax.net.ssl.SSLContext> tls(java.util.Map<String, String> env) {
    String cert = env.get(WorkerNetwork.CERT_ENV);
    String key = env.get(WorkerNetwork.KEY_ENV);
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("give both " + WorkerNetwork.CERT_ENV + " and " + WorkerNetwork.KEY_ENV
          + " (a PEM certificate and its key), or neither");
    }
    return cert == null ? Optional.empty() : Optional.of(dev.weft.transport.Tls.serverContext(Path.of(cert), Path.of(key)));
  }

  /** @throws IllegalArgumentException saying how to serve beyond loopback */
  static void refusePlainBeyondLoopback(java.net.InetAddress bind, boolean tls, boolean insecure) {
    if (!bind.isLoopbackAddress() && !tls && !insecure) {
      throw new IllegalArgumentException("refusing plain HTTP on " + bind.getHostAddress() + ", beyond loopback: the"
          + " worker's token and the calls' arguments would cross the network readable by anyone on the path; give it"
          + " TLS (WorkerNetwork.tls: " + WorkerNetwork.CERT_ENV + " and " + WorkerNetwork.KEY_ENV + "), bind to"
          + " 127.0.0.1, or allow plain HTTP explicitly (WorkerNetwork.insecure: " + WorkerNetwork.INSECURE_ENV + "=true)");
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (Exception ignored) {
      // best effort: a stale endpoint file is detected by its dead pid
    }
  }
}
