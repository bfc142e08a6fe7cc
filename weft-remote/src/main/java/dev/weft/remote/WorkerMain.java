package dev.weft.remote;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;

/**
 * The entry point of a worker process, as back ends start it: {@code java -cp <caller's class
 * path> dev.weft.remote.WorkerMain <spec.json> <replica> <endpoint.json> <ttl-ms> <event-loops>},
 * with the token in the environment variable {@code WEFT_WORKER_TOKEN}. It loads what the spec
 * names, listens on an ephemeral loopback port, and writes {@code {"pid":..,"port":..}} to the
 * endpoint file once it answers calls. Exit status 2 means it could not load or start (the
 * reason is on its standard error). Not an API; its arguments may change in any release.
 */
public final class WorkerMain {
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
    ServiceSpec spec = (ServiceSpec) Wire.CODEC.decode(Files.readString(Path.of(args[0])), ServiceSpec.class);
    int replica = Integer.parseInt(args[1]);
    Path endpointFile = Path.of(args[2]);
    long ttlMs = Long.parseLong(args[3]);
    Worker worker;
    int port;
    try {
      worker = new Worker(spec, replica, token, ttlMs > 0 ? Optional.of(Duration.ofMillis(ttlMs)) : Optional.empty(),
          Integer.parseInt(args[4]));
      port = worker.start(() -> deleteQuietly(endpointFile));
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
        + " on 127.0.0.1:" + port + " (pid " + pid + ")");
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (Exception ignored) {
      // best effort: a stale endpoint file is detected by its dead pid
    }
  }
}
