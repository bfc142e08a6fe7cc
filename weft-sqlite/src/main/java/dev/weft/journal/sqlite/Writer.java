package dev.weft.journal.sqlite;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.weft.WeftException;
import dev.weft.journal.DurableId;
import dev.weft.journal.JournalUnavailableException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one thread that writes the journal file. It takes records off the queue in chunks, executes
 * request-level records at once and merges call records into one row write per call and
 * transaction, and commits when the transaction holds {@code batchSize} records, when an urgent
 * record (a create, a finish, a flush) is in it, or when its first record has waited {@code
 * flushInterval}; with {@code synchronous=FULL} each commit is one fsync of the WAL for the whole
 * group. After a commit it completes the waiters and tells the overlay what is now in the file.
 *
 * <p>The start of a call that has no row yet is held back in memory until the call's outcome
 * arrives, so a call costs one insert rather than an insert and an update even when its start and
 * its end fall in different transactions (a map's fan-out records every start before the first
 * item ends). A start is written alone, as a RUNNING row, at a flush or the close, once it has
 * waited a second and the writer has caught up with the queue, or when more than {@value
 * #MAX_PENDING_STARTS} are held. Replay never needs a start: only outputs and failed attempts.
 *
 * <p>Calls rows are numbered here, in append order ({@code seq}); the overlay's {@code rows} index
 * tells which calls already have a row, which is what keeps {@code (request_id, durable_id)}
 * unique without an index on it.
 *
 * <p>Nothing escapes this thread: a statement that breaks a constraint (a write for a request
 * purged meanwhile) is logged and skipped; any other failure (a full disk) rolls the transaction
 * back, fails its waiters with {@link JournalUnavailableException}, closes the connection and
 * retries its other records after a backoff on a new connection with new statements (the driver
 * finalizes a statement that failed with such an error, and SQLite may have rolled the
 * transaction back itself, so neither can be trusted again).
 *
 * <p>Each record holds one permit of the journal's {@code room} from its enqueue until it leaves
 * this thread: committed, failed back to its waiter, or dropped at a close that gave up. Records
 * held for a retry keep theirs, so the bound covers them too.
 */
final class Writer implements Runnable {
  private static final int PURGE_CHUNK = 500;
  private static final long NONE = Long.MIN_VALUE;
  /** How long a call's start waits to be written with its outcome, at least. */
  static final long START_DELAY_NANOS = Duration.ofSeconds(1).toNanos();
  /** The most starts held back; beyond, the oldest are written (a start holds a few hundred bytes). */
  static final int MAX_PENDING_STARTS = 500_000;

  private final SqliteJournal journal;
  private final Path file;
  private final Readers.Connections connector;
  private final Semaphore room;
  private final JournalLock lock;
  /** The highest request seq committed, for the lock file's reset marker. */
  private long requestHighWater = -1;
  private Connection conn;
  /** The connection failed: reconnect before the next transaction. */
  private boolean broken;
  private final BlockingQueue<Rec> queue;
  private final int batchSize;
  private final long lingerNanos;
  private final Duration retention;
  private final long purgeEveryNanos;
  private final Clock clock;
  private final ArrayDeque<Rec> retry = new ArrayDeque<>();
  private final Map<Rec.Create, Rec.Created> created = new IdentityHashMap<>();
  /** Calls rows inserted by the open transaction: forgotten again if it rolls back. */
  private final List<CallRow> inserted = new ArrayList<>();
  /** The seq of the last calls row; the writer numbers rows itself, in append order. */
  private long lastSeq;
  /** The open transaction's call rows and progress updates, written just before its commit. */
  private final Map<CallKey, CallRow> txnRows = new LinkedHashMap<>();
  private final Map<OpenRequest, Rec.Progress> progresses = new LinkedHashMap<>();
  /** Starts of calls without a row yet, oldest first: written with the call's outcome, or when overdue. */
  private final LinkedHashMap<CallKey, PendingStart> pendingStarts = new LinkedHashMap<>();
  /** Pending starts the open transaction took: pending again if it rolls back. */
  private final List<PendingStart> takenStarts = new ArrayList<>();
  private boolean stopped;

  /** A start waiting for its call's outcome; {@code seenAt} is the writer's nanoTime. */
  private record PendingStart(Rec.Started rec, long seenAt) {}

  // Prepared on each connection (see prepare()).
  private PreparedStatement insertRequest;
  private PreparedStatement findRequest;
  private PreparedStatement progress;
  private PreparedStatement finish;
  private PreparedStatement reopen;
  private PreparedStatement forgetEntry;
  private PreparedStatement insertCall;
  private PreparedStatement updateCall;
  private PreparedStatement expired;
  private PreparedStatement deleteRequest;

  private volatile long commits;
  /** Whether the last transaction failed (a full disk, a broken file): cleared by the next commit. */
  private volatile boolean failing;
  /** Told of each commit; null when no observed runtime uses this journal. */
  private volatile dev.weft.observe.WeftObserver observer;
  private volatile long records;
  private volatile long inserts;
  private volatile long updates;

  private final WriteFaults faults;

  Writer(SqliteJournal journal, Path file, Connection conn, Readers.Connections connector, BlockingQueue<Rec> queue,
      Semaphore room, JournalLock lock, SqliteJournal.Options options, WriteFaults faults) throws SQLException {
    this.faults = faults;
    this.journal = journal;
    this.file = file;
    this.conn = conn;
    this.connector = connector;
    this.room = room;
    this.lock = lock;
    this.queue = queue;
    this.batchSize = options.batchSize();
    this.lingerNanos = options.flushInterval().toNanos();
    this.retention = options.retention();
    this.purgeEveryNanos = Math.max(Duration.ofSeconds(1).toNanos(),
        Math.min(Duration.ofHours(1).toNanos(), retention.toNanos()));
    this.clock = options.clock();
    prepare();
    try (java.sql.Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM calls")) {
      rs.next();
      lastSeq = rs.getLong(1);
    }
  }

  /** Prepares the statements on {@link #conn}. */
  private void prepare() throws SQLException {
    insertRequest = conn.prepareStatement("INSERT INTO requests (id, application, input, idempotency_key, "
        + "idempotency_hash, state, created_at) VALUES (?, ?, ?, ?, ?, 'RUNNING', ?) ON CONFLICT DO NOTHING "
        + "RETURNING seq");
    findRequest = conn.prepareStatement("SELECT id, application, idempotency_hash FROM requests "
        + "WHERE id = ? OR idempotency_key = ? "
        + "ORDER BY idempotency_key IS ? DESC LIMIT 1");
    progress = conn.prepareStatement("UPDATE requests SET progress_current = ?, progress_total = ?, "
        + "progress_message = ?, progress_at = ? WHERE id = ?");
    finish = conn.prepareStatement("UPDATE requests SET state = ?, finished_at = ?, output = ?, error = ?, "
        + "error_type = ?, error_message = ? WHERE id = ?");
    reopen = conn.prepareStatement("UPDATE requests SET state = 'RUNNING', finished_at = NULL, output = NULL, "
        + "error = NULL, error_type = NULL, error_message = NULL WHERE id = ?");
    forgetEntry = conn.prepareStatement("UPDATE calls SET state = 'RUNNING', output = NULL, finished_at = NULL "
        + "WHERE request_id = ? AND durable_id = ?");
    insertCall = conn.prepareStatement("INSERT INTO calls (seq, request_id, durable_id, parent_id, function, "
        + "arguments, state, failed_attempts, output, error, started_at, finished_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    updateCall = conn.prepareStatement("""
        UPDATE calls SET
          parent_id = coalesce(?, parent_id),
          function = ?,
          arguments = coalesce(?, arguments),
          state = ?,
          failed_attempts = failed_attempts + ?,
          output = ?,
          error = coalesce(?, error),
          started_at = coalesce(?, started_at),
          finished_at = ?
        WHERE seq = ?""");
    expired = conn.prepareStatement("SELECT id FROM requests WHERE finished_at < ? AND state <> 'RUNNING' "
        + "ORDER BY finished_at LIMIT " + PURGE_CHUNK);
    deleteRequest = conn.prepareStatement("DELETE FROM requests WHERE id = ?");
  }

  long commits() {
    return commits;
  }

  long records() {
    return records;
  }

  long inserts() {
    return inserts;
  }

  long updates() {
    return updates;
  }

  @Override
  public void run() {
    long nextPurge = System.nanoTime();
    int failures = 0;
    boolean stop = false;
    while (!stop) {
      Rec first = retry.poll();
      if (first == null) {
        long wake = nextPurge;
        if (!pendingStarts.isEmpty()) {
          wake = Math.min(wake, pendingStarts.values().iterator().next().seenAt() + START_DELAY_NANOS);
        }
        first = poll(wake - System.nanoTime());
      }
      if (first != null || startsDue(System.nanoTime())) {
        boolean ok = transact(first, failures);
        failures = ok ? 0 : failures + 1;
        stop = stopped;
      }
      if (!stop && System.nanoTime() - nextPurge >= 0) {
        purgeExpired();
        nextPurge = System.nanoTime() + purgeEveryNanos;
      }
    }
    try {
      conn.close();
    } catch (SQLException e) {
      SqliteJournal.LOG.log(WARNING, "closing the journal " + file + " failed", e);
    }
  }

  /**
   * One transaction: {@code first} (none when only overdue starts are to be written) and what
   * follows it within the flush interval, up to the batch size or an urgent record. Returns false
   * if it failed (its records are then queued again, its waiters failed).
   */
  private boolean transact(Rec first, int failures) {
    long began = System.nanoTime();
    List<Rec> txn = new ArrayList<>();
    List<Rec> chunk = new ArrayList<>();
    boolean force = false;
    try {
      if (broken) {
        reconnect();
      }
      faults.beforeTransaction(conn);
      if (first != null) {
        long deadline = System.nanoTime() + lingerNanos;
        chunk.add(first);
        drain(chunk, batchSize - 1);
        boolean urgent = false;
        while (true) {
          execute(chunk);
          for (Rec r : chunk) {
            urgent |= r.urgent();
            force |= r instanceof Rec.Flush || r instanceof Rec.Stop;
          }
          txn.addAll(chunk);
          chunk.clear();
          if (urgent || txn.size() >= batchSize) {
            break;
          }
          Rec next = retry.poll();
          if (next == null) {
            long wait = deadline - System.nanoTime();
            next = wait > 0 ? poll(wait) : queue.poll();
            if (next == null) {
              break;
            }
          }
          chunk.add(next);
          drain(chunk, batchSize - txn.size() - 1);
        }
      }
      writeCalls(force);
      conn.commit();
      failing = false;
      commits++;
      records += txn.size();
      dev.weft.observe.WeftObserver o = observer;
      if (o != null) {
        o.journalCommitted("sqlite", java.time.Duration.ofNanos(System.nanoTime() - began), txn.size());
      }
      markRequests(txn);
    } catch (Throwable e) { // never let the writer die: log, fail the waiters, retry the rest
      txn.addAll(chunk);
      stopped = failed(txn, e, failures + 1);
      created.clear();
      return false;
    } finally {
      inserted.clear();
      txnRows.clear();
      progresses.clear();
    }
    takenStarts.clear();
    try {
      stopped |= committed(txn);
    } catch (RuntimeException e) {
      SqliteJournal.LOG.log(ERROR, "journal " + file + ": completing a commit's waiters failed", e);
    } finally {
      created.clear();
      room.release(permits(txn));
    }
    return true;
  }

  /** Whether the last transaction failed and none has committed since. Any thread. */
  boolean failing() {
    return failing;
  }

  /** Tells {@code observer} of each commit from now on, on this thread. */
  void observedBy(dev.weft.observe.WeftObserver observer) {
    this.observer = observer;
  }

  /** The permits a transaction's records hold: one each, but the stop, which takes none. */
  private static int permits(List<Rec> txn) {
    int n = 0;
    for (Rec r : txn) {
      if (!(r instanceof Rec.Stop)) {
        n++;
      }
    }
    return n;
  }

  /** After a commit that created requests: the lock file records how many there are now (no fsync). */
  private void markRequests(List<Rec> txn) {
    long high = requestHighWater;
    for (Rec.Created c : created.values()) {
      if (c.isNew()) {
        high = Math.max(high, c.seq());
      }
    }
    if (high != requestHighWater) {
      requestHighWater = high;
      try {
        lock.write(high);
      } catch (IOException | RuntimeException e) {
        SqliteJournal.LOG.log(WARNING, "journal " + file + ": updating " + lock.path() + " failed (it only helps "
            + "notice a journal that was reset later)", e);
      }
    }
  }

  /** Drops the failed connection and its statements, and opens a new one. */
  private void reconnect() throws SQLException {
    try {
      conn.close();
    } catch (SQLException e) {
      SqliteJournal.LOG.log(WARNING, "journal " + file + ": closing the failed connection failed", e);
    }
    conn = connector.open();
    prepare();
    broken = false;
    SqliteJournal.LOG.log(INFO, "journal " + file + ": reconnected after a failed commit");
  }

  private Rec poll(long nanos) {
    try {
      return nanos <= 0 ? queue.poll() : queue.poll(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      // Nobody interrupts the writer on purpose; close() stops it with a record, and records
      // queued before it must still be written. Keep going.
      return null;
    }
  }

  private void drain(List<Rec> into, int max) {
    while (max > 0 && !retry.isEmpty()) {
      into.add(retry.poll());
      max--;
    }
    if (max > 0) {
      queue.drainTo(into, max);
    }
  }

  // ------------------------------------------------------------------------------ executing

  /** A call's records of one chunk, merged into one row write. */
  private static final class CallRow {
    final OpenRequest req;
    final DurableId call;
    final String callHex;
    long seq;
    String parentHex;
    String function;
    String args;
    String state;
    int failed;
    String output;
    String error;
    long startedAt = NONE;
    long finishedAt = NONE;

    CallRow(OpenRequest req, DurableId call, String callHex) {
      this.req = req;
      this.call = call;
      this.callHex = callHex;
    }

    void started(Rec.Started s) {
      parentHex = s.parentHex();
      function = s.function();
      args = s.argsJson();
      state = "RUNNING";
      output = null;
      startedAt = s.at();
      finishedAt = NONE;
    }

    void completed(Rec.Completed c) {
      function = c.function();
      state = c.outputJson() == null ? "UNSERIALIZABLE" : "SUCCEEDED";
      output = c.outputJson();
      if (c.errorJson() != null) {
        error = c.errorJson();
      }
      finishedAt = c.at();
    }

    void failed(Rec.AttemptFailed f) {
      function = f.function();
      failed++;
      error = f.errorJson();
      state = f.willRetry() ? "RETRYING" : "FAILED";
      output = null;
      finishedAt = f.willRetry() ? NONE : f.at();
    }
  }

  private record CallKey(OpenRequest req, DurableId call) {}

  /**
   * Executes a chunk's request-level records in order, and merges its call records into the
   * transaction's rows (written by {@link #writeCalls} before the commit): a call's records of one
   * transaction become one row write. A start of a call that has no row yet waits in {@link
   * #pendingStarts} for the call's outcome, so that a call that ends within {@link
   * #START_DELAY_NANOS} costs one insert instead of an insert and an update.
   */
  private void execute(List<Rec> chunk) throws SQLException {
    for (Rec r : chunk) {
      switch (r) {
        case Rec.Create c -> created.put(c, create(c));
        case Rec.Started s -> {
          CallKey key = new CallKey(s.req(), s.call());
          CallRow row = txnRows.get(key);
          if (row == null && !s.req().rows.containsKey(s.call())) {
            pendingStarts.remove(key); // a restart replaces the older start
            pendingStarts.put(key, new PendingStart(s, System.nanoTime()));
          } else {
            if (row == null) {
              row = new CallRow(s.req(), s.call(), s.callHex());
              txnRows.put(key, row);
            }
            row.started(s);
          }
        }
        case Rec.Completed c -> row(c.req(), c.call(), c.callHex()).completed(c);
        case Rec.AttemptFailed f -> row(f.req(), f.call(), f.callHex()).failed(f);
        case Rec.Progress p -> progresses.put(p.req(), p);
        case Rec.Finished f -> finish(f);
        case Rec.Reopen o -> {
          reopen.setString(1, o.req().id);
          update(reopen, "reopen request", o.req().id, null);
          forgetEntry.setString(1, o.req().id);
          forgetEntry.setString(2, o.entryHex());
          update(forgetEntry, "reopen the entry call of request", o.req().id, o.entryHex());
        }
        case Rec.Flush f -> { }
        case Rec.Purge p -> { }
        case Rec.Stop s -> { }
      }
    }
  }

  /** The transaction's row of a call, with its pending start merged in if it has one. */
  private CallRow row(OpenRequest req, DurableId call, String hex) {
    CallKey key = new CallKey(req, call);
    CallRow row = txnRows.get(key);
    if (row == null) {
      row = new CallRow(req, call, hex);
      PendingStart start = pendingStarts.remove(key);
      if (start != null) {
        row.started(start.rec());
        takenStarts.add(start);
      }
      txnRows.put(key, row);
    }
    return row;
  }

  /** Whether the oldest pending start has waited its time. */
  private boolean startsDue(long now) {
    return !pendingStarts.isEmpty()
        && now - pendingStarts.values().iterator().next().seenAt() >= START_DELAY_NANOS;
  }

  /**
   * Writes progress and the transaction's call rows, with the pending starts that are due: all
   * if forced (a flush, the close); the overdue ones once the writer has caught up with the queue
   * (while it is behind, a start is usually followed by its outcome further down the queue); the
   * oldest beyond {@link #MAX_PENDING_STARTS} in any case.
   */
  private void writeCalls(boolean force) throws SQLException {
    long now = System.nanoTime();
    boolean caughtUp = queue.isEmpty() && retry.isEmpty();
    var it = pendingStarts.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      boolean overdue = caughtUp && now - e.getValue().seenAt() >= START_DELAY_NANOS;
      if (!force && !overdue && pendingStarts.size() <= MAX_PENDING_STARTS) {
        break; // in start order: the rest are younger
      }
      it.remove();
      takenStarts.add(e.getValue());
      Rec.Started s = e.getValue().rec();
      CallRow row = new CallRow(s.req(), s.call(), s.callHex());
      row.started(s);
      txnRows.putIfAbsent(e.getKey(), row);
    }
    for (Rec.Progress p : progresses.values()) {
      progress.setDouble(1, p.update().current());
      progress.setDouble(2, p.update().total());
      progress.setString(3, p.update().message());
      progress.setLong(4, p.update().at().toEpochMilli());
      progress.setString(5, p.req().id);
      update(progress, "record progress of request", p.req().id, null);
    }
    for (CallRow row : txnRows.values()) {
      write(row);
    }
  }

  private Rec.Created create(Rec.Create c) throws SQLException {
    insertRequest.setString(1, c.id());
    insertRequest.setString(2, c.application());
    insertRequest.setString(3, c.inputJson());
    setNullable(insertRequest, 4, c.key());
    setNullable(insertRequest, 5, c.hash());
    insertRequest.setLong(6, c.createdAt());
    try (ResultSet rs = insertRequest.executeQuery()) {
      if (rs.next()) {
        return new Rec.Created(true, c.id(), rs.getLong(1), null, null);
      }
    }
    findRequest.setString(1, c.id());
    setNullable(findRequest, 2, c.key());
    setNullable(findRequest, 3, c.key());
    try (ResultSet rs = findRequest.executeQuery()) {
      if (rs.next()) {
        return new Rec.Created(false, rs.getString(1), 0, rs.getString(2), rs.getString(3));
      }
    }
    throw new IllegalStateException("request " + c.id() + " was neither inserted nor found");
  }

  private void finish(Rec.Finished f) throws SQLException {
    finish.setString(1, f.state().name());
    finish.setLong(2, f.at());
    setNullable(finish, 3, f.outputJson());
    setNullable(finish, 4, f.errorJson());
    setNullable(finish, 5, f.errorType());
    setNullable(finish, 6, f.errorMessage());
    finish.setString(7, f.req().id);
    update(finish, "record the finish of request", f.req().id, null);
  }

  /** Inserts the call's row, or updates it if the request's index knows it. */
  private void write(CallRow row) throws SQLException {
    Long seq = row.req.rows.get(row.call);
    if (seq == null) {
      PreparedStatement ps = insertCall;
      row.seq = lastSeq + 1;
      ps.setLong(1, row.seq);
      ps.setString(2, row.req.id);
      ps.setString(3, row.callHex);
      bindCallColumns(ps, 4, row);
      if (update(ps, "record a call of request", row.req.id, row.callHex)) {
        inserts++;
        lastSeq = row.seq;
        row.req.rows.put(row.call, row.seq);
        inserted.add(row);
      }
    } else {
      PreparedStatement ps = updateCall;
      row.seq = seq;
      bindCallColumns(ps, 1, row);
      ps.setLong(10, seq);
      if (update(ps, "record a call of request", row.req.id, row.callHex)) {
        updates++;
      }
    }
  }

  /** Runs one write; a constraint it breaks is logged and skipped (the transaction stays). */
  private static boolean update(PreparedStatement ps, String what, String requestId, String callHex)
      throws SQLException {
    try {
      ps.executeUpdate();
      return true;
    } catch (SQLiteException e) {
      if ((e.getResultCode().code & 0xFF) != SQLiteErrorCode.SQLITE_CONSTRAINT.code) {
        throw e;
      }
      SqliteJournal.LOG.log(WARNING, "journal: could not " + what + " " + requestId
          + (callHex == null ? "" : " (call " + callHex + ")") + ": " + e.getMessage()
          + "; it is skipped. A write for a request purged meanwhile does this.");
      return false;
    }
  }

  /**
   * Binds a call row's nine recorded columns (parent, function, arguments, state, failed attempts,
   * output, error, started, finished), in that order, from parameter {@code first}: the insert
   * and the update statements list them alike.
   */
  private static void bindCallColumns(PreparedStatement ps, int first, CallRow row) throws SQLException {
    setNullable(ps, first, row.parentHex);
    ps.setString(first + 1, row.function);
    setNullable(ps, first + 2, row.args);
    ps.setString(first + 3, row.state);
    ps.setInt(first + 4, row.failed);
    setNullable(ps, first + 5, row.output);
    setNullable(ps, first + 6, row.error);
    setNullable(ps, first + 7, row.startedAt);
    setNullable(ps, first + 8, row.finishedAt);
  }

  private static void setNullable(PreparedStatement ps, int i, String v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.VARCHAR);
    } else {
      ps.setString(i, v);
    }
  }

  private static void setNullable(PreparedStatement ps, int i, long v) throws SQLException {
    if (v == NONE) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setLong(i, v);
    }
  }

  // ------------------------------------------------------------------------------ after the commit

  /** Completes what waited for this commit; returns whether to stop. */
  private boolean committed(List<Rec> txn) {
    boolean stop = false;
    for (Rec r : txn) {
      switch (r) {
        case Rec.Create c -> c.done().complete(created.get(c));
        case Rec.Completed c -> {
          Long seq = c.req().rows.get(c.call());
          if (c.pending() != null && seq != null) {
            c.req().outputs.replace(c.call(), c.pending(), seq);
          }
        }
        case Rec.Finished f -> journal.retire(f.req(), f.status());
        case Rec.Flush f -> f.done().complete(null);
        case Rec.Purge p -> {
          try {
            p.done().complete(purge());
          } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            broken = true;
            p.done().completeExceptionally(new WeftException("purging the journal " + file + " failed: "
                + e.getMessage(), e));
          }
        }
        case Rec.Stop s -> stop = true;
        default -> { }
      }
    }
    return stop;
  }

  /**
   * Rolls back; fails the waiters (creates, flushes, purges) and queues the other records again.
   * Returns whether to stop: only when stopping and the file keeps failing.
   */
  private boolean failed(List<Rec> txn, Throwable e, int failures) {
    failing = true;
    rollbackQuietly();
    broken = true; // its statements may be finalized and its transaction state unknown: reconnect
    try {
      conn.close();
    } catch (SQLException closing) {
      e.addSuppressed(closing);
    }
    for (CallRow row : inserted) {
      row.req.rows.remove(row.call, row.seq); // its row is gone with the transaction
    }
    for (PendingStart start : takenStarts) { // their records were committed before: keep them
      pendingStarts.putIfAbsent(new CallKey(start.rec().req(), start.rec().call()), start);
    }
    takenStarts.clear();
    boolean stopping = txn.stream().anyMatch(r -> r instanceof Rec.Stop);
    boolean giveUp = stopping && failures >= 3;
    JournalUnavailableException failure = unavailable(e);
    int dropped = 0;
    int released = 0;
    List<Rec> again = new ArrayList<>();
    for (Rec r : txn) {
      switch (r) {
        case Rec.Create c -> {
          c.done().completeExceptionally(failure);
          released++;
        }
        case Rec.Flush f -> {
          f.done().completeExceptionally(failure);
          released++;
        }
        case Rec.Purge p -> {
          p.done().completeExceptionally(failure);
          released++;
        }
        case Rec.Stop s -> {
          if (!giveUp) {
            again.add(r);
          }
        }
        default -> {
          if (giveUp) {
            dropped++;
            released++;
          } else {
            again.add(r);
          }
        }
      }
    }
    room.release(released);
    for (int i = again.size() - 1; i >= 0; i--) {
      retry.addFirst(again.get(i));
    }
    if (giveUp) {
      SqliteJournal.LOG.log(ERROR, "journal " + file + ": closing with " + dropped + " records that could not be "
          + "written", e);
      return true;
    }
    long backoff = Math.min(2_000, 50L << Math.min(failures - 1, 6));
    SqliteJournal.LOG.log(ERROR, "journal " + file + ": a commit of " + txn.size() + " records failed (attempt "
        + failures + "); retrying in " + backoff + " ms", e);
    try {
      Thread.sleep(backoff);
    } catch (InterruptedException ie) {
      // keep going: see poll()
    }
    return false;
  }

  private void rollbackQuietly() {
    try {
      conn.rollback();
    } catch (SQLException e) {
      // SQLite rolls back by itself after some errors (SQLITE_FULL): then there is nothing to undo.
      SqliteJournal.LOG.log(DEBUG, "journal " + file + ": rollback failed", e);
    }
  }

  /**
   * What a waiter gets when its commit failed: why, in words a client may see (no SQL, no path);
   * the cause keeps the detail for the log.
   */
  static JournalUnavailableException unavailable(Throwable e) {
    String why = "writing its file failed";
    if (e instanceof SQLiteException s) {
      int code = s.getResultCode().code & 0xFF;
      if (code == SQLiteErrorCode.SQLITE_FULL.code) {
        why = "its disk is full";
      } else if (code == SQLiteErrorCode.SQLITE_IOERR.code) {
        why = "its disk cannot be written";
      } else if (code == SQLiteErrorCode.SQLITE_READONLY.code || code == SQLiteErrorCode.SQLITE_PERM.code) {
        why = "its file is read-only";
      } else if (code == SQLiteErrorCode.SQLITE_BUSY.code || code == SQLiteErrorCode.SQLITE_LOCKED.code) {
        why = "its file is locked by another program";
      } else if (code == SQLiteErrorCode.SQLITE_CANTOPEN.code) {
        why = "its file cannot be opened";
      } else if (code == SQLiteErrorCode.SQLITE_CORRUPT.code || code == SQLiteErrorCode.SQLITE_NOTADB.code) {
        why = "its file is damaged";
      }
    }
    return new JournalUnavailableException("the journal cannot record now: " + why + "; what it accepted before is "
        + "kept, try again later", e);
  }

  // ------------------------------------------------------------------------------ retention

  private void purgeExpired() {
    if (broken) {
      return; // the next transaction reconnects; the purge waits for its next turn
    }
    try {
      int n = purge();
      if (n > 0) {
        SqliteJournal.LOG.log(INFO, "journal " + file + ": purged " + n + " requests finished more than "
            + retention + " ago");
      }
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      broken = true;
      SqliteJournal.LOG.log(WARNING, "journal " + file + ": purging expired requests failed; will try again", e);
    }
  }

  /**
   * Deletes requests that finished before now minus the retention, and their calls (by cascade),
   * in transactions of {@value #PURGE_CHUNK}; requests open in this process are never touched.
   */
  private int purge() throws SQLException {
    long cutoff = clock.millis() - retention.toMillis();
    int total = 0;
    while (true) {
      int fetched = 0;
      int deleted = 0;
      synchronized (journal.openingLock()) {
        expired.setLong(1, cutoff);
        List<String> ids = new ArrayList<>();
        try (ResultSet rs = expired.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
        fetched = ids.size();
        for (String id : ids) {
          if (!journal.isOpen(id)) {
            deleteRequest.setString(1, id);
            deleted += deleteRequest.executeUpdate();
          }
        }
        conn.commit();
      }
      total += deleted;
      if (fetched < PURGE_CHUNK || deleted == 0) {
        return total;
      }
    }
  }
}
