package dev.weft.journal.sqlite;

import dev.weft.ProgressUpdate;
import dev.weft.RequestState;
import dev.weft.WeftException;
import dev.weft.journal.CallRecord;
import dev.weft.journal.DurableId;
import dev.weft.transport.ErrorPayload;
import dev.weft.journal.RequestInfo;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The read side: a few query-only connections, each used by one thread at a time. In WAL mode
 * they read the last commit without waiting for the writer. Every query is its own implicit
 * transaction, so it sees every commit that finished before it began. Thread-safe; a read waits
 * only for a free connection.
 */
final class Readers implements AutoCloseable {
  static final String REQUEST_COLUMNS = "seq, id, application, state, created_at, finished_at, error_type, "
      + "error_message, progress_current, progress_total, progress_message, progress_at";

  /** A request row: its paging sequence and what it says. */
  record Row(long seq, RequestInfo info) {}

  private final Path file;
  private final Connections connections;
  private final int max;
  private final BlockingQueue<Reader> idle;
  private final AtomicInteger created = new AtomicInteger();
  private volatile boolean closed;

  interface Connections {
    Connection open() throws SQLException;
  }

  Readers(Path file, Connections connections, int max) {
    this.file = file;
    this.connections = connections;
    this.max = max;
    this.idle = new ArrayBlockingQueue<>(max);
  }

  /** One connection and its prepared statements. */
  static final class Reader {
    final Connection conn;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    Reader(Connection conn) {
      this.conn = conn;
    }

    PreparedStatement prepare(String sql) throws SQLException {
      PreparedStatement ps = statements.get(sql);
      if (ps == null) {
        ps = conn.prepareStatement(sql);
        statements.put(sql, ps);
      }
      return ps;
    }

    void close() {
      try {
        conn.close();
      } catch (SQLException e) {
        SqliteJournal.LOG.log(System.Logger.Level.WARNING, "closing a journal read connection failed", e);
      }
    }
  }

  @FunctionalInterface
  interface Query<T> {
    T run(Reader r) throws SQLException;
  }

  <T> T read(Query<T> query) {
    Reader r = borrow();
    try {
      T out = query.run(r);
      giveBack(r);
      return out;
    } catch (SQLException | RuntimeException e) {
      // The driver finalizes a statement that failed with an I/O error, and this reader caches its
      // statements: drop the connection rather than serve the next read a dead statement.
      r.close();
      created.decrementAndGet();
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new WeftException("reading the journal " + file + " failed: " + e.getMessage(), e);
    }
  }

  private Reader borrow() {
    if (closed) {
      throw SqliteJournal.closed(file);
    }
    Reader r = idle.poll();
    if (r != null) {
      return r;
    }
    if (created.incrementAndGet() <= max) {
      try {
        return new Reader(connections.open());
      } catch (SQLException e) {
        created.decrementAndGet();
        throw new WeftException("opening a read connection to the journal " + file + " failed: " + e.getMessage(), e);
      }
    }
    created.decrementAndGet();
    try {
      return idle.take(); // all in use: a read is short
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WeftException("interrupted while waiting to read the journal " + file, e);
    }
  }

  private void giveBack(Reader r) {
    if (closed || !idle.offer(r)) {
      r.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    Reader r;
    while ((r = idle.poll()) != null) {
      r.close();
    }
  }

  // ------------------------------------------------------------------------------ queries

  /** The output JSON in the calls row {@code seq}, if it is there and SUCCEEDED. */
  Optional<String> callOutput(long seq) {
    return read(r -> {
      PreparedStatement ps = r.prepare("SELECT output FROM calls WHERE seq = ? AND state = 'SUCCEEDED'");
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    });
  }

  /** Fills the overlay indexes of a request from its calls rows. */
  void indexCalls(String requestId, Map<DurableId, Object> outputs, Map<DurableId, Integer> failures,
      Map<DurableId, Long> rows) {
    read(r -> {
      PreparedStatement ps = r.prepare("SELECT seq, durable_id, state, failed_attempts FROM calls "
          + "WHERE request_id = ? ORDER BY seq");
      ps.setString(1, requestId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long seq = rs.getLong(1);
          DurableId id = DurableId.parse(rs.getString(2));
          rows.put(id, seq);
          if ("SUCCEEDED".equals(rs.getString(3))) {
            outputs.put(id, seq);
          } else {
            outputs.remove(id);
          }
          int failed = rs.getInt(4);
          if (failed > 0) {
            failures.put(id, failed);
          }
        }
      }
      return null;
    });
  }

