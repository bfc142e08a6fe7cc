package dev.weft.cli;

import dev.weft.Applications;
import dev.weft.WeftRuntime;
import dev.weft.fleet.FleetCompute;
import dev.weft.fleet.FleetNode;
import dev.weft.journal.postgres.PostgresJournal;
import dev.weft.server.WeftServer;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code weft server --db <url>}: the server as one node of a fleet. Opens the PostgreSQL journal
 * (this node's leases last {@code --lease}), starts the HTTP server on it, then the
 * {@link FleetNode} (registration, heartbeat, lease renewal, take-over of dead nodes' requests),
 * and prints the same {@code weft server listening on} line as the SQLite server. SIGTERM stops
 * the server, then the node (which hands its requests back at once), then the runtime and the
 * journal.
 */
final class FleetServer {
  private FleetServer() {}

  /** Runs until the process is told to stop; returns the exit code (0) after the shutdown hook ran. */
  static int run(FleetOptions fleet, String url, String host, int port,
      java.util.function.Consumer<WeftServer.Builder> secure, dev.weft.remote.worker.WorkerNetwork workers, ServerCommand observed,
      String token,
      Duration retention, Applications apps, ClassLoader loader, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    fleet.validate();
    String nodeId = fleet.nodeIdOrDefault();
    PostgresJournal journal = open(url, fleet, nodeId, retention);
    // Remote services that applications deploy here register in the journal's schema, so that
    // every node finds and calls them (and restarts a replica whose worker is gone).
    dev.weft.remote.ComputeBackend.useAsStandard(Optional.of(FleetCompute.of(journal, workers,
        Path.of(System.getProperty("user.home"), ".weft", "fleet", fleet.schema, nodeId))));
    WeftRuntime runtime = observed.observed(WeftRuntime.builder().journal(journal)).build();
    WeftServer server;
    FleetNode node;
    try {
      WeftServer.Builder builder = observed.served(WeftServer.builder().applications(apps).runtime(runtime)
          .journal(journal).host(host));
      if (port == 0) {
        builder.anyFreePort();
      } else {
        builder.port(port);
      }
      if (token != null && !token.isBlank()) {
        builder.bearerToken(token);
      }
      secure.accept(builder); // TLS, or plain HTTP beyond loopback only when asked
      server = builder.start(); // resumes what this node may take of the unfinished requests
      try {
        node = FleetNode.start(journal, runtime, apps, FleetNode.Options.of(server.uri(), fleet.capacity)
            .withWork(fleet.work()).withClassLoader(loader));
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
    } catch (IllegalArgumentException e) {
      close(runtime, journal);
      throw CommandFailure.usage(e.getMessage());
    } catch (UncheckedIOException e) {
      close(runtime, journal);
      throw CommandFailure.failed(e.getMessage());
    } catch (RuntimeException | Error e) {
      close(runtime, journal);
      throw e;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (stopping.compareAndSet(false, true)) {
        err.println("weft server: node " + nodeId + " stopping (its running requests go to other nodes)");
        err.flush();
        server.close();
        node.close(); // releases the leases: other nodes resume these requests at once
        close(runtime, journal);
        err.println("weft server: stopped");
        err.flush();
        stopped.countDown();
      }
    }, "weft-server-shutdown"));

    err.printf(Locale.ROOT, "weft server: node %s of the fleet on %s (schema %s, lease %s, capacity %d)%n",
        nodeId, FleetOptions.redacted(url), fleet.schema, ServerCommand.describe(fleet.lease), fleet.capacity);
    err.println("weft server: remote services deployed here start workers listening " + workers);
    err.flush();
    String uri = server.uri().toString();
    out.println("weft server listening on " + (uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri));
    out.flush();
    stopped.await(); // the shutdown hook ends the process; this thread only keeps it alive until then
    return 0;
  }

  /**
   * Opens the journal, or fails with one line naming the URL and the cause.
   *
   * @throws CommandFailure if PostgreSQL cannot be reached or refuses the schema
   */
  static PostgresJournal open(String url, FleetOptions fleet, String nodeId, Duration retention) {
    try {
      return PostgresJournal.open(PostgresJournal.Options.defaults(url).withSchema(fleet.schema).withNodeId(nodeId)
          .withLeaseDuration(fleet.lease).withRetention(retention));
    } catch (IllegalArgumentException e) {
      throw CommandFailure.usage("--db " + FleetOptions.redacted(url) + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw CommandFailure.failed("cannot use PostgreSQL at " + FleetOptions.redacted(url) + ": " + rootMessage(e));
    }
  }

  /** The driver's own words (its SQLException's message says host, port and what to check), else the root's. */
  private static String rootMessage(Throwable e) {
    Throwable t = e;
    Throwable sql = null;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t instanceof java.sql.SQLException) {
        sql = t;
      }
    }
    Throwable best = sql != null ? sql : t;
    String m = best.getMessage() == null ? best.getClass().getSimpleName() : best.getMessage();
    return m.replace('\n', ' ').strip();
  }

  private static void close(WeftRuntime runtime, PostgresJournal journal) {
    try {
      runtime.close();
    } finally {
      journal.close(); // after the runtime, which may still record
    }
  }
}
