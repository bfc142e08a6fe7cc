package dev.weft.journal.sqlite;

import dev.weft.RequestState;
import dev.weft.UsageException;
import dev.weft.WeftException;
import dev.weft.journal.CallRecord;
import dev.weft.journal.DurableId;
import dev.weft.journal.Journal;
import dev.weft.journal.JournalUnavailableException;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestInfo;
import dev.weft.journal.RequestLog;
import dev.weft.journal.RequestPage;
import dev.weft.journal.RequestQuery;
import dev.weft.transport.ErrorPayload;
import dev.weft.transport.JsonCodec;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.sqlite.SQLiteConfig;

/**
 * The embedded, durable journal: requests and their calls in one SQLite file, so that a request
 * survives a crash of the process and resumes without redoing finished calls. Open it with {@link
 * #open(Path)} and hand it to {@code WeftRuntime.builder().journal(...)}; close it after the
 * runtime.
 *
 * <p><b>Writes.</b> One writer thread owns the only write connection. Every recording method
 * ({@code started}, {@code completed}, {@code attemptFailed}, {@code progress}, {@code finished},
 * {@link #reopen}) encodes its values to JSON on the caller's thread, puts a record on a
 * bounded queue ({@link Options#maxQueuedRecords()}) and returns without waiting for the file;
 * while the queue is full (the writer cannot keep up, or cannot write at all) it waits for room
 * rather than drop the record. The writer executes records inside one transaction
 * and commits many at once (group commit): with {@link Durability#FULL}, one fsync of the
 * write-ahead log per batch, never per record. Two kinds of write wait for their commit, and say
 * so: {@link #create} returns only once the request is in the file (a request accepted by POST
 * survives a crash right after), and {@link #flush()} waits for everything queued before it.
 * A {@code finished} record is committed at once, without waiting for company (see below).
 *
 * <p><b>Reads see this process's queued writes.</b> Reads use their own connections (WAL lets
 * them run beside the writer) and would see only committed data, so for each request that runs in
 * this process the journal keeps an overlay in memory: the request's state, progress and output as
 * last recorded, and a complete index of its calls — which have a recorded output (the JSON itself
 * while its commit is pending, then the number of the row that holds it) and how many failed
 * attempts each has. Reads consult the overlay first and the file second. The writer replaces an
 * overlay entry only after the commit that holds it, so a read that misses the overlay finds the
 * value in the file. Because the index is complete, the engine's lookup before every call costs a
 * map lookup when the call has no output, and one query by primary key when it has a committed
 * one. A request leaves the overlay once its finish is committed. Requests created in this process
 * start with an empty index; a request read from the file (resume, replay, an idempotent repeat of
 * a running request) is indexed from its rows on first use.
 *
 * <p><b>Durability.</b> What a crash (the process killed, or the machine losing power with
 * {@code FULL}) leaves: every request whose {@code create} returned, and every record committed
 * before the crash. Records still queued are lost (the resumed request redoes those calls):
 * normally the last {@code flushInterval} (5 ms by default) plus one commit's time; more when
 * calls outpace the writer, up to {@code maxQueuedRecords}. A finish is
 * committed at once but not waited for, since {@code finished} is called after the request's
 * result is already visible: a crash in that window (about one fsync) leaves the request running
 * in the file, and on restart it is resumed with its calls served from the journal, so it ends
 * with the same output. With {@link Durability#NORMAL} commits are not fsynced: a process crash
 * loses nothing committed, a power loss may lose the last commits.
 *
 * <p><b>Retention.</b> A finished request keeps its calls until it is purged, because replaying
 * it by id serves them. Requests finished longer ago than {@link Options#retention()} (7 days by
 * default) are deleted with their calls by the writer at open, about every hour after (or every
 * retention period, if shorter) and on {@link #purgeNow()}. Requests not finished, and requests
 * open in this process, are never purged.
 *
 * <p><b>Values.</b> Inputs, arguments and outputs are JSON written by {@link JsonCodec#standard()}
 * with the declared types the engine passes, and read back with the declared types of the reader;
 * failures are {@link ErrorPayload}s. An input that cannot be encoded makes {@link #create} throw
 * {@link UsageException}. An argument or output that cannot be encoded is logged (once per
 * function) and recorded as such (a NULL argument list; an {@code UNSERIALIZABLE} call): the call
 * still succeeds here, and a replay runs it again. A recorded output that no longer reads as the
 * declared type (the function's type changed) is logged and treated as absent, so the call runs
 * again.
 *
 * <p><b>Faults.</b> When a commit fails (a full disk), the writer rolls it back, opens a new
 * connection and retries what it held, with a backoff (50 ms doubling to 2 s), until it
 * succeeds: nothing a recording call was told is written is dropped, and nothing is lost once
 * space returns. Meanwhile {@link #create} and {@link #flush()} throw {@link
 * JournalUnavailableException} (what the server answers with 503).
 *
 * <p><b>One journal per file.</b> The overlay assumes this instance is the only one writing the
 * file, and the lock file beside it ({@code weft.db.lock} for {@code weft.db}) makes sure: {@link
 * #open} refuses a file another journal has open, in this process or another ({@link
 * JournalLockedException}, naming its pid and start). Other processes may read the file, and
 * {@link #check} and {@link #backup} work beside an open journal. Opening the file again after a
 * crash is the intended use: the operating system releases a dead process's lock.
 *
 * <p><b>Threads.</b> Thread-safe. Recording methods block only while the write queue is full; reads block
 * for one indexed query; {@link #create}, {@link #flush()}, {@link #purgeNow()} and {@link
 * #close()} block for a commit and are not interruptible (an fsync is short). After {@link
 * #close()} every method throws {@link IllegalStateException}.
 */
