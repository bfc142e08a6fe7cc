package dev.weft.journal.postgres;

import dev.weft.ProgressUpdate;
import dev.weft.RequestState;
import dev.weft.journal.CallRecord;
import dev.weft.journal.DurableId;
import dev.weft.transport.ErrorPayload;
import dev.weft.journal.JournalUnavailableException;
import dev.weft.journal.RequestInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The journal's queries, each on a pooled connection (autocommit, the journal's search path). */
final class Reads {
  static final String REQUEST_COLUMNS = "seq, id, application, state, created_at, finished_at, error_type, "
      + "error_message, progress_current, progress_total, progress_message, progress_at";

  /** A request row and its paging sequence. */
  record Row(long seq, RequestInfo info) {}

  @FunctionalInterface
  interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  private final DataSource pool;
  private final String where;

  Reads(DataSource pool, String where) {
    this.pool = pool;
    this.where = where;
  }

  <T> T read(Query<T> query) {
    try (Connection c = pool.getConnection()) {
      return query.run(c);
    } catch (SQLException e) {
      throw new JournalUnavailableException("cannot read the journal " + where + ": " + e.getMessage(), e);
    }
  }

  Optional<Row> request(String id) {
    return read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + REQUEST_COLUMNS + " FROM requests WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
      }
    });
  }

  /**
   * The calls rows of a request in the order they started (the table keeps no insertion order;
   * ties, and rows without a start, go by durable id).
   */
  List<CallRecord> calls(String requestId) {
    return read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT durable_id, parent_id, function, state, failed_attempts, "
          + "error, started_at, finished_at FROM calls WHERE request_id = ? "
          + "ORDER BY started_at NULLS LAST, durable_id")) {
        ps.setString(1, requestId);
        List<CallRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Optional<ErrorPayload> error = Optional.ofNullable(rs.getString(6))
                .map(json -> (ErrorPayload) PostgresJournal.CODEC.decode(json, ErrorPayload.class));
            out.add(new CallRecord(rs.getString(1), Optional.ofNullable(rs.getString(2)), rs.getString(3),
                CallRecord.State.valueOf(rs.getString(4)), rs.getInt(5), Optional.ofNullable(instant(rs, 7)),
                Optional.ofNullable(instant(rs, 8)), error.map(ErrorPayload::type), error.map(ErrorPayload::message)));
          }
        }
        return out;
      }
    });
  }

  Optional<String> input(String id) {
    return string("SELECT input FROM requests WHERE id = ?", id);
  }

  Optional<String> output(String id) {
    return string("SELECT output FROM requests WHERE id = ? AND state = 'SUCCEEDED'", id);
  }

  Optional<String> callOutput(String id, String callHex) {
    return string("SELECT output FROM calls WHERE request_id = ? AND durable_id = ? AND state = 'SUCCEEDED'", id,
        callHex);
  }

  private Optional<String> string(String sql, String... params) {
    return read(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < params.length; i++) {
          ps.setString(i + 1, params[i]);
        }
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  /** Fills the overlay indexes of a request from its calls rows. */
  void indexCalls(String requestId, Map<DurableId, Object> outputs, Map<DurableId, Integer> failures) {
    read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT durable_id, state, failed_attempts FROM calls WHERE request_id = ?")) {
        ps.setString(1, requestId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            DurableId id = DurableId.parse(rs.getString(1));
            if ("SUCCEEDED".equals(rs.getString(2))) {
              outputs.putIfAbsent(id, OpenRequest.COMMITTED);
            }
            int failed = rs.getInt(3);
            if (failed > 0) {
              failures.merge(id, failed, Math::max);
            }
          }
        }
      }
      return null;
    });
  }

  /** Running requests that {@code node} could take now (no live lease of another node), oldest first. */
  List<Row> takeable(String node) {
    return read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + REQUEST_COLUMNS + " FROM requests "
          + "WHERE state = 'RUNNING' AND (owner IS NULL OR owner = ? OR lease_expires_at < now()) ORDER BY seq")) {
        ps.setString(1, node);
        return rows(ps);
      }
    });
  }

  List<Row> page(Optional<String> application, Optional<RequestState> state, long before, int limit) {
    StringBuilder sql = new StringBuilder("SELECT ").append(REQUEST_COLUMNS).append(" FROM requests WHERE seq < ?");
    application.ifPresent(a -> sql.append(" AND application = ?"));
    state.ifPresent(s -> sql.append(" AND state = ?"));
    sql.append(" ORDER BY seq DESC LIMIT ?");
    return read(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
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

  static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static Row row(ResultSet rs) throws SQLException {
    long seq = rs.getLong(1);
    String id = rs.getString(2);
    String application = rs.getString(3);
    RequestState state = RequestState.valueOf(rs.getString(4));
    Instant createdAt = instant(rs, 5);
    Optional<Instant> finishedAt = Optional.ofNullable(instant(rs, 6));
    Optional<String> errorType = Optional.ofNullable(rs.getString(7));
    Optional<String> errorMessage = Optional.ofNullable(rs.getString(8));
    double current = rs.getDouble(9);
    double total = rs.getDouble(10);
    String message = rs.getString(11);
    Instant at = instant(rs, 12);
    Optional<ProgressUpdate> progress = at == null ? Optional.empty()
        : Optional.of(new ProgressUpdate(current, total, message == null ? "" : message, at));
    return new Row(seq, new RequestInfo(id, application, state, createdAt, finishedAt, progress, errorType,
        errorMessage));
  }
}
