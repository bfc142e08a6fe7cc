package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fleet of real {@code weft server --db} processes on the test PostgreSQL (127.0.0.1:5432,
 * database test), in a schema of its own with a random name that {@link #close()} drops. Also
 * reads that schema directly, as an operator with psql would.
 */
final class Fleet implements AutoCloseable {
  static final String URL = "postgresql://127.0.0.1:5432/test?user=postgres";
  static final String JDBC = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  final String schema = "fleet_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  private final Path dir;
  private final Duration lease;
  private final List<ServerProcess> nodes = new ArrayList<>();

  Fleet(Path dir, Duration lease) {
    this.dir = dir;
    this.lease = lease;
  }

  Duration lease() {
    return lease;
  }

  /** Starts one more node and waits until it listens. */
  ServerProcess start(String... extra) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--db", URL, "--schema", schema,
        "--lease", lease.toMillis() + "ms"));
    args.addAll(List.of(extra));
    ServerProcess node = ServerProcess.start(dir.resolve("unused-data"), args.toArray(String[]::new));
    nodes.add(node);
    return node;
  }

  /** Starts {@code n} nodes: the first alone (it migrates the schema), the rest one after another. */
  List<ServerProcess> start(int n) throws IOException, InterruptedException {
    List<ServerProcess> started = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      started.add(start());
    }
    return started;
  }

  /** The node with this process id, among those started. */
  ServerProcess byPid(long pid) {
    return nodes.stream().filter(n -> n.process().pid() == pid).findFirst()
        .orElseThrow(() -> new IllegalStateException("no node with pid " + pid));
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(JDBC);
  }

  /** One value of a query on this fleet's schema ({@code %s} stands for the schema), if any row. */
  Optional<String> one(String sql, Object... args) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(sql.replace("%s", '"' + schema + '"'))) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** All rows of a query's first two columns, as pairs. */
  List<String[]> pairs(String sql, Object... args) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(sql.replace("%s", '"' + schema + '"'))) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      List<String[]> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      return out;
    }
  }

  /** The request's state as the journal has it ("RUNNING", "SUCCEEDED", ...), or "MISSING". */
  String state(String requestId) throws SQLException {
    return one("SELECT state FROM %s.requests WHERE id = ?", requestId).orElse("MISSING");
  }

  /** The node id that holds (or last held) the request's lease. */
  Optional<String> owner(String requestId) throws SQLException {
    return one("SELECT owner FROM %s.requests WHERE id = ?", requestId);
  }

  /** The request's output as JSON, read from the journal. */
  JsonNode output(String requestId) throws SQLException {
    return WeftClient.parse(one("SELECT output FROM %s.requests WHERE id = ?", requestId).orElseThrow());
  }

  @Override
  public void close() throws IOException, SQLException {
    for (ServerProcess node : nodes) {
      node.close();
    }
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    }
  }

  /** Sends a signal (STOP, CONT) to a process with kill(1). */
  static void signal(Process process, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
    }
  }
}
