package dev.weft.journal.sqlite;

import dev.weft.WeftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The journal's integrity: the quick check at open, the reset marker's warning, and the
 * operator's {@code check} and {@code backup}, which open their own connection and never take
 * the journal's lock (so they work beside a running server).
 */
final class Maintenance {
  private Maintenance() {}

  /**
   * Runs {@code PRAGMA quick_check} on {@code conn}.
   *
   * @throws JournalDamagedException if it reports anything but {@code ok}
   */
  static void quickCheck(Connection conn, Path file) throws SQLException {
    List<String> problems = problems(conn, "PRAGMA quick_check");
    if (!problems.isEmpty()) {
      throw new JournalDamagedException(file, "SQLite's quick check: " + first(problems), null);
    }
  }

  /** Whether {@code e} says the file is damaged or no database, rather than unreachable. */
  static boolean isDamage(SQLException e) {
    if (e instanceof SQLiteException s) {
      int code = s.getResultCode().code & 0xFF;
      return code == SQLiteErrorCode.SQLITE_CORRUPT.code || code == SQLiteErrorCode.SQLITE_NOTADB.code;
    }
    return false;
  }

  /** A failure in one phrase: SQLite's own words without the driver's code prefix. */
  static String describe(Throwable e) {
    if (e instanceof SQLiteException s) {
      String m = String.valueOf(s.getMessage());
      int open = m.lastIndexOf('(');
      return open >= 0 && m.endsWith(")") ? m.substring(open + 1, m.length() - 1) : m;
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /** The highest request number the file ever gave (purges do not lower it: AUTOINCREMENT). */
  static long requestHighWater(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'requests'")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  static String resetWarning(Path file, long before, long now) {
    return "THE JOURNAL " + file + " LOOKS RESET: its lock file says it had recorded " + before + " request(s), "
        + "but it holds " + (now == 0 ? "none" : "only up to request " + now) + ". Its file or its -wal file was "
        + "deleted, truncated or replaced; requests recorded after that point are lost. If you restored a backup, "
        + "this is expected; otherwise stop and restore the last backup (docs/JOURNAL.md, Backup and restore).";
  }

  static SqliteJournal.Check check(Path file) {
    requireFile(file);
    try (Connection conn = open(file, true)) {
      return check(conn, file, "PRAGMA integrity_check");
    } catch (SQLException e) {
      if (isDamage(e)) {
        return new SqliteJournal.Check(file, List.of(describe(e)), 0, 0, 0, 0);
      }
      throw new WeftException("cannot read the journal " + file + ": " + describe(e), e);
    }
  }

  static SqliteJournal.Check backup(Path file, Path target) {
    requireFile(file);
    if (Files.exists(target)) {
      throw new WeftException("the backup file " + target + " already exists; a backup never overwrites, give it a "
          + "new name");
    }
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    try {
      if (target.getParent() != null) {
        Files.createDirectories(target.getParent());
      }
      Files.deleteIfExists(partial);
      // Not query_only: SQLite counts VACUUM INTO as a write (of the new file), though it only reads this one.
      try (Connection conn = open(file, false); PreparedStatement ps = conn.prepareStatement("VACUUM INTO ?")) {
        ps.setString(1, partial.toString());
        ps.execute();
      }
      SqliteJournal.Check copy;
      try (Connection conn = open(partial, true)) {
        copy = check(conn, target, "PRAGMA quick_check");
      }
      if (!copy.ok()) {
        throw new WeftException("the backup of " + file + " fails its check (" + first(copy.problems())
            + "); the journal itself may be damaged: run its check");
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      return copy;
    } catch (SQLException | IOException e) {
      throw new WeftException("backing up the journal " + file + " to " + target + " failed: " + describe(e), e);
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException e) {
        SqliteJournal.LOG.log(System.Logger.Level.WARNING, "could not delete " + partial, e);
      }
    }
  }

  private static SqliteJournal.Check check(Connection conn, Path file, String pragma) throws SQLException {
    List<String> problems = new ArrayList<>(problems(conn, pragma));
    int version = 0;
    long requests = 0;
    long running = 0;
    long calls = 0;
    if (problems.isEmpty() && has(conn, "schema_version") && has(conn, "requests")) {
      version = (int) count(conn, "SELECT coalesce(max(version), 0) FROM schema_version");
      requests = count(conn, "SELECT count(*) FROM requests");
      running = count(conn, "SELECT count(*) FROM requests WHERE state = 'RUNNING'");
      calls = count(conn, "SELECT count(*) FROM calls");
    }
    if (problems.isEmpty()) {
      Optional<Long> before = previousRequests(file);
      long now = has(conn, "sqlite_sequence") ? requestHighWater(conn) : 0;
      if (before.isPresent() && before.get() > now) {
        problems.add(resetWarning(file, before.get(), now));
      }
    }
    return new SqliteJournal.Check(file, problems, version, requests, running, calls);
  }

  /** What the lock file beside {@code file} says it had, read without taking the lock. */
  private static Optional<Long> previousRequests(Path file) {
    Path lock = JournalLock.pathOf(file);
    try {
      for (String line : Files.readAllLines(lock)) {
        if (line.startsWith("requests=")) {
          return Optional.of(Long.parseLong(line.substring("requests=".length()).strip()));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // no marker, or not readable: nothing to compare with
    }
    return Optional.empty();
  }

  private static void requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new WeftException("there is no journal at " + file + " (no such file)");
    }
  }

  /**
   * A connection of its own, for reading: it may create the -shm file a WAL reader needs, and it
   * takes no lock of Weft's. {@code queryOnly} makes SQLite refuse any write through it.
   */
  private static Connection open(Path file, boolean queryOnly) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(5_000);
    Connection conn = config.createConnection("jdbc:sqlite:" + file);
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA query_only = " + queryOnly);
    } catch (SQLException e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  private static List<String> problems(Connection conn, String pragma) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(pragma)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out.equals(List.of("ok")) ? List.of() : out;
  }

  private static boolean has(Connection conn, String table) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static long count(Connection conn, String sql) throws SQLException {
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String first(List<String> problems) {
    return problems.size() == 1 ? problems.get(0) : problems.get(0) + ", and " + (problems.size() - 1) + " more";
  }
}
