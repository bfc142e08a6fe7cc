package dev.weft.journal.postgres;

import dev.weft.journal.JournalUnavailableException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The journal's only writer: takes records off the queue and commits them in groups, one
 * transaction per batch on one dedicated connection (reconnected after a failure).
 *
 * <p>Each transaction: inserts the batch's new requests; checks, under {@code FOR SHARE}, that
 * this node still holds every other request the batch touches at the epoch of the log each record
 * came from, and drops the records of any it does not (fencing: the log is marked fenced and the
 * lease-lost listeners told); writes all call records as one upsert of arrays (unnest) per 10,000 calls
 * (a call's records of one batch fold into one row); updates progress and finishes; queues the
 * {@code NOTIFY}s, which PostgreSQL delivers at the commit. After the commit it completes waiters
 * and marks overlay entries committed. A failed batch is rolled back; the creates and flushes
 * waiting on it fail with {@link JournalUnavailableException} (the request was not accepted);
 * every other record is kept and the batch is tried again after a backoff (100 ms doubling to
 * 1 s), on a new connection, until it commits. Only at close does it give up, after three tries.
 */
final class Writer implements Runnable {
  private static final int CALLS_PER_STATEMENT = 10_000;
  private static final int PURGE_CHUNK = 500;

  private final PostgresJournal journal;
  private final BlockingQueue<Rec> queue;
  private final int batchSize;
  private final long flushNanos;
  private final long leaseMillis;
  private final long retentionMillis;
  private final long purgeEveryNanos;
  private Connection conn;
  private long nextPurge;
  private volatile long commits;
  /** Told of each commit; null when no observed runtime uses this journal. */
  volatile dev.weft.observe.WeftObserver observer;
  private volatile long records;

  Writer(PostgresJournal journal, BlockingQueue<Rec> queue, PostgresJournal.Options options) {
    this.journal = journal;
    this.queue = queue;
    this.batchSize = options.batchSize();
    this.flushNanos = options.flushInterval().toNanos();
    this.leaseMillis = options.leaseDuration().toMillis();
    this.retentionMillis = options.retention().toMillis();
    this.purgeEveryNanos = Math.max(Duration.ofSeconds(1).toNanos(),
        Math.min(Duration.ofHours(1).toNanos(), options.retention().toNanos()));
    this.nextPurge = System.nanoTime();
  }

  long commits() {
    return commits;
  }

  long records() {
    return records;
  }

  /** For tests: the writer connection's backend pid, or -1 without a connection. */
  int backendPid() {
    Connection c = conn;
    if (c == null) {
      return -1;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_backend_pid()"); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      return -1;
    }
  }

  @Override
  public void run() {
    List<Rec> batch = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      try {
        if (batch.isEmpty()) {
          Rec first = queue.poll(1, TimeUnit.SECONDS);
          if (first == null) {
            purgeIfDue(false);
            continue;
          }
          batch.add(first);
        }
        fill(batch);
      } catch (InterruptedException e) {
        // only close stops the writer, by a Stop record
        continue;
      }
      stop = batch.get(batch.size() - 1) instanceof Rec.Stop;
      batch = commitWithRetries(batch, stop);
      if (!stop) {
        purgeIfDue(false);
      }
    }
    closeConnection();
  }

  /** Adds what is queued (up to the batch size), waiting up to the flush interval for company unless urgent. */
  private void fill(List<Rec> batch) throws InterruptedException {
    long deadline = System.nanoTime() + flushNanos;
    while (batch.size() < batchSize) {
      if (batch.get(batch.size() - 1) instanceof Rec.Stop) {
        return;
      }
      boolean urgent = batch.stream().anyMatch(Rec::urgent);
      Rec next = queue.poll();
      if (next == null) {
        long wait = deadline - System.nanoTime();
        if (urgent || wait <= 0) {
          return;
        }
        next = queue.poll(wait, TimeUnit.NANOSECONDS);
        if (next == null) {
          return;
        }
      }
      batch.add(next);
    }
  }

  /** Commits the batch; returns what is left to do (empty, or the records kept after a failure). */
  private List<Rec> commitWithRetries(List<Rec> batch, boolean closing) {
    long backoff = 100;
    for (int attempt = 1; ; attempt++) {
      try {
        long began = System.nanoTime();
        commit(batch);
        journal.available();
        dev.weft.observe.WeftObserver o = observer;
        if (o != null) {
          o.journalCommitted("postgres", java.time.Duration.ofNanos(System.nanoTime() - began), batch.size());
        }
        return new ArrayList<>();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly();
        closeConnection();
        if (attempt == 1 && connectionProblem(e) && !closing) {
          // Often a connection that died while idle (the server restarted, an idle timeout):
          // try once more at once on a new one before anyone is told.
          PostgresJournal.LOG.log(System.Logger.Level.INFO, "journal " + journal + ": the write connection failed ("
              + oneLine(e) + "); reconnecting");
          continue;
        }
        JournalUnavailableException failure = new JournalUnavailableException("the journal " + journal
            + " cannot write to the database now: " + oneLine(e), e);
        journal.unavailable(failure);
        List<Rec> kept = new ArrayList<>();
        for (Rec r : batch) {
          switch (r) {
            case Rec.Create c -> c.done().completeExceptionally(failure);
            case Rec.Flush f -> f.done().completeExceptionally(failure);
            case Rec.Purge p -> p.done().completeExceptionally(failure);
            default -> kept.add(r);
          }
        }
        batch = kept;
        if (attempt >= 3 && !connectionProblem(e)) {
          // The database is up but refuses this batch (a bug or a broken constraint, not an
          // outage): retrying would stop every later write, so it is dropped, loudly.
          long lost = batch.stream().filter(r -> r instanceof Rec.Logged).count();
          PostgresJournal.LOG.log(System.Logger.Level.ERROR, "journal " + journal + ": the database refused a batch "
              + attempt + " times; its " + lost + " records are dropped", e);
          return new ArrayList<>();
        }
        if (closing && attempt >= 3) {
          long lost = batch.stream().filter(r -> r instanceof Rec.Logged).count();
          PostgresJournal.LOG.log(System.Logger.Level.ERROR, "closing the journal " + journal + ": " + lost
              + " records could not be written (" + oneLine(e) + ")");
          return new ArrayList<>();
        }
        PostgresJournal.LOG.log(System.Logger.Level.WARNING, "journal " + journal + ": a batch of " + batch.size()
            + " records failed (" + oneLine(e) + "); retrying in " + backoff + " ms");
        try {
          Thread.sleep(backoff); // a backoff between reconnects, not a wait for an event
        } catch (InterruptedException ie) {
          // only close stops the writer
        }
        backoff = Math.min(1_000, backoff * 2);
        if (!closing) {
          Rec more;
          while (batch.size() < batchSize && (more = queue.poll()) != null) {
            batch.add(more);
            if (more instanceof Rec.Stop) {
              closing = true;
              break;
            }
          }
        }
        if (batch.isEmpty()) {
          return batch;
        }
      }
    }
  }

  /**
   * Whether {@code e} says the connection or the server failed (SQLSTATE classes 08 connection,
   * 57 operator intervention such as a shutdown, 53 insufficient resources), not the batch.
   */
  static boolean connectionProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        return state.startsWith("08") || state.startsWith("57") || state.startsWith("53")
            || state.startsWith("40"); // serialization failures and deadlocks: try again
      }
    }
    return !(e instanceof RuntimeException); // no SQLSTATE: an I/O failure below the driver, or a bug here
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private Connection connection() throws SQLException {
    if (conn == null) {
      conn = journal.connect();
      conn.setAutoCommit(false);
    }
    return conn;
  }

  private void rollbackQuietly() {
    if (conn != null) {
      try {
        conn.rollback();
      } catch (SQLException ignored) {
        // the connection is closed next
      }
    }
  }

  private void closeConnection() {
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException ignored) {
        // it is being dropped
      }
      conn = null;
    }
  }

  /** One call's records of a batch, folded into the row they leave. */
  private static final class CallRow {
    final String requestId;
    final String callHex;
    String parentHex;
    String function;
    String argsJson;
    String state;
    int failed;
    String output;
    String error;
    boolean started;
    boolean finished;

    CallRow(String requestId, String callHex) {
      this.requestId = requestId;
      this.callHex = callHex;
    }
  }

  private void commit(List<Rec> batch) throws SQLException {
    if (batch.stream().allMatch(r -> r instanceof Rec.Flush || r instanceof Rec.Stop)) {
      // Nothing to write: everything queued before these flushes was committed by earlier
      // batches (this thread commits in order), so they complete without a round trip.
      batch.forEach(r -> {
        if (r instanceof Rec.Flush f) {
          f.done().complete(null);
        }
      });
      return;
    }
    Connection c = connection();
    // 1. new requests
    List<Rec.Create> creates = new ArrayList<>();
    for (Rec r : batch) {
      if (r instanceof Rec.Create cr) {
        creates.add(cr);
      }
    }
    if (!creates.isEmpty() && creates.size() + (int) batch.stream().filter(r -> r instanceof Rec.Flush
        || r instanceof Rec.Stop).count() == batch.size()) {
      // Only new requests: their one insert commits by itself (autocommit), a round trip less.
      // No transaction is open yet (the driver begins one with the first statement), so switching
      // costs nothing.
      c.setAutoCommit(true);
      Map<Rec.Create, Rec.Created> created;
      try {
        created = create(c, creates);
      } finally {
        c.setAutoCommit(false);
      }
      commits++;
      records += creates.size();
      for (Rec r : batch) {
        switch (r) {
          case Rec.Create cr -> cr.done().complete(created.get(cr));
          case Rec.Flush f -> f.done().complete(null);
          default -> { }
        }
      }
      return;
    }
    Map<Rec.Create, Rec.Created> created = creates.isEmpty() ? Map.of() : create(c, creates);
    // 2. fencing: which logs still hold their requests
    Map<String, Long> held = held(c, batch);
    List<PgLog> lost = new ArrayList<>();
    Set<PgLog> dropped = new HashSet<>();
    for (Rec r : batch) {
      if (r instanceof Rec.Logged l) {
        PgLog log = l.log();
        if (dropped.contains(log)) {
          continue;
        }
        Long epoch = held.get(log.requestId());
        if (log.fenced() || epoch == null || epoch != log.epoch) {
          dropped.add(log);
          if (!log.req.finishCommitted && log.fence()) {
            lost.add(log);
          }
        }
      }
    }
    // 3. calls, progress, finishes, notifications
    Map<String, CallRow> calls = new LinkedHashMap<>();
    Map<String, Rec.Progress> progress = new LinkedHashMap<>();
    List<Rec.Finished> finishes = new ArrayList<>();
    Set<String> notes = new LinkedHashSet<>();
    int written = 0;
    for (Rec r : batch) {
      if (r instanceof Rec.Logged l && dropped.contains(l.log())) {
        continue;
      }
      written++;
      switch (r) {
        case Rec.Started s -> {
          CallRow row = calls.computeIfAbsent(s.log().requestId() + '/' + s.callHex(),
              k -> new CallRow(s.log().requestId(), s.callHex()));
          row.parentHex = s.parentHex();
          row.function = s.function();
          row.argsJson = s.argsJson();
          row.state = "RUNNING";
          row.output = null;
          row.started = true;
          row.finished = false;
        }
        case Rec.Completed d -> {
          CallRow row = calls.computeIfAbsent(d.log().requestId() + '/' + d.callHex(),
              k -> new CallRow(d.log().requestId(), d.callHex()));
          row.function = d.function();
          row.state = d.outputJson() == null ? "UNSERIALIZABLE" : "SUCCEEDED";
          row.output = d.outputJson();
          if (d.errorJson() != null) {
            row.error = d.errorJson();
          }
          row.finished = true;
        }
        case Rec.AttemptFailed a -> {
          CallRow row = calls.computeIfAbsent(a.log().requestId() + '/' + a.callHex(),
              k -> new CallRow(a.log().requestId(), a.callHex()));
          row.function = a.function();
          row.state = a.willRetry() ? "RETRYING" : "FAILED";
          row.output = null;
          row.error = a.errorJson();
          row.failed = Math.max(row.failed, a.failedTotal());
          row.finished = !a.willRetry();
        }
        case Rec.Progress p -> {
          progress.put(p.log().requestId(), p);
          notes.add("progress:" + p.log().requestId());
        }
        case Rec.Finished f -> finishes.add(f);
        default -> { }
      }
    }
    writeCalls(c, new ArrayList<>(calls.values()));
    if (!progress.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE requests SET progress_current = ?, progress_total = ?, "
          + "progress_message = ?, progress_at = ? WHERE id = ?")) {
        for (Rec.Progress p : progress.values()) {
          ps.setDouble(1, p.update().current());
          ps.setDouble(2, p.update().total());
          ps.setString(3, p.update().message());
          ps.setObject(4, java.time.OffsetDateTime.ofInstant(p.update().at(), java.time.ZoneOffset.UTC));
          ps.setString(5, p.log().requestId());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    if (!finishes.isEmpty()) {
      // The finishes and their notifications in one statement (one round trip).
      int n = finishes.size();
      String[] ids = new String[n];
      String[] states = new String[n];
      String[] outputs = new String[n];
      String[] errors = new String[n];
      String[] errorTypes = new String[n];
      String[] errorMessages = new String[n];
      for (int i = 0; i < n; i++) {
        Rec.Finished f = finishes.get(i);
        ids[i] = f.log().requestId();
        states[i] = f.state().name();
        outputs[i] = f.outputJson();
        errors[i] = f.errorJson();
        errorTypes[i] = f.errorType();
        errorMessages[i] = f.errorMessage();
      }
      try (PreparedStatement ps = c.prepareStatement("WITH f AS (UPDATE requests r SET state = u.state, "
          + "finished_at = now(), output = u.output, error = u.error, error_type = u.error_type, "
          + "error_message = u.error_message, owner = NULL, lease_expires_at = NULL FROM unnest(?::text[], "
          + "?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS u(id, state, output, error, error_type, "
          + "error_message) WHERE r.id = u.id RETURNING r.id) SELECT count(pg_notify(?, 'finished:' || f.id)) FROM f")) {
        ps.setArray(1, c.createArrayOf("text", ids));
        ps.setArray(2, c.createArrayOf("text", states));
        ps.setArray(3, c.createArrayOf("text", outputs));
        ps.setArray(4, c.createArrayOf("text", errors));
        ps.setArray(5, c.createArrayOf("text", errorTypes));
        ps.setArray(6, c.createArrayOf("text", errorMessages));
        ps.setString(7, journal.channel());
        ps.executeQuery().close();
      }
    }
    if (!notes.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
        for (String note : notes) {
          ps.setString(1, journal.channel());
          ps.setString(2, note);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    c.commit();
    commits++;
    records += written;
    // 4. after the commit
    for (PgLog log : lost) {
      journal.leaseLost(log);
    }
    for (Rec r : batch) {
      switch (r) {
        case Rec.Create cr -> cr.done().complete(created.get(cr));
        case Rec.Completed d when d.pending() != null && !dropped.contains(d.log()) ->
            d.log().req.outputs.replace(d.call(), d.pending(), OpenRequest.COMMITTED);
        case Rec.Finished f when !dropped.contains(f.log()) -> {
          f.log().req.finishCommitted = true;
          journal.retire(f.log().req, f.status());
        }
        case Rec.Flush f -> f.done().complete(null);
        case Rec.Purge p -> {
          try {
            p.done().complete(purge(true));
          } catch (RuntimeException e) { // the batch is committed: only the purge failed
            p.done().completeExceptionally(e);
          }
        }
        default -> { }
      }
    }
  }

  /** Inserts the new requests in one statement; a conflict is looked up (an idempotent repeat). */
  private Map<Rec.Create, Rec.Created> create(Connection c, List<Rec.Create> creates) throws SQLException {
    Map<String, Rec.Created> inserted = new HashMap<>();
    for (int from = 0; from < creates.size(); from += 5_000) {
      List<Rec.Create> chunk = creates.subList(from, Math.min(creates.size(), from + 5_000));
      int n = chunk.size();
      String[] ids = new String[n];
      String[] applications = new String[n];
      String[] inputs = new String[n];
      String[] keys = new String[n];
      String[] hashes = new String[n];
      for (int i = 0; i < n; i++) {
        Rec.Create cr = chunk.get(i);
        ids[i] = cr.id();
        applications[i] = cr.application();
        inputs[i] = cr.inputJson();
        keys[i] = cr.key();
        hashes[i] = cr.keyHash();
      }
      // One statement text for any number of rows (arrays), so it is planned once per connection.
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO requests (id, application, input, idempotency_key, "
          + "key_hash, state, owner, epoch, lease_expires_at) SELECT u.id, u.application, u.input, u.key, u.hash, "
          + "'RUNNING', ?, 1, now() + ? * interval '1 millisecond' FROM unnest(?::text[], ?::text[], ?::text[], "
          + "?::text[], ?::text[]) WITH ORDINALITY AS u(id, application, input, key, hash, n) ORDER BY u.n "
          + "ON CONFLICT DO NOTHING RETURNING id, seq, created_at")) {
        ps.setString(1, journal.nodeId());
        ps.setLong(2, leaseMillis);
        ps.setArray(3, c.createArrayOf("text", ids));
        ps.setArray(4, c.createArrayOf("text", applications));
        ps.setArray(5, c.createArrayOf("text", inputs));
        ps.setArray(6, c.createArrayOf("text", keys));
        ps.setArray(7, c.createArrayOf("text", hashes));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            inserted.put(rs.getString(1), new Rec.Created(true, rs.getString(1), null, null, rs.getLong(2),
                Reads.instant(rs, 3)));
          }
        }
      }
    }
    Map<Rec.Create, Rec.Created> out = new HashMap<>();
    for (Rec.Create cr : creates) {
      Rec.Created row = inserted.remove(cr.id()); // the first create of an id made it; a second is a repeat
      out.put(cr, row != null
          ? new Rec.Created(true, cr.id(), cr.application(), cr.keyHash(), row.seq(), row.createdAt())
          : existing(c, cr));
    }
    return out;
  }

  private Rec.Created existing(Connection c, Rec.Create cr) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id, application, key_hash, seq, created_at FROM requests "
        + "WHERE id = ? OR idempotency_key = ? ORDER BY (idempotency_key = ?) DESC NULLS LAST LIMIT 1")) {
      ps.setString(1, cr.id());
      ps.setString(2, cr.key());
      ps.setString(3, cr.key());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return new Rec.Created(false, rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
              Reads.instant(rs, 5));
        }
      }
    }
    // purged between the insert and the look-up: the caller tries again
    return new Rec.Created(false, cr.id(), cr.application(), null, 0, null);
  }

  /** The requests the batch's logs touch that this node holds, with their epochs (locked FOR SHARE). */
  private Map<String, Long> held(Connection c, List<Rec> batch) throws SQLException {
    Set<String> ids = new HashSet<>();
    for (Rec r : batch) {
      if (r instanceof Rec.Logged l && !l.log().fenced()) {
        ids.add(l.log().requestId());
      }
    }
    Map<String, Long> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT id, epoch FROM requests WHERE id = ANY(?) AND owner = ? AND state = 'RUNNING' ORDER BY id FOR SHARE")) {
      Array array = c.createArrayOf("text", ids.toArray());
      ps.setArray(1, array);
      ps.setString(2, journal.nodeId());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }

  /**
   * The calls upsert: one statement text whatever the number of rows (the rows travel as arrays),
   * so the driver prepares it once per connection and the server plans it once, instead of
   * parsing a VALUES list of a new length for every batch.
   */
  private static final String UPSERT_CALLS = """
      INSERT INTO calls AS c (request_id, durable_id, parent_id, function, arguments, state, failed_attempts,
          output, error, started_at, finished_at)
      SELECT u.request_id, u.durable_id, u.parent_id, u.function, u.arguments, u.state, u.failed_attempts,
          u.output, u.error, CASE WHEN u.started THEN now() END, CASE WHEN u.finished THEN now() END
      FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[],
          ?::text[], ?::bool[], ?::bool[])
        AS u(request_id, durable_id, parent_id, function, arguments, state, failed_attempts, output, error,
          started, finished)
      ON CONFLICT (request_id, durable_id) DO UPDATE SET
        parent_id = coalesce(EXCLUDED.parent_id, c.parent_id),
        function = EXCLUDED.function,
        arguments = coalesce(EXCLUDED.arguments, c.arguments),
        state = EXCLUDED.state,
        failed_attempts = greatest(EXCLUDED.failed_attempts, c.failed_attempts),
        output = EXCLUDED.output,
        error = coalesce(EXCLUDED.error, c.error),
        started_at = coalesce(EXCLUDED.started_at, c.started_at),
        finished_at = EXCLUDED.finished_at""";

  private void writeCalls(Connection c, List<CallRow> rows) throws SQLException {
    for (int from = 0; from < rows.size(); from += CALLS_PER_STATEMENT) {
      List<CallRow> chunk = rows.subList(from, Math.min(rows.size(), from + CALLS_PER_STATEMENT));
      int n = chunk.size();
      String[] requestIds = new String[n];
      String[] durableIds = new String[n];
      String[] parents = new String[n];
      String[] functions = new String[n];
      String[] arguments = new String[n];
      String[] states = new String[n];
      Integer[] failed = new Integer[n];
      String[] outputs = new String[n];
      String[] errors = new String[n];
      Boolean[] started = new Boolean[n];
      Boolean[] finished = new Boolean[n];
      for (int i = 0; i < n; i++) {
        CallRow row = chunk.get(i);
        requestIds[i] = row.requestId;
        durableIds[i] = row.callHex;
        parents[i] = row.parentHex;
        functions[i] = row.function;
        arguments[i] = row.argsJson;
        states[i] = row.state;
        failed[i] = row.failed;
        outputs[i] = row.output;
        errors[i] = row.error;
        started[i] = row.started;
        finished[i] = row.finished;
      }
      try (PreparedStatement ps = c.prepareStatement(UPSERT_CALLS)) {
        ps.setArray(1, c.createArrayOf("text", requestIds));
        ps.setArray(2, c.createArrayOf("text", durableIds));
        ps.setArray(3, c.createArrayOf("text", parents));
        ps.setArray(4, c.createArrayOf("text", functions));
        ps.setArray(5, c.createArrayOf("text", arguments));
        ps.setArray(6, c.createArrayOf("text", states));
        ps.setArray(7, c.createArrayOf("int4", failed));
        ps.setArray(8, c.createArrayOf("text", outputs));
        ps.setArray(9, c.createArrayOf("text", errors));
        ps.setArray(10, c.createArrayOf("bool", started));
        ps.setArray(11, c.createArrayOf("bool", finished));
        ps.executeUpdate();
      }
    }
  }

  private void purgeIfDue(boolean force) {
    if (!force && System.nanoTime() - nextPurge < 0) {
      return;
    }
    try {
      purge(false);
    } catch (RuntimeException e) {
      PostgresJournal.LOG.log(System.Logger.Level.WARNING, "journal " + journal + ": purge failed: " + oneLine(e));
    }
  }

  /**
   * Deletes requests finished longer than the retention ago (by the database's clock), with their
   * calls, in transactions of 500; requests open on this node are kept. Returns how many went.
   */
  private int purge(boolean rethrow) {
    nextPurge = System.nanoTime() + purgeEveryNanos;
    int total = 0;
    try {
      Connection c = connection();
      while (true) {
        List<String> victims = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM requests WHERE state <> 'RUNNING' "
            + "AND finished_at < now() - ? * interval '1 millisecond' ORDER BY finished_at LIMIT " + PURGE_CHUNK
            + " FOR UPDATE SKIP LOCKED")) {
          ps.setLong(1, retentionMillis);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String id = rs.getString(1);
              if (!journal.isOpen(id)) {
                victims.add(id);
              }
            }
          }
        }
        if (victims.isEmpty()) {
          c.commit();
          return total;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM requests WHERE id = ANY(?)")) {
          ps.setArray(1, c.createArrayOf("text", victims.toArray()));
          total += ps.executeUpdate();
        }
        c.commit();
        if (victims.size() < PURGE_CHUNK) {
          return total;
        }
      }
    } catch (SQLException e) {
      rollbackQuietly();
      closeConnection();
      if (rethrow) {
        throw new JournalUnavailableException("the journal " + journal + " could not purge: " + oneLine(e), e);
      }
      PostgresJournal.LOG.log(System.Logger.Level.WARNING, "journal " + journal + ": purge failed: " + oneLine(e));
      return total;
    }
  }
}