public final class SqliteJournal implements Journal {
  static final System.Logger LOG = System.getLogger(SqliteJournal.class.getName());
  static final JsonCodec CODEC = JsonCodec.standard();
  private static final int READERS = 4;

  /** How hard a commit holds on: {@code PRAGMA synchronous} for the write connection. */
  public enum Durability {
    /** Every commit is fsynced before it counts: committed records survive power loss. The default. */
    FULL,
    /** Commits are not fsynced (WAL checkpoints are): they survive a process crash, not a power loss. */
    NORMAL
  }

  /**
   * How a {@link SqliteJournal} runs; immutable and validated on construction. Start from {@link
   * #defaults()} and change what you need with the {@code with} methods.
   *
   * @param durability commit durability; default {@link Durability#FULL}
   * @param retention how long finished requests (and their calls) are kept; default 7 days
   * @param batchSize the most records one transaction holds; default 10,000
   * @param flushInterval the longest a record waits for company before the writer commits it
   *     (records that wait for their commit never wait for this); default 5 ms; zero commits as
   *     soon as the queue is empty
   * @param clock the source of the timestamps recorded and of the retention cutoff; default UTC
   * @param maxQueuedRecords the most records waiting for the writer (queued, or held for a retry
   *     after a failed commit); when that many wait, recording calls block until there is room,
   *     and {@code create}, {@code flush} and {@code purgeNow} wait up to {@code queueWait}, then
   *     throw {@link JournalUnavailableException}; default 100,000
   * @param queueWait how long {@code create}, {@code flush} and {@code purgeNow} wait for room in
   *     a full queue; default 5 s
   */
  public record Options(Durability durability, Duration retention, int batchSize, Duration flushInterval,
      Clock clock, int maxQueuedRecords, Duration queueWait) {
    /**
     * @throws NullPointerException if a value is null
     * @throws IllegalArgumentException if retention is not positive, batchSize or maxQueuedRecords
     *     is below 1, flushInterval is negative or above a minute, or queueWait is negative or
     *     above ten minutes
     */
    public Options {
      Objects.requireNonNull(durability, "durability");
      Objects.requireNonNull(retention, "retention");
      Objects.requireNonNull(flushInterval, "flushInterval");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(queueWait, "queueWait");
      if (maxQueuedRecords < 1) {
        throw new IllegalArgumentException("maxQueuedRecords must be at least 1, was " + maxQueuedRecords);
      }
      if (queueWait.isNegative() || queueWait.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("queueWait must be 0..10 minutes, was " + queueWait);
      }
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention must be positive, was " + retention);
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
      }
      if (flushInterval.isNegative() || flushInterval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("flushInterval must be 0..1 minute, was " + flushInterval);
      }
    }

