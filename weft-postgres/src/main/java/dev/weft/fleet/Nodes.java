package dev.weft.fleet;

import dev.weft.journal.JournalUnavailableException;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code nodes} table (migration V2) and the lease counts read beside it. Every time is the
 * database's {@code now()}: nothing here reads the JVM's clock. Thread-safe (a connection per call).
 */
final class Nodes {
  private final DataSource db;
  private final String nodes;
  private final String requests;

  Nodes(DataSource db, String schema) {
    this.db = db;
    String s = '"' + schema.replace("\"", "\"\"") + '"';
    this.nodes = s + ".nodes";
    this.requests = s + ".requests";
  }

  /** Inserts or restarts the node's row: heartbeat now, not stopped. */
  void register(String id, URI address, int capacity, Duration lease) {
    update("INSERT INTO " + nodes + " (id, address, capacity, lease_ms, started_at, heartbeat_at, stopped_at) "
        + "VALUES (?, ?, ?, ?, now(), now(), NULL) ON CONFLICT (id) DO UPDATE SET address = EXCLUDED.address, "
        + "capacity = EXCLUDED.capacity, lease_ms = EXCLUDED.lease_ms, started_at = now(), heartbeat_at = now(), "
        + "stopped_at = NULL", "register node " + id, id, address.toString(), capacity, lease.toMillis());
  }

  void heartbeat(String id) {
    update("UPDATE " + nodes + " SET heartbeat_at = now() WHERE id = ?", "heartbeat of node " + id, id);
  }

  void stopped(String id) {
    update("UPDATE " + nodes + " SET stopped_at = now() WHERE id = ?", "mark node " + id + " stopped", id);
  }

  /** Unfinished requests whose live lease {@code id} holds. */
  int leasesHeld(String id) {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + requests
            + " WHERE owner = ? AND state = 'RUNNING' AND lease_expires_at > now()")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw unavailable("count the leases of node " + id, e);
    }
  }

  List<NodeStatus> list() {
    String sql = "SELECT n.id, n.address, n.capacity, n.lease_ms, n.started_at, n.stopped_at, "
        + "(EXTRACT(EPOCH FROM (now() - n.heartbeat_at)) * 1000)::bigint AS heartbeat_age_ms, "
        + "(SELECT count(*) FROM " + requests + " r WHERE r.owner = n.id AND r.state = 'RUNNING' "
        + "AND r.lease_expires_at > now()) AS leases "
        + "FROM " + nodes + " n ORDER BY n.started_at, n.id";
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      List<NodeStatus> out = new ArrayList<>();
      while (rs.next()) {
        Timestamp stopped = rs.getTimestamp("stopped_at");
        out.add(new NodeStatus(rs.getString("id"), URI.create(rs.getString("address")), rs.getInt("capacity"),
            rs.getTimestamp("started_at").toInstant(), Duration.ofMillis(Math.max(0, rs.getLong("heartbeat_age_ms"))),
            Duration.ofMillis(rs.getLong("lease_ms")), Optional.ofNullable(stopped).map(Timestamp::toInstant),
            rs.getInt("leases")));
      }
      return out;
    } catch (SQLException e) {
      throw unavailable("list the nodes", e);
    }
  }

  private void update(String sql, String what, Object... args) {
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw unavailable(what, e);
    }
  }

  private static JournalUnavailableException unavailable(String what, SQLException e) {
    return new JournalUnavailableException("could not " + what + " in PostgreSQL: " + e.getMessage(), e);
  }
}
