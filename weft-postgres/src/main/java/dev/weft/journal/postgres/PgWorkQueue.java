package dev.weft.journal.postgres;

import dev.weft.journal.JournalUnavailableException;
import dev.weft.journal.WorkQueue;
import dev.weft.transport.ErrorPayload;
import dev.weft.transport.JsonCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The caller's side of fleet work: queues an attempt of a {@code Placement.FLEET} call as a
 * {@code tasks} row and waits for a node to commit its outcome.
 *
 * <p>A task's id is its request, call and attempt, and the insert does nothing if the row exists:
 * a node that resumes a request after a crash queues the same ids, so it attaches to tasks already
 * queued, running or finished instead of running them again. Waiters wake on the
 * {@code task-done:<id>} notification; a poller reads the outcome of every open wait once a second
 * as well, so a lost notification (a connection that dropped) costs at most a second. While the
 * database is unreachable the wait goes on (retrying with backoff) until the call's own timeout or
 * cancel interrupts it; an interrupt marks the task cancelled, which the node running it obeys.
 *
 * <p>Thread-safe. {@link #run} blocks its (virtual) thread.
 */
final class PgWorkQueue implements WorkQueue {
  private static final System.Logger LOG = System.getLogger("dev.weft.fleet");
  private static final JsonCodec CODEC = JsonCodec.standard();
  static final String QUEUED = "task-queued";
  static final String DONE = "task-done:";
  static final String CANCEL = "task-cancel:";
  private static final Duration POLL = Duration.ofSeconds(1);

  private final DataSource data;
  private final String tasks;
  private final String channel;
  private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
  private final Thread poller;
  private volatile boolean closed;

  /**
   * @param data connections to the fleet's database
   * @param schema the schema holding the {@code tasks} table (a checked identifier)
   * @param channel the NOTIFY channel nodes listen on
   */
  PgWorkQueue(DataSource data, String schema, String channel) {
    this.data = data;
    this.tasks = "\"" + schema + "\".tasks";
    this.channel = channel;
    this.poller = Thread.ofVirtual().name("weft-fleet-wait-poll").start(this::pollLoop);
  }

  /** Feeds a notification payload of the fleet's channel; wakes the waiter of a finished task. */
  void notified(String payload) {
    if (payload.startsWith(DONE)) {
      CompletableFuture<Void> w = waiting.get(payload.substring(DONE.length()));
      if (w != null) {
        w.complete(null);
      }
    }
  }

  @Override
  public Object run(Work work) throws Exception {
    String id = work.key();
    String args = CODEC.encodeArgs(work.args(), work.argTypes());
    CompletableFuture<Void> wake = new CompletableFuture<>();
    waiting.put(id, wake);
    try {
      retrying(() -> insert(work, id, args));
      while (true) {
        Outcome outcome = retrying(() -> read(id));
        if (outcome != null) {
          return outcome.value(work);
        }
        try {
          wake.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // poll again: the notification may have been lost
        } catch (ExecutionException e) {
          throw new IllegalStateException(e);
        }
        if (wake.isDone()) {
          wake = new CompletableFuture<>();
          waiting.put(id, wake);
        }
      }
    } catch (InterruptedException e) {
      cancel(id);
      throw e;
    } finally {
      waiting.remove(id);
    }
  }

  private Void insert(Work work, String id, String args) throws SQLException {
    String params = Arrays.stream(work.method().getParameterTypes()).map(Class::getName)
        .collect(Collectors.joining(","));
    try (Connection c = data.getConnection();
        PreparedStatement insert = c.prepareStatement("INSERT INTO " + tasks + " (id, request_id, function, class_name,"
            + " method_name, param_types, arguments, cpus, memory_bytes, timeout_ms, state)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED') ON CONFLICT (id) DO NOTHING");
        PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      insert.setString(1, id);
      insert.setString(2, work.requestId());
      insert.setString(3, work.function());
      insert.setString(4, work.method().getDeclaringClass().getName());
      insert.setString(5, work.method().getName());
      insert.setString(6, params);
      insert.setString(7, args);
      insert.setDouble(8, work.cpus());
      insert.setLong(9, work.memoryBytes());
      insert.setLong(10, work.timeout().toMillis());
      if (insert.executeUpdate() == 1) {
        notify.setString(1, channel);
        notify.setString(2, QUEUED);
        notify.execute();
      }
    }
    return null;
  }

  /** The task's outcome, or null while it is queued or running. */
  private Outcome read(String id) throws SQLException {
    try (Connection c = data.getConnection();
        PreparedStatement q = c.prepareStatement("SELECT state, output, error, ran_on FROM " + tasks + " WHERE id = ?")) {
      q.setString(1, id);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("fleet task " + id + " vanished (purged while its caller waited)");
        }
        String state = rs.getString(1);
        return switch (state) {
          case "SUCCEEDED" -> new Outcome(state, rs.getString(2), null, rs.getString(4));
          case "FAILED", "CANCELLED" -> new Outcome(state, null, rs.getString(3), rs.getString(4));
          default -> null;
        };
      }
    }
  }

  private void cancel(String id) {
    try (Connection c = data.getConnection();
        PreparedStatement mark = c.prepareStatement("UPDATE " + tasks + " SET cancel_requested = TRUE,"
            + " state = CASE WHEN state = 'QUEUED' THEN 'CANCELLED' ELSE state END,"
            + " finished_at = CASE WHEN state = 'QUEUED' THEN now() ELSE finished_at END"
            + " WHERE id = ? AND state IN ('QUEUED', 'RUNNING')");
        PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      mark.setString(1, id);
      if (mark.executeUpdate() == 1) {
        notify.setString(1, channel);
        notify.setString(2, CANCEL + id);
        notify.execute();
      }
    } catch (SQLException e) {
      // the node's lease on it lapses, or it runs to its end unobserved: either way nobody waits
      LOG.log(System.Logger.Level.WARNING, "could not mark fleet task " + id + " cancelled: " + e.getMessage());
    }
  }

  /** Wakes every open wait once a second, so each re-reads its task's outcome. */
  private void pollLoop() {
    while (!closed) {
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        return;
      }
      List<String> ids = new ArrayList<>(waiting.keySet());
      if (ids.isEmpty()) {
        continue;
      }
      try (Connection c = data.getConnection();
          PreparedStatement q = c.prepareStatement("SELECT id FROM " + tasks
              + " WHERE id = ANY (?) AND state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')")) {
        q.setArray(1, c.createArrayOf("text", ids.toArray()));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            CompletableFuture<Void> w = waiting.get(rs.getString(1));
            if (w != null) {
              w.complete(null);
            }
          }
        }
      } catch (SQLException e) {
        // the database is away; each waiter retries its own read
      }
    }
  }

  void close() {
    closed = true;
    poller.interrupt();
  }

  @FunctionalInterface
  private interface Sql<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code sql}, retrying a failure to reach the database with backoff (100 ms doubling to
   * 2 s) until it succeeds or the thread is interrupted.
   */
  private static <T> T retrying(Sql<T> sql) throws InterruptedException {
    long delay = 100;
    while (true) {
      try {
        return sql.run();
      } catch (SQLException e) {
        if (!transientFailure(e)) {
          throw new JournalUnavailableException("fleet work cannot be queued or read: " + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "fleet database unreachable, retrying: " + e.getMessage());
        Thread.sleep(delay);
        delay = Math.min(2_000, delay * 2);
      }
    }
  }

  /** Connection-level failures (SQLSTATE class 08, 57P, 53) that go away when the database is back. */
  static boolean transientFailure(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
          return true;
        }
      }
    }
    // HikariCP's "connection is not available" timeout has no SQLSTATE of its own here
    return e.getSQLState() == null || e instanceof java.sql.SQLTransientException;
  }

  /** A finished task's row. */
  private record Outcome(String state, String output, String error, String ranOn) {
    Object value(Work work) throws Exception {
      if (state.equals("SUCCEEDED")) {
        return output == null ? null : CODEC.decode(output, work.outputType());
      }
      if (error == null) {
        throw new CancellationException("fleet task of " + work.function() + " was cancelled");
      }
      ErrorPayload payload = (ErrorPayload) CODEC.decode(error, ErrorPayload.class);
      Throwable t = payload.toThrowable(work.method().getDeclaringClass().getClassLoader(),
          "fleet node " + (ranOn == null ? "?" : ranOn));
      if (t instanceof Exception e) {
        throw e;
      }
      throw (Error) t;
    }
  }
}