    /**
     * FULL durability, 7 days' retention, batches of 10,000, 5 ms flush interval, the UTC clock,
     * at most 100,000 queued records, 5 s wait for room.
     */
    public static Options defaults() {
      return new Options(Durability.FULL, Duration.ofDays(7), 10_000, Duration.ofMillis(5), Clock.systemUTC(),
          100_000, Duration.ofSeconds(5));
    }

    /** These options with {@code durability}. */
    public Options withDurability(Durability durability) {
      return new Options(durability, retention, batchSize, flushInterval, clock, maxQueuedRecords, queueWait);
    }

    /** These options with {@code retention}. */
    public Options withRetention(Duration retention) {
      return new Options(durability, retention, batchSize, flushInterval, clock, maxQueuedRecords, queueWait);
    }

    /** These options with {@code batchSize}. */
    public Options withBatchSize(int batchSize) {
      return new Options(durability, retention, batchSize, flushInterval, clock, maxQueuedRecords, queueWait);
    }

    /** These options with {@code flushInterval}. */
    public Options withFlushInterval(Duration flushInterval) {
      return new Options(durability, retention, batchSize, flushInterval, clock, maxQueuedRecords, queueWait);
    }

    /** These options with {@code maxQueuedRecords}. */
    public Options withMaxQueuedRecords(int maxQueuedRecords) {
      return new Options(durability, retention, batchSize, flushInterval, clock, maxQueuedRecords, queueWait);
    }

    /** These options with {@code queueWait}. */
    public Options withQueueWait(Duration queueWait) {
      return new Options(durability, retention, batchSize, flushInterval, clock, maxQueuedRecords, queueWait);
    }

