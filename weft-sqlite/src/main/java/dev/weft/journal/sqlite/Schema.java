package dev.weft.journal.sqlite;

import dev.weft.WeftException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The journal's tables and their ordered migrations. The {@code schema_version} table has one row
 * per applied migration; the file's version is the highest. Opening runs, in one {@code BEGIN
 * IMMEDIATE} transaction, every migration above it, and refuses a file whose version is newer
 * than {@link #LATEST} (written by a newer Weft) rather than guess at its meaning.
 *
 * <p>To change the schema, append a migration with the next version; never edit one that has
 * shipped. docs/JOURNAL.md describes the tables.
 */
final class Schema {
  private Schema() {}

  /** One step: its version, what it does, and its statements (run in order). */
  record Migration(int version, String description, List<String> statements) {}

  static final List<Migration> MIGRATIONS = List.of(
      new Migration(1, "requests and calls", List.of(
          """
          CREATE TABLE requests (
            seq              INTEGER PRIMARY KEY AUTOINCREMENT,
            id               TEXT    NOT NULL UNIQUE,
            application      TEXT    NOT NULL,
            input            TEXT    NOT NULL,
            idempotency_key  TEXT    UNIQUE,
            state            TEXT    NOT NULL
                             CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
            created_at       INTEGER NOT NULL,
            finished_at      INTEGER,
            output           TEXT,
            error            TEXT,
            error_type       TEXT,
            error_message    TEXT,
            progress_current REAL,
            progress_total   REAL,
            progress_message TEXT,
            progress_at      INTEGER
          )""",
          "CREATE INDEX requests_by_state ON requests (state, seq)",
          "CREATE INDEX requests_by_application ON requests (application, seq)",
          "CREATE INDEX requests_by_finish ON requests (finished_at) WHERE finished_at IS NOT NULL",
          """
          CREATE TABLE calls (
            seq             INTEGER PRIMARY KEY,
            request_id      TEXT    NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
            durable_id      TEXT    NOT NULL,
            parent_id       TEXT,
            function        TEXT    NOT NULL,
            arguments       TEXT,
            state           TEXT    NOT NULL
                            CHECK (state IN ('RUNNING', 'RETRYING', 'FAILED', 'SUCCEEDED', 'UNSERIALIZABLE')),
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            output          TEXT,
            error           TEXT,
            started_at      INTEGER,
            finished_at     INTEGER
          )""",
          // Rows are appended in seq order; this index keeps one request's rows together, in seq
          // order too. (request_id, durable_id) is unique because one writer, which knows the row
          // of every call of the requests it writes, inserts each call once (see Writer); a
          // B-tree keyed by the hashed durable id would put every insert at a random place.
          "CREATE INDEX calls_by_request ON calls (request_id)")),
      // The hash of application and input beside the key tells a repeat from a key reused for
      // another request; rows from version 1 have none and are compared by application only.
      new Migration(2, "idempotency hash", List.of(
          "ALTER TABLE requests ADD COLUMN idempotency_hash TEXT")));

  /** The newest version this code knows. */
  static final int LATEST = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

  /**
   * Brings the file at {@code file} (open on {@code conn}, in auto-commit mode) to {@link #LATEST}.
   *
   * @throws WeftException if the file is newer than this code, or is a database of something else
   */
  static void migrate(Connection conn, Path file, long now) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      boolean done = false;
      try {
        boolean versioned = tableExists(conn, "schema_version");
        if (!versioned && hasOtherTables(conn)) {
          throw new WeftException("the file " + file + " is an SQLite database but not a Weft journal (it has no "
              + "schema_version table); give the journal a file of its own");
        }
        st.execute("""
            CREATE TABLE IF NOT EXISTS schema_version (
              version     INTEGER PRIMARY KEY,
              description TEXT    NOT NULL,
              applied_at  INTEGER NOT NULL
            )""");
        int current = version(conn);
        if (current > LATEST) {
          throw new WeftException("the journal " + file + " has schema version " + current
              + ", newer than the versions this Weft knows (up to " + LATEST + "): it was written by a newer "
              + "Weft. Open it with that version (or newer), or give this one another file");
        }
        for (Migration m : MIGRATIONS) {
          if (m.version() <= current) {
            continue;
          }
          for (String sql : m.statements()) {
            st.execute(sql);
          }
          try (PreparedStatement ins = conn.prepareStatement(
              "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
            ins.setInt(1, m.version());
            ins.setString(2, m.description());
            ins.setLong(3, now);
            ins.executeUpdate();
          }
        }
        st.execute("COMMIT");
        done = true;
      } finally {
        if (!done) {
          st.execute("ROLLBACK");
        }
      }
    }
  }

  /** The version of the open file: the highest applied migration, 0 if none. */
  static int version(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static boolean tableExists(Connection conn, String name) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static boolean hasOtherTables(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1")) {
      return rs.next();
    }
  }
}