  /**
   * The calls rows of a request in the order they started (a row is inserted when the writer
   * first sees the call, which for a call still running at a commit can be after its children);
   * ties, and rows without a start, go by seq.
   */
  List<CallRecord> calls(String requestId) {
    return read(r -> {
      PreparedStatement ps = r.prepare("SELECT durable_id, parent_id, function, state, failed_attempts, error, "
          + "started_at, finished_at FROM calls WHERE request_id = ? ORDER BY started_at IS NULL, started_at, seq");
      ps.setString(1, requestId);
      List<CallRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long started = rs.getLong(7);
          Optional<Instant> startedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(started));
          long finished = rs.getLong(8);
          Optional<Instant> finishedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(finished));
          Optional<ErrorPayload> error = Optional.ofNullable(rs.getString(6))
              .map(json -> (ErrorPayload) SqliteJournal.CODEC.decode(json, ErrorPayload.class));
          out.add(new CallRecord(rs.getString(1), Optional.ofNullable(rs.getString(2)), rs.getString(3),
              CallRecord.State.valueOf(rs.getString(4)), rs.getInt(5), startedAt, finishedAt,
              error.map(ErrorPayload::type), error.map(ErrorPayload::message)));
        }
      }
      return out;
    });
  }

  Optional<Row> request(String id) {
    return read(r -> {
      PreparedStatement ps = r.prepare("SELECT " + REQUEST_COLUMNS + " FROM requests WHERE id = ?");
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    });
  }

  /** The input JSON of a request, if it is recorded. */
  Optional<String> input(String id) {
    return read(r -> {
      PreparedStatement ps = r.prepare("SELECT input FROM requests WHERE id = ?");
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    });
  }

  /** The output JSON of a request that SUCCEEDED, if it has one. */
  Optional<String> output(String id) {
    return read(r -> {
      PreparedStatement ps = r.prepare("SELECT output FROM requests WHERE id = ? AND state = 'SUCCEEDED'");
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    });
  }

  /** Requests whose row says RUNNING, oldest first. */
  List<Row> running() {
    return read(r -> {
      PreparedStatement ps = r.prepare("SELECT " + REQUEST_COLUMNS + " FROM requests WHERE state = 'RUNNING' "
          + "ORDER BY seq");
      return rows(ps);
    });
  }

  /** Up to {@code limit} rows with seq below {@code before}, newest first, filtered. */
  List<Row> page(Optional<String> application, Optional<RequestState> state, long before, int limit) {
    StringBuilder sql = new StringBuilder("SELECT ").append(REQUEST_COLUMNS).append(" FROM requests WHERE seq < ?");
    application.ifPresent(a -> sql.append(" AND application = ?"));
    state.ifPresent(s -> sql.append(" AND state = ?"));
    sql.append(" ORDER BY seq DESC LIMIT ?");
    return read(r -> {
      PreparedStatement ps = r.prepare(sql.toString());
      int i = 1;
      ps.setLong(i++, before);
      if (application.isPresent()) {
        ps.setString(i++, application.get());
      }
      if (state.isPresent()) {
        ps.setString(i++, state.get().name());
      }
      ps.setInt(i, limit);
      return rows(ps);
    });
  }

  /** Runs a statement on a read connection (tests, diagnostics). */
  long count(String sql) {
    return read(r -> {
      try (Statement st = r.conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private static List<Row> rows(PreparedStatement ps) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(row(rs));
      }
    }
    return out;
  }

  private static Row row(ResultSet rs) throws SQLException {
    long seq = rs.getLong(1);
    String id = rs.getString(2);
    String application = rs.getString(3);
    RequestState state = RequestState.valueOf(rs.getString(4));
    Instant createdAt = Instant.ofEpochMilli(rs.getLong(5));
    long finished = rs.getLong(6);
    Optional<Instant> finishedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(finished));
    Optional<String> errorType = Optional.ofNullable(rs.getString(7));
    Optional<String> errorMessage = Optional.ofNullable(rs.getString(8));
    double current = rs.getDouble(9);
    double total = rs.getDouble(10);
    String message = rs.getString(11);
    long at = rs.getLong(12);
    Optional<ProgressUpdate> progress = rs.wasNull() ? Optional.empty()
        : Optional.of(new ProgressUpdate(current, total, message == null ? "" : message, Instant.ofEpochMilli(at)));
    return new Row(seq, new RequestInfo(id, application, state, createdAt, finishedAt, progress, errorType,
        errorMessage));
  }
}