    /** These options with {@code clock}. */
    public Options withClock(Clock clock) {
      return new Options(durability, retention, batchSize, flushInterval, clock, maxQueuedRecords, queueWait);
    }
  }

  /**
   * What the writer has done since open (counts include transactions that later failed to commit
   * only for the row writes).
   *
   * @param commits transactions committed (with FULL durability, fsyncs of the log)
   * @param records records committed by them (starts, outcomes, progress, finishes, flushes, ...)
   * @param callInserts calls rows inserted (one per call, normally)
   * @param callUpdates calls rows updated (a call whose records fell in different transactions)
   */
  public record Stats(long commits, long records, long callInserts, long callUpdates) {}

  private final Path file;
  private final Options options;
  private final LinkedBlockingQueue<Rec> queue = new LinkedBlockingQueue<>();
  /** One permit per record that may wait for the writer; the writer gives them back (see {@link Writer}). */
  private final Semaphore room;
  private final JournalLock lock;
  private final AtomicInteger entering = new AtomicInteger();
  private final Map<String, OpenRequest> opens = new ConcurrentHashMap<>();
  /** Guards loading requests into {@link #opens}, retiring them, and the purge's choice of victims. */
  private final Object opening = new Object();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final Readers readers;
  private final Writer writer;
  private final Thread writerThread;
  private volatile boolean closed;

  private SqliteJournal(Path file, Options options, Connection writeConnection, JournalLock lock, WriteFaults faults)
      throws SQLException {
    this.file = file;
    this.options = options;
    this.lock = lock;
    this.room = new Semaphore(options.maxQueuedRecords());
    this.readers = new Readers(file, () -> connect(file, options, true), READERS);
    this.writer = new Writer(this, file, writeConnection, () -> {
      Connection c = connect(file, options, false);
      c.setAutoCommit(false);
      return c;
    }, queue, room, lock, options, faults);
    this.writerThread = Thread.ofPlatform().name("weft-journal-writer").daemon(true)
        .uncaughtExceptionHandler((t, e) -> LOG.log(System.Logger.Level.ERROR, "the journal writer of " + file
            + " died; records are no longer written", e))
        .unstarted(writer);
    writerThread.start();
  }

  /**
   * Opens (creating it if needed) the journal in {@code file} with {@link Options#defaults()}.
   *
   * @throws JournalLockedException if another journal, in this process or another, has the file open
   * @throws JournalDamagedException if the file fails SQLite's quick check or is not a database
   * @throws WeftException if the file cannot be opened or written (a read-only file or directory),
   *     is not a Weft journal, or was written by a newer Weft (its schema version is higher than
   *     this code knows)
   */
  public static SqliteJournal open(Path file) {
    return open(file, Options.defaults());
  }

  /**
   * Opens (creating it if needed) the journal in {@code file}: takes the lock file beside it
   * ({@code file + ".lock"}) for as long as the journal is open; checks the file ({@code PRAGMA
   * quick_check}, which reads every page: about a second per GB); sets WAL mode, the chosen
   * {@code synchronous}, foreign keys on, a 5 s busy timeout; migrates its schema to this code's
   * version. If the file holds fewer requests than the lock file says it had (the file, or its
   * WAL, was deleted, truncated or replaced by an older copy), it logs a WARNING saying so and
   * opens what is there.
   *
   * @throws JournalLockedException if another journal, in this process or another, has the file open
   * @throws JournalDamagedException if the file fails SQLite's quick check or is not a database
   * @throws WeftException if the file cannot be opened or written (a read-only file or directory),
   *     is not a Weft journal, or was written by a newer Weft (its schema version is higher than
   *     this code knows)
   */
  public static SqliteJournal open(Path file, Options options) {
    return open(file, options, WriteFaults.NONE);
  }

  /** {@link #open(Path, Options)} with a fault-injection seam for tests (see {@link WriteFaults}). */
  static SqliteJournal open(Path file, Options options, WriteFaults faults) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    Path path = file.toAbsolutePath();
    try {
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
    } catch (IOException e) {
      throw new WeftException("cannot create the directory of the journal " + path + ": " + e.getMessage(), e);
    }
    if (Files.exists(path) && !Files.isWritable(path)) {
      throw new WeftException("the journal " + path + " is read-only; give the user running Weft write access to "
          + "it and to its directory");
    }
    JournalLock lock = JournalLock.acquire(path);
    Connection conn = null;
    try {
      try {
        conn = connect(path, options, false);
        Maintenance.quickCheck(conn, path);
      } catch (SQLException e) {
        if (Maintenance.isDamage(e)) {
          throw new JournalDamagedException(path, Maintenance.describe(e), e);
        }
        throw e;
      }
      Schema.migrate(conn, path, options.clock().millis());
      long requests = Maintenance.requestHighWater(conn);
      Optional<Long> before = lock.previousRequests();
      if (before.isPresent() && before.get() > requests) {
        LOG.log(System.Logger.Level.WARNING, Maintenance.resetWarning(path, before.get(), requests));
      }
      lock.write(requests);
      conn.setAutoCommit(false);
      return new SqliteJournal(path, options, conn, lock, faults);
    } catch (SQLException | IOException | RuntimeException e) {
      if (conn != null) {
        try {
          conn.close();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      lock.close();
      if (e instanceof WeftException w) {
        throw w;
      }
      throw new WeftException("cannot open the journal " + path + ": " + Maintenance.describe(e), e);
    }
  }

  /**
   * Checks the journal in {@code file} without opening it for writing, so it works while a
   * server has it open: SQLite's full {@code PRAGMA integrity_check}, the request counts, and
   * whether it looks reset (see {@link #open(Path, Options)}). Blocks for a read of the whole file.
   *
   * @throws WeftException if there is no file, or it cannot be read at all
   */
  public static Check check(Path file) {
    return Maintenance.check(file.toAbsolutePath());
  }

  /**
   * Copies the journal in {@code file} to {@code target}, a new file, consistently and while it is
   * in use: SQLite's {@code VACUUM INTO} reads one snapshot of the file and its WAL (a copy of
   * {@code weft.db} alone misses what the WAL holds). Writers go on meanwhile; the copy holds what
   * was committed when it began. It is written beside {@code target} first, checked, then moved
   * into place, so {@code target} is never a partial copy. Returns the check of the copy.
   *
   * @throws WeftException if {@code file} does not exist, {@code target} already exists, or the copy fails
   */
  public static Check backup(Path file, Path target) {
    return Maintenance.backup(file.toAbsolutePath(), target.toAbsolutePath());
  }

  /**
   * What {@link #check} found.
   *
   * @param file the checked file
   * @param problems what SQLite's integrity check reported (empty when it says {@code ok}), and
   *     a warning if the file holds fewer requests than its lock file says it had
   * @param schemaVersion the file's schema version (0 if it has none)
   * @param requests requests in the file
   * @param running of which running
   * @param calls calls recorded
   */
  public record Check(Path file, List<String> problems, int schemaVersion, long requests, long running, long calls) {
    /** Copies {@code problems}. */
    public Check {
      problems = List.copyOf(problems);
    }

    /** Whether nothing is wrong. */
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private static Connection connect(Path path, Options options, boolean reader) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(5_000);
    config.enforceForeignKeys(true);
    // Otherwise the driver runs "SELECT last_insert_rowid()" after every insert (a third of the
    // writer's time); the writer numbers its rows itself.
    config.setGetGeneratedKeys(false);
    if (!reader) {
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(options.durability() == Durability.FULL
          ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    }
    Connection conn = config.createConnection("jdbc:sqlite:" + path);
    try (Statement st = conn.createStatement()) {
      if (reader) {
        st.execute("PRAGMA query_only = true");
      } else {
        try (ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
          String mode = rs.next() ? rs.getString(1) : "?";
          if (!"wal".equalsIgnoreCase(mode)) {
            throw new WeftException("the journal " + path + " could not be put in WAL mode (it is in " + mode
                + " mode); is it on a file system without shared memory, such as a network share?");
          }
        }
      }
    } catch (SQLException | RuntimeException e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  /** The journal's file. */
  public Path file() {
    return file;
  }

  /** The options it was opened with. */
  public Options options() {
    return options;
  }

  /** What the writer has done since open. Never blocks. */
  public Stats stats() {
    return new Stats(writer.commits(), writer.records(), writer.inserts(), writer.updates());
  }

  // ------------------------------------------------------------------------------ Journal

  /**
   * Records a new request and returns once it is committed (one group commit: with FULL
   * durability, an fsync), or returns the log of the request that already has this id or
   * idempotency key ({@link RequestLog#isNew()} false; the key is free again once that request
   * is purged). A key is kept with the SHA-256 of the application and the input's JSON, so a key
   * sent again with another application or input is refused; a request recorded before hashes
   * were kept (schema version 1) is compared by application only.
   *
   * @throws UsageException if the input cannot be encoded as its declared type
   * @throws dev.weft.IdempotencyKeyReusedException if the key was used for another application
   *     or another input
   * @throws JournalUnavailableException if the file cannot be written now (a full disk: the writer
   *     keeps what it had accepted and recovers by itself once it can write), or the write queue
   *     stayed full for {@link Options#queueWait()}
   * @throws IllegalStateException if the journal is closed
   */
  @Override
  public RequestLog create(NewRequest request) {
    ensureOpen();
    String inputJson;
    try {
      inputJson = CODEC.encode(request.input(), request.inputType());
    } catch (UsageException e) {
      throw new UsageException("the input of a request for " + request.application() + " cannot be journaled: "
          + e.getMessage(), e);
    }
    String key = request.idempotencyKey().orElse(null);
    String hash = key == null ? null : IdempotencyHash.of(request.application(), inputJson);
    for (int attempt = 1; ; attempt++) {
      long now = options.clock().millis();
      CompletableFuture<Rec.Created> done = new CompletableFuture<>();
      enqueueOrRefuse(new Rec.Create(request.id(), request.application(), inputJson, key, hash, now, done));
      Rec.Created created = await(done);
      if (!created.isNew() && key != null) {
        IdempotencyHash.checkSame(key, created.application(), created.hash(), request.application(), hash);
      }
      if (created.isNew()) {
        OpenRequest fresh = new OpenRequest(created.id(), request.application(), Instant.ofEpochMilli(now),
            created.seq(), running(), true);
        OpenRequest raced = opens.putIfAbsent(created.id(), fresh);
        return new SqliteLog(this, raced == null ? fresh : raced, true);
      }
      Optional<OpenRequest> existing = load(created.id(), false);
      if (existing.isPresent()) {
        return new SqliteLog(this, existing.get(), false);
      }
      if (attempt == 3) { // the existing request was purged each time in between: give up
        throw new WeftException("request " + request.id() + " kept colliding with requests being purged");
      }
    }
  }

  /**
   * The log of a recorded request, to resume or replay it. A running request (after a restart) is
   * returned as it is. A finished request is marked RUNNING again (its output and error cleared)
   * and replays: its entry call ({@code DurableId.root(application)}) runs again, and the outputs
   * of the calls below it are served. Empty if the request is not recorded (or was purged).
   *
   * @throws IllegalStateException if the journal is closed
   */
  @Override
  public Optional<RequestLog> reopen(String requestId) {
    return load(requestId, true).map(req -> new SqliteLog(this, req, false));
  }

  /** Requests recorded as running, oldest first, as this process last recorded them. */
  @Override
  public List<RequestInfo> unfinished() {
    ensureOpen();
    Map<String, Snapshot> open = snapshot();
    List<Snapshot> out = new ArrayList<>();
    for (Readers.Row row : readers.running()) {
      if (!open.containsKey(row.info().id())) {
        out.add(new Snapshot(row.seq(), row.info()));
      }
    }
    for (Snapshot s : open.values()) {
      if (s.info().state() == RequestState.RUNNING) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparingLong(Snapshot::seq));
    return out.stream().map(Snapshot::info).toList();
  }

  @Override
  public Optional<RequestInfo> info(String requestId) {
    ensureOpen();
    OpenRequest req = opens.get(requestId);
    if (req != null) {
      return Optional.of(req.info());
    }
    return readers.request(requestId).map(Readers.Row::info);
  }

  /**
   * The calls of a request, in the order they started, as last committed to the file:
   * a call recorded in the last moments (not yet committed by the writer) shows once committed.
   *
   * @throws IllegalStateException if the journal is closed
   */
  @Override
  public List<CallRecord> calls(String requestId) {
    ensureOpen();
    return readers.calls(requestId);
  }

  /**
   * A page of requests, newest first (by the order they were created in); the cursor is the
   * sequence number of the last one shown. Requests open in this process show as last recorded.
   *
   * @throws IllegalArgumentException if {@code query.after()} is not a cursor from a page
   */
  @Override
  public RequestPage list(RequestQuery query) {
    ensureOpen();
    long after = query.after().map(SqliteJournal::cursor).orElse(Long.MAX_VALUE);
    int need = query.limit() + 1;
    Map<String, Snapshot> open = snapshot();
    List<Snapshot> picked = new ArrayList<>();
    int fromFile = 0;
    long before = after;
    while (fromFile < need) {
      int chunk = need + Math.min(open.size(), 1_000);
      List<Readers.Row> rows = readers.page(query.application(), query.state(), before, chunk);
      for (Readers.Row row : rows) {
        before = row.seq();
        if (!open.containsKey(row.info().id())) {
          picked.add(new Snapshot(row.seq(), row.info()));
          fromFile++;
        }
      }
      if (rows.size() < chunk) {
        break;
      }
    }
    for (Snapshot s : open.values()) {
      if (s.seq() < after && query.application().map(a -> a.equals(s.info().application())).orElse(true)
          && query.state().map(st -> st == s.info().state()).orElse(true)) {
        picked.add(s);
      }
    }
    picked.sort(Comparator.comparingLong(Snapshot::seq).reversed());
    int shown = Math.min(query.limit(), picked.size());
    List<RequestInfo> page = new ArrayList<>(shown);
    for (int i = 0; i < shown; i++) {
      page.add(picked.get(i).info());
    }
    Optional<String> next = picked.size() > query.limit()
        ? Optional.of(Long.toString(picked.get(query.limit() - 1).seq())) : Optional.empty();
    return new RequestPage(page, next);
  }

  /**
   * The output of a request that succeeded, read as {@code declared}; empty if it did not
   * succeed, its output was null, or its output could not be encoded.
   *
   * @throws dev.weft.transport.TransportException if the recorded output does not read as {@code declared}
   */
  @Override
  public Optional<Object> output(String requestId, Type declared) {
    ensureOpen();
    OpenRequest req = opens.get(requestId);
    if (req != null) {
      OpenRequest.Status s = req.status();
      if (s.state() != RequestState.SUCCEEDED) {
        return Optional.empty();
      }
      if (s.outputJson() != null) {
        return Optional.ofNullable(CODEC.decode(s.outputJson(), declared));
      }
    }
    return readers.output(requestId).map(json -> CODEC.decode(json, declared));
  }

  @Override
  public Optional<Object> input(String requestId, Type declared) {
    ensureOpen();
    return readers.input(requestId).map(json -> CODEC.decode(json, declared)); // recorded before create returned
  }

  /** False while the writer's last transaction failed (a full disk, a damaged file) and none has committed since. */
  @Override
  public boolean canWrite() {
    return !writer.failing();
  }

  /** Tells {@code observer} of each commit (latency from the writer taking its first record, and the batch size). */
  @Override
  public void observedBy(dev.weft.observe.WeftObserver observer) {
    writer.observedBy(observer);
  }

  /** Records accepted and not yet taken by the writer. */
  @Override
  public int queuedWrites() {
    return queue.size();
  }

  /**
   * Writes everything queued, stops the writer and closes the file. Blocks for the last commit.
   * Idempotent. Afterwards every method throws {@link IllegalStateException}.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    while (entering.get() != 0) {
      Thread.onSpinWait(); // a record being enqueued right now goes before the stop
    }
    queue.add(new Rec.Stop());
    boolean interrupted = false;
    while (true) {
      try {
        writerThread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the last commit is short; finish closing, then keep the interrupt
      }
    }
    readers.close();
    lock.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------ extras

  /**
   * Waits until every record queued before this call is committed.
   *
   * @throws JournalUnavailableException if the commit failed (a full disk; the records stay queued
   *     and are written once the writer can) or the queue stayed full for {@link Options#queueWait()}
   * @throws IllegalStateException if the journal is closed
   */
  public void flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    enqueueOrRefuse(new Rec.Flush(done));
    await(done);
  }

  /**
   * Deletes, now, the requests that finished longer than the retention ago, with their calls, after
   * committing what is queued; returns how many requests were deleted.
   *
   * @throws WeftException if the file cannot be written
   * @throws IllegalStateException if the journal is closed
   */
  public int purgeNow() {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    enqueueOrRefuse(new Rec.Purge(done));
    return await(done);
  }

  @Override
  public String toString() {
    return "SqliteJournal[" + file + ", " + options.durability() + (closed ? ", closed]" : "]");
  }

  // ------------------------------------------------------------------------------ internals

  /** One request as a reader sees it: from the overlay or from a row. */
  private record Snapshot(long seq, RequestInfo info) {}

  private Map<String, Snapshot> snapshot() {
    Map<String, Snapshot> out = new HashMap<>();
    for (OpenRequest req : opens.values()) {
      out.put(req.id, new Snapshot(req.seq, req.info()));
    }
    return out;
  }

  /**
   * The request in the overlay, or loaded from the file (into the overlay unless it is finished
   * and stays so); {@code reopen} marks it running again.
   */
  private Optional<OpenRequest> load(String id, boolean reopen) {
    ensureOpen();
    if (reopen) {
      // The permit is taken before the lock: the writer takes that lock after its commits, which
      // give permits back, so waiting for one inside it could wait for ever.
      acquire(true);
    }
    boolean queued = false;
    try {
      synchronized (opening) {
        OpenRequest req = opens.get(id);
        if (req == null) {
          Optional<Readers.Row> row = readers.request(id);
          if (row.isEmpty()) {
            return Optional.empty();
          }
          RequestInfo info = row.get().info();
          req = new OpenRequest(id, info.application(), info.createdAt(), row.get().seq(),
              new OpenRequest.Status(info.state(), info.finishedAt(), info.progress(), info.errorType(),
                  info.errorMessage(), null), false);
          if (reopen || !info.state().finished()) {
            opens.put(id, req);
          }
        }
        if (reopen && req.reopen()) {
          // A replay runs the application again: its entry call's output must not be served, or
          // the replay would end at once with the old output. Its children's outputs are served.
          DurableId entry = DurableId.root(req.application);
          req.forget(entry);
          queued = true;
          put(new Rec.Reopen(req, Hex.of(entry)));
        }
        return Optional.of(req);
      }
    } finally {
      if (reopen && !queued) {
        room.release();
      }
    }
  }

  /** After the commit of a finish: the request leaves the overlay unless it was reopened since. */
  void retire(OpenRequest req, OpenRequest.Status finished) {
    synchronized (opening) {
      if (req.status() == finished) {
        opens.remove(req.id, req);
      }
    }
  }

  Object openingLock() {
    return opening;
  }

  boolean isOpen(String requestId) {
    return opens.containsKey(requestId);
  }

  Readers readers() {
    return readers;
  }

  Clock clock() {
    return options.clock();
  }

  /**
   * Queues a record of a running request (a call's start or outcome, progress, a finish). Never
   * drops it: while the queue is full ({@link Options#maxQueuedRecords()}), it waits for room,
   * uninterruptibly (an interrupt stays set), because a record the engine was told is written must
   * be written. The wait is short while the writer runs; while it cannot write (a full disk), the
   * requests of this process pause here, which is the back-pressure.
   */
  void enqueue(Rec rec) {
    acquire(false);
    put(rec);
  }

  /** Queues a record someone waits for; a full queue is waited on for {@code queueWait}, then refused. */
  private void enqueueOrRefuse(Rec rec) {
    acquire(true);
    put(rec);
  }

  /** Takes one permit: waits for it, or (refuse) up to {@code queueWait} and then throws. */
  private void acquire(boolean refuse) {
    ensureOpen();
    if (!refuse) {
      room.acquireUninterruptibly();
      return;
    }
    boolean got;
    try {
      got = room.tryAcquire(options.queueWait().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JournalUnavailableException("interrupted while waiting for room in the journal's write queue", e);
    }
    if (!got) {
      throw new JournalUnavailableException("the journal cannot record now: its write queue is full ("
          + options.maxQueuedRecords() + " records wait for the disk); try again later", null);
    }
  }

  /**
   * Puts a record on the queue with the permit the caller took, unless closed (the permit is then
   * given back); a record that got past the check precedes the stop.
   */
  private void put(Rec rec) {
    entering.incrementAndGet();
    try {
      ensureOpen();
      queue.add(rec);
    } catch (RuntimeException e) {
      room.release();
      throw e;
    } finally {
      entering.decrementAndGet();
    }
  }

  void ensureOpen() {
    if (closed) {
      throw closed(file);
    }
  }

  static IllegalStateException closed(Path file) {
    return new IllegalStateException("the journal " + file + " is closed");
  }

  /** Logs, once per function, that its values cannot be journaled. */
  void warnOnce(String function, String what, RuntimeException e) {
    if (warned.add(function + "/" + what)) {
      LOG.log(System.Logger.Level.WARNING, "journal: the " + what + " of " + function + " cannot be journaled ("
          + e.getMessage() + "); such calls are recorded without it and a replay runs them again. "
          + "Said once per function.");
    }
  }

  static String errorJson(Throwable t) {
    return errorJson(ErrorPayload.of(t));
  }

  static String errorJson(ErrorPayload payload) {
    try {
      return CODEC.encode(payload, ErrorPayload.class);
    } catch (RuntimeException e) { // a message the codec refuses: keep the type, say so
      return CODEC.encode(new ErrorPayload(payload.type(), "(the failure could not be encoded: " + e.getMessage()
          + ")", List.of(), null), ErrorPayload.class);
    }
  }

  private static OpenRequest.Status running() {
    return new OpenRequest.Status(RequestState.RUNNING, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), null);
  }

  private static long cursor(String after) {
    try {
      return Long.parseLong(after);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a cursor from a page of this journal: '" + after + "'", e);
    }
  }

  private <T> T await(CompletableFuture<T> done) {
    try {
      return done.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      // A new exception, so that the stack shows this caller and not only the writer thread.
      if (cause instanceof JournalUnavailableException u) {
        throw new JournalUnavailableException(u.getMessage(), u.getCause());
      }
      throw new WeftException(cause instanceof WeftException ? cause.getMessage()
          : "writing the journal " + file + " failed: " + cause, cause);
    }
  }
}
