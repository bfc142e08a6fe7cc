package dev.weft.cli;

import dev.weft.fleet.FleetNode;
import dev.weft.fleet.NodeStatus;
import dev.weft.journal.postgres.PostgresJournal;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code weft nodes --db <url>}: the nodes registered in a fleet's database, with their address,
 * capacity, last heartbeat, whether they are alive and how many requests they hold. Reads only;
 * every age is judged by the database's clock.
 */
@Command(
    name = "nodes",
    description = {
      "List the nodes of a fleet on PostgreSQL: id, address, capacity, age of the last heartbeat, alive or not, "
          + "and the requests each holds a lease on.",
      "A node is alive while its last heartbeat is younger than its lease and it has not stopped."
    },
    footer = {"%nExample:", "  weft nodes --db 'postgresql://127.0.0.1:5432/test?user=postgres'"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed (perhaps no node)", "1:PostgreSQL could not be reached", "2:wrong options (no --db)"})
final class NodesCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(
      names = "--db",
      paramLabel = "<url>",
      defaultValue = "${env:WEFT_DB}",
      description = "The fleet's database: postgresql://host:5432/db?user=u or jdbc:postgresql://... (default: $WEFT_DB).")
  private String db;

  @Option(
      names = "--schema",
      paramLabel = "<name>",
      defaultValue = "weft",
      description = "The fleet's schema (default: ${DEFAULT-VALUE}).")
  private String schema;

  @Override
  public Integer call() {
    if (db == null || db.isBlank()) {
      throw CommandFailure.usage("say which database: --db postgresql://host:5432/db?user=u (or set WEFT_DB)");
    }
    FleetOptions options = new FleetOptions();
    options.schema = schema;
    options.lease = Duration.ofSeconds(10);
    List<NodeStatus> nodes;
    try (PostgresJournal journal = FleetServer.open(db.strip(), options, "weft-nodes-" + ProcessHandle.current().pid(),
        Duration.ofDays(7))) {
      nodes = FleetNode.list(journal);
    } catch (CommandFailure e) {
      throw e;
    } catch (RuntimeException e) {
      throw CommandFailure.failed("cannot list the nodes in " + FleetOptions.redacted(db) + ": " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    print(nodes, out);
    out.flush();
    return 0;
  }

  static void print(List<NodeStatus> nodes, PrintWriter out) {
    if (nodes.isEmpty()) {
      out.println("no nodes registered yet (start one with: weft server --db <url>)");
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NODE", "ADDRESS", "CAPACITY", "HEARTBEAT", "ALIVE", "LEASES"});
    for (NodeStatus n : nodes) {
      rows.add(new String[] {n.id(), n.address().toString(), Integer.toString(n.capacity()),
          age(n.heartbeatAge()) + " ago", n.stoppedAt().isPresent() ? "stopped" : n.alive() ? "yes" : "NO",
          Integer.toString(n.leasesHeld())});
    }
    RequestsCommand.printTable(out, rows);
  }

  static String age(Duration d) {
    long ms = d.toMillis();
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    if (ms < 3_600_000) {
      return (ms / 60_000) + "m";
    }
    if (ms < 86_400_000) {
      return (ms / 3_600_000) + "h";
    }
    return (ms / 86_400_000) + "d";
  }
}
