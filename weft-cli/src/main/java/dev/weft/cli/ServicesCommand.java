package dev.weft.cli;

import dev.weft.remote.ComputeBackend;
import dev.weft.remote.DeployedService;
import dev.weft.remote.Endpoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft services}: the remote services running on this machine (local worker processes,
 * which outlive the programs that deployed them), or with {@code --db} those of a fleet, and
 * stopping them.
 */
@Command(
    name = "services",
    description = "List the remote services running on this machine (worker JVMs deployed with Remote.fn / "
        + "Remote.cls), or stop some.",
    subcommands = {ServicesCommand.Teardown.class})
final class ServicesCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "The registry directory (default: $WEFT_SERVICES_DIR, else -Dweft.services.dir, else ~/.weft/services).")
  private Path dir;

  @Option(names = "--db", paramLabel = "<url>",
      description = "List the services of the fleet on this PostgreSQL database instead (as for 'weft server --db'; "
          + "HTTPS workers are trusted through $WEFT_TLS_CA).")
  private String db;

  @Option(names = "--schema", paramLabel = "<name>", defaultValue = "weft",
      description = "With --db: the fleet's schema (default: ${DEFAULT-VALUE}).")
  private String schema;

  /** Runs {@code body} with the local registry under {@code dir}, or the fleet's on {@code db}. */
  static <T> T withBackend(Path dir, String db, String schema, java.util.function.Function<ComputeBackend, T> body) {
    if (db == null || db.isBlank()) {
      return body.apply(dir == null ? ComputeBackend.localProcesses() : ComputeBackend.localProcesses(dir));
    }
    dev.weft.journal.postgres.PostgresJournal journal;
    try {
      journal = dev.weft.journal.postgres.PostgresJournal.open(dev.weft.journal.postgres.PostgresJournal.Options
          .defaults(db.strip()).withSchema(schema).withNodeId("weft-services-" + ProcessHandle.current().pid())
          .withPoolSize(2));
    } catch (IllegalArgumentException e) {
      throw CommandFailure.usage("--db " + FleetOptions.redacted(db) + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw CommandFailure.failed("cannot use PostgreSQL at " + FleetOptions.redacted(db) + ": " + e.getMessage());
    }
    try {
      return body.apply(dev.weft.fleet.FleetCompute.of(journal, dev.weft.remote.worker.WorkerNetwork.loopback(),
          Path.of(System.getProperty("java.io.tmpdir"), "weft-services-cli")));
    } finally {
      journal.close();
    }
  }

  @Override
  public Integer call() {
    List<DeployedService> services = withBackend(dir, db, schema, ComputeBackend::list);
    PrintWriter out = spec.commandLine().getOut();
    if (services.isEmpty()) {
      out.println("no services running");
      out.flush();
      return 0;
    }
    int name = 4;
    int target = 6;
    for (DeployedService s : services) {
      name = Math.max(name, s.name().length());
      target = Math.max(target, s.spec().target().length());
    }
    String row = "%-" + name + "s  %-" + target + "s  %s";
    out.println(String.format(row, "NAME", "TARGET", "REPLICAS (pid@endpoint)"));
    for (DeployedService s : services) {
      String replicas = s.replicas().stream().map(ServicesCommand::replica).collect(Collectors.joining(", "));
      out.println(String.format(row, s.name(), s.spec().target(), replicas));
    }
    out.flush();
    return 0;
  }

  private static String replica(Endpoint e) {
    return e.pid() + "@" + e.uri().getAuthority();
  }

  /** {@code weft services teardown NAME...}. */
  @Command(name = "teardown", description = "Stop the named services (all their replicas).")
  static final class Teardown implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "The registry directory, as for 'weft services'.")
    private Path dir;

    @Option(names = "--db", paramLabel = "<url>", description = "Stop services of the fleet on this PostgreSQL database, "
        + "wherever their workers run.")
    private String db;

    @Option(names = "--schema", paramLabel = "<name>", defaultValue = "weft", description = "With --db: the fleet's schema "
        + "(default: ${DEFAULT-VALUE}).")
    private String schema;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Service names.")
    private List<String> names;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      withBackend(dir, db, schema, backend -> {
        for (String n : names) {
          boolean running = backend.find(n).isPresent();
          backend.teardown(n);
          out.println(running ? "stopped " + n : n + " was not running");
        }
        return null;
      });
      out.flush();
      return 0;
    }
  }
}
