package dev.weft.journal.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/** The test PostgreSQL (127.0.0.1:5432, database test, trust auth) and a schema of a test's own. */
final class TestDb implements AutoCloseable {
  static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  final String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

  PostgresJournal.Options options(String node) {
    return PostgresJournal.Options.defaults(URL).withSchema(schema).withNodeId(node).withPoolSize(4)
        .withLeaseDuration(Duration.ofSeconds(30));
  }

  PostgresJournal open(String node) {
    return PostgresJournal.open(options(node));
  }

  void exec(String sql) {
    try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
      st.execute("SET search_path TO " + schema);
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  long count(String sql) {
    try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
      st.execute("SET search_path TO " + schema);
      try (java.sql.ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop schema " + schema + ": " + e.getMessage(), e);
    }
  }
}
