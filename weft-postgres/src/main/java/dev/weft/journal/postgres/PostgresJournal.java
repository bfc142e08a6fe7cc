package dev.weft.journal.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.weft.IdempotencyKeyReusedException;
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
import dev.weft.journal.WorkQueue;
import dev.weft.transport.ErrorPayload;
import dev.weft.transport.JsonCodec;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The journal on PostgreSQL, shared by a fleet of Weft nodes: the SQLite journal's semantics
 * (docs/JOURNAL.md) in one database schema, with every running request held by one node under a
 * lease, and every write fenced by that lease's epoch. Open it with {@link #open(Options)} and
 * hand it to {@code WeftRuntime.builder().journal(...)}; close it after the runtime.
 *
 * <p><b>Writes.</b> As the SQLite journal's: recording methods encode on the caller's thread,
 * update an in-memory overlay (so reads see queued writes) and enqueue; one writer thread
 * ({@code weft-journal-writer}) commits the queue in groups, one transaction per batch on one
 * dedicated connection. {@link #create} returns once its request is committed; {@link #flush()}
 * waits for everything queued before it. A batch that fails (the database restarted or
 * unreachable) is rolled back and tried again with a backoff on a new connection, so no record
 * accepted is lost; while the database cannot be written, {@link #create} throws {@link
 * JournalUnavailableException} (the request was not accepted).
 *
 * <p><b>Leases and fencing.</b> Each running request has an {@code owner} (a node id), an
 * {@code epoch} and a lease expiry, all judged by the database's clock ({@code now()}), so clock
 * skew between nodes does not matter. {@link #create} makes this node the owner at epoch 1;
 * {@link #reopen} takes a request whose lease is free, expired or this node's (bumping the
 * epoch), and is empty while another node holds a live lease; {@link #claimExpired} takes
 * requests with no owner or an expired lease ({@code FOR UPDATE SKIP LOCKED}, so two claimers
 * never get the same one). Every log is bound to the epoch it was opened at. Each batch checks, in
 * its transaction, that this node still owns every request it touches at that epoch; the records
 * of a request it lost are dropped (never written), its log is fenced (later records are dropped
 * at once) and the {@link #onLeaseLost} listeners are told, once per log. The owner renews its
 * leases with {@link #renewLeases()} (the fleet's loop calls it); finishing a request clears its
 * owner and lease.
 *
 * <p><b>Notifications.</b> The commit of a request's finish or progress sends {@code NOTIFY} on
 * {@link #channel()} with payload {@code finished:<id>} or {@code progress:<id>}; {@link
 * #publish} sends others (such as {@code cancel:<id>}). {@link #listen} receives them on a
 * dedicated connection.
 *
 * <p><b>Threads.</b> Thread-safe. Recording methods never block (beyond an enqueue); reads block
 * for one query on a pooled connection; {@link #create}, {@link #reopen}, {@link #flush()}, the
 * lease methods and {@link #close()} block for a round trip or a commit. After {@link #close()}
 * every method throws {@link IllegalStateException}.
 */
public final class PostgresJournal implements Journal {
  static final System.Logger LOG = System.getLogger(PostgresJournal.class.getName());
  static final JsonCodec CODEC = JsonCodec.standard();
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

  /**
   * How a {@link PostgresJournal} runs; immutable, validated on construction. Start from {@link
   * #defaults(String)} and change what you need with the {@code with} methods.
   *
   * @param url {@code jdbc:postgresql://host:port/db?user=...} or
   *     {@code postgresql://[user[:password]@]host:port/db?...}
   * @param schema the schema that holds the journal's tables (created if missing); a lowercase
   *     SQL identifier of at most 40 characters; default {@code weft}
   * @param nodeId this node's id, the owner of the leases it takes; default host-pid-random
   * @param leaseDuration how long a lease lasts unless renewed; default 10 s
   * @param poolSize the most pooled connections for reads and lease operations; default 8
   * @param batchSize the most records one transaction holds; default 10,000
   * @param flushInterval the longest a record waits for company before the writer commits it;
   *     default 2 ms
   * @param retention how long finished requests (and their calls) are kept; default 7 days
   */
  public record Options(String url, String schema, String nodeId, Duration leaseDuration, int poolSize,
      int batchSize, Duration flushInterval, Duration retention) {
    /**
     * @throws NullPointerException if a value is null
     * @throws IllegalArgumentException naming the value if it is out of range or malformed
     */
    public Options {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(leaseDuration, "leaseDuration");
      Objects.requireNonNull(flushInterval, "flushInterval");
      Objects.requireNonNull(retention, "retention");
      Urls.parse(url);
      if (!IDENTIFIER.matcher(schema).matches()) {
        throw new IllegalArgumentException("schema must be a lowercase SQL identifier (letters, digits, _; "
            + "at most 40; not starting with a digit), was '" + schema + "'");
      }
      if (nodeId.isBlank() || nodeId.length() > 200) {
        throw new IllegalArgumentException("nodeId must be 1..200 characters, not blank, was '" + nodeId + "'");
      }
      if (leaseDuration.compareTo(Duration.ofMillis(100)) < 0 || leaseDuration.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("leaseDuration must be 100 ms..1 hour, was " + leaseDuration);
      }
      if (poolSize < 1 || poolSize > 200) {
        throw new IllegalArgumentException("poolSize must be 1..200, was " + poolSize);
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
      }
      if (flushInterval.isNegative() || flushInterval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("flushInterval must be 0..1 minute, was " + flushInterval);
      }
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention must be positive, was " + retention);
      }
    }

    /** Schema {@code weft}, a random node id, 10 s leases, 8 pooled connections, 10,000 / 2 ms batches, 7 days. */
    public static Options defaults(String url) {
      return new Options(url, "weft", defaultNodeId(), Duration.ofSeconds(10), 8, 10_000, Duration.ofMillis(2),
          Duration.ofDays(7));
    }

    /** These options with {@code url}. */
    public Options withUrl(String url) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** These options with {@code schema}. */
    public Options withSchema(String schema) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** These options with {@code nodeId}. */
    public Options withNodeId(String nodeId) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** These options with {@code leaseDuration}. */
    public Options withLeaseDuration(Duration leaseDuration) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** These options with {@code poolSize}. */
    public Options withPoolSize(int poolSize) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** These options with {@code batchSize}. */
    public Options withBatchSize(int batchSize) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** These options with {@code flushInterval}. */
    public Options withFlushInterval(Duration flushInterval) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** These options with {@code retention}. */
    public Options withRetention(Duration retention) {
      return new Options(url, schema, nodeId, leaseDuration, poolSize, batchSize, flushInterval, retention);
    }

    /** The URL without its password, for messages. */
    public String redactedUrl() {
      return Urls.redact(url);
    }

    private static String defaultNodeId() {
      String host;
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "host";
      }
      return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
  }

  /**
   * A request this node claimed with {@link #claimExpired}; {@link #reopen} of it binds this epoch.
   *
   * @param requestId the request
   * @param application its application's name
   * @param epoch the lease epoch this node now holds it at
   */
  public record Claim(String requestId, String application, long epoch) {}

  private final Options options;
  private final String where;
  private final Urls.Jdbc jdbc;
  private final HikariDataSource pool;
  private final Reads reads;
  private final LinkedBlockingQueue<Rec> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger entering = new AtomicInteger();
  private final Map<String, OpenRequest> opens = new ConcurrentHashMap<>();
  private final Map<String, Long> claims = new ConcurrentHashMap<>();
  /** Guards loading requests into {@link #opens} and retiring them. */
  private final Object opening = new Object();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final List<Consumer<String>> leaseListeners = new CopyOnWriteArrayList<>();
  private final List<Notifications> listeners = new CopyOnWriteArrayList<>();
  private final Writer writer;
  private final Thread writerThread;
  private volatile JournalUnavailableException unavailable;
  private volatile boolean closed;
  /** Who follows which request through {@link #watch}; fed by one listener made on first use. */
  private final Map<String, List<Runnable>> watchers = new ConcurrentHashMap<>();
  /** Guarded by {@code this}. */
  private boolean watching;
  /** Made on first use by {@link #workQueue()}; guarded by {@code this}. */
  private PgWorkQueue workQueue;

  private PostgresJournal(Options options, Urls.Jdbc jdbc, HikariDataSource pool) {
    this.options = options;
    this.jdbc = jdbc;
    this.where = options.redactedUrl() + " (schema " + options.schema() + ")";
    this.pool = pool;
    this.reads = new Reads(pool, where);
    this.writer = new Writer(this, queue, options);
    this.writerThread = Thread.ofPlatform().name("weft-journal-writer").daemon(true)
        .uncaughtExceptionHandler((t, e) -> LOG.log(System.Logger.Level.ERROR, "the journal writer of " + where
            + " died; records are no longer written", e))
        .unstarted(writer);
    writerThread.start();
  }

  /**
   * Opens the journal: connects, creates the schema if missing and migrates it to this code's
   * version (under an advisory lock, so nodes starting at once do not race), starts the writer.
   *
   * @throws WeftException with a one-line message naming the URL (without its password) and the
   *     cause, if the database cannot be reached, or if its schema was written by a newer Weft
   */
  public static PostgresJournal open(Options options) {
    Objects.requireNonNull(options, "options");
    Urls.Jdbc jdbc = Urls.parse(options.url());
    String where = options.redactedUrl();
    try (Connection c = connect(jdbc, null)) {
      Migrations.migrate(c, options.schema(), where);
    } catch (SQLException e) {
      throw new WeftException("cannot open the journal on " + where + ": " + Writer.oneLine(e), e);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbc.url());
    config.setDataSourceProperties(jdbc.properties());
    config.setSchema(options.schema());
    config.setMaximumPoolSize(options.poolSize());
    config.setMinimumIdle(Math.min(2, options.poolSize()));
    config.setPoolName("weft-journal-" + options.schema());
    config.setConnectionTimeout(5_000);
    config.setInitializationFailTimeout(-1); // reachable a moment ago; a later outage shows on use
    HikariDataSource pool = new HikariDataSource(config);
    return new PostgresJournal(options, jdbc, pool);
  }

  /** {@link #open(Options)} with {@link Options#defaults(String)}. */
  public static PostgresJournal open(String url) {
    return open(Options.defaults(url));
  }

  private static Connection connect(Urls.Jdbc jdbc, String schema) throws SQLException {
    Properties props = new Properties();
    props.putAll(jdbc.properties());
    props.putIfAbsent("connectTimeout", "5");
    props.putIfAbsent("ApplicationName", "weft");
    Connection c = DriverManager.getConnection(jdbc.url(), props);
    if (schema != null) {
      c.setSchema(schema);
    }
    return c;
  }

  /** A new connection of its own (the writer's, a listener's), on the journal's schema. */
  Connection connect() throws SQLException {
    return connect(jdbc, options.schema());
  }

  // ------------------------------------------------------------------------------ Journal

  /**
   * Records a new request owned by this node (epoch 1, lease from now) and returns once it is
   * committed; or returns the log of the request that already has this id or idempotency key
   * ({@link RequestLog#isNew()} false). Such a repeat of a running request takes its lease as
   * {@link #reopen} does when it can; when another node holds it, the log returned is fenced from
   * the start (its records are dropped and the lease-lost listeners told).
   *
   * @throws UsageException if the input cannot be encoded as its declared type
   * @throws IdempotencyKeyReusedException if the key was first used for another application or input
   * @throws JournalUnavailableException if the database cannot be written now
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
    String hash = keyHash(request.application(), inputJson);
    for (int attempt = 1; ; attempt++) {
      CompletableFuture<Rec.Created> done = new CompletableFuture<>();
      enqueue(new Rec.Create(request.id(), request.application(), inputJson, request.idempotencyKey().orElse(null),
          hash, done));
      Rec.Created created = await(done);
      if (created.isNew()) {
        OpenRequest fresh = new OpenRequest(created.id(), request.application(), created.createdAt(),
            created.seq(), OpenRequest.running(), true);
        synchronized (opening) {
          OpenRequest raced = opens.putIfAbsent(created.id(), fresh); // a repeat of it may have been loaded already
          OpenRequest req = raced == null ? fresh : raced;
          PgLog log = new PgLog(this, req, true, 1);
          if (req.current == null) {
            req.current = log;
          }
          return log;
        }
      }
      if (created.keyHash() != null && request.idempotencyKey().isPresent() && !created.keyHash().equals(hash)) {
        String key = request.idempotencyKey().get();
        boolean sameApp = created.application().equals(request.application());
        throw new IdempotencyKeyReusedException(key, created.application(), "idempotency key '" + key
            + "' was first used for " + (sameApp ? "a request of " + created.application() + " with another input"
            : "a request of another application, " + created.application()) + "; send this request with a new key");
      }
      if (created.keyHash() != null) {
        Optional<PgLog> existing = take(created.id(), false);
        if (existing.isPresent()) {
          return existing.get();
        }
      }
      if (attempt == 3) { // the existing request was purged each time in between: give up
        throw new WeftException("request " + request.id() + " kept colliding with requests being purged");
      }
    }
  }

  /**
   * The log of a recorded request, to resume or replay it, bound to a lease this node now holds.
   * A running request is taken if its lease is free, expired or this node's (the epoch goes up,
   * unless this node {@linkplain #claimExpired claimed} it, whose epoch is kept); while another
   * node holds a live lease this is empty. A finished request is taken too, marked RUNNING again
   * (output and error cleared) and replays: its entry call runs again, the outputs of the calls
   * below it are served. Empty also if the request is not recorded (or was purged).
   *
   * @throws JournalUnavailableException if the database cannot be reached
   * @throws IllegalStateException if the journal is closed
   */
  @Override
  public Optional<RequestLog> reopen(String requestId) {
    return take(requestId, true).map(l -> l);
  }

  private Optional<PgLog> take(String id, boolean reopen) {
    ensureOpen();
    OpenRequest here = opens.get(id);
    if (here != null) {
      PgLog current = here.current;
      if (current != null && !current.fenced() && !here.status().state().finished()) {
        return Optional.of(new PgLog(this, here, false, current.epoch));
      }
      if (here.status().state().finished()) {
        flush(); // its finish goes in before it is taken again
      }
    }
    synchronized (opening) {
      Long claimed = claims.remove(id);
      Taken taken = reads.read(c -> takeRow(c, id, claimed, reopen));
      if (taken == null) {
        return Optional.empty();
      }
      if (taken.epoch == 0) { // another node holds it, or an idempotent repeat of a finished request
        if (reopen) {
          return Optional.empty();
        }
        OpenRequest outside = new OpenRequest(id, taken.row.info().application(), taken.row.info().createdAt(),
            taken.row.seq(), status(taken.row.info()), false);
        PgLog log = new PgLog(this, outside, false, 0);
        if (taken.row.info().state().finished()) {
          log.fenceQuietly(); // read only: the engine shows the recorded outcome
        } else if (log.fence()) {
          leaseLost(log); // a run started here with it would be another node's duplicate
        }
        return Optional.of(log);
      }
      OpenRequest old = opens.get(id);
      if (old != null && old.current != null && old.current.epoch == taken.epoch && !old.current.fenced()) {
        return Optional.of(new PgLog(this, old, false, taken.epoch)); // the lease this node already runs it under
      }
      RequestInfo info = taken.row.info();
      OpenRequest req = new OpenRequest(id, info.application(), info.createdAt(), taken.row.seq(),
          OpenRequest.running(), false);
      if (info.progress().isPresent()) {
        req.progress(info.progress().get());
      }
      PgLog log = new PgLog(this, req, false, taken.epoch);
      req.current = log;
      opens.put(id, req);
      if (old != null && old.current != null) {
        old.current.fenceQuietly(); // this node took it again: the old log's records must not land
      }
      return Optional.of(log);
    }
  }

  /** What {@link #takeRow} found: the row, and the epoch now held (0: another node holds it). */
  private record Taken(Reads.Row row, long epoch) {}

  private Taken takeRow(Connection c, String id, Long claimed, boolean replay) throws SQLException {
    c.setAutoCommit(false);
    try {
      Reads.Row row;
      String owner;
      long epoch;
      boolean live;
      try (PreparedStatement ps = c.prepareStatement("SELECT " + Reads.REQUEST_COLUMNS
          + ", owner, epoch, lease_expires_at > now() FROM requests WHERE id = ? FOR UPDATE")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            c.rollback();
            return null;
          }
          row = Reads.row(rs);
          owner = rs.getString(13);
          epoch = rs.getLong(14);
          live = rs.getBoolean(15);
        }
      }
      boolean finished = row.info().state().finished();
      if (!finished && claimed != null && options.nodeId().equals(owner) && epoch == claimed) {
        c.commit();
        return new Taken(row, epoch);
      }
      if (!finished && !replay && options.nodeId().equals(owner)) {
        c.commit(); // a repeat of a request this node holds: the same lease, the same epoch
        return new Taken(row, epoch);
      }
      if (finished && !replay || !finished && owner != null && !owner.equals(options.nodeId()) && live) {
        c.rollback();
        return new Taken(row, 0);
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE requests SET owner = ?, epoch = epoch + 1, "
          + "lease_expires_at = now() + ? * interval '1 millisecond', state = 'RUNNING', finished_at = NULL, "
          + "output = CASE WHEN state = 'RUNNING' THEN output END, error = CASE WHEN state = 'RUNNING' THEN error END, "
          + "error_type = CASE WHEN state = 'RUNNING' THEN error_type END, "
          + "error_message = CASE WHEN state = 'RUNNING' THEN error_message END WHERE id = ? RETURNING epoch")) {
        ps.setString(1, options.nodeId());
        ps.setLong(2, options.leaseDuration().toMillis());
        ps.setString(3, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          epoch = rs.getLong(1);
        }
      }
      if (finished) {
        // A replay runs the application again: its entry call's output must not be served, or
        // the replay would end at once with the old output. Its children's outputs are served.
        try (PreparedStatement ps = c.prepareStatement("UPDATE calls SET state = 'RUNNING', output = NULL, "
            + "finished_at = NULL WHERE request_id = ? AND durable_id = ?")) {
          ps.setString(1, id);
          ps.setString(2, DurableId.root(row.info().application()).toString());
          ps.executeUpdate();
        }
      }
      c.commit();
      return new Taken(row, epoch);
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static OpenRequest.Status status(RequestInfo info) {
    return new OpenRequest.Status(info.state(), info.finishedAt(), info.progress(), info.errorType(),
        info.errorMessage(), null);
  }

  /**
   * Running requests this node could take now (none held by a live lease of another node), oldest
   * first; those open here as this node last recorded them.
   */
  @Override
  public List<RequestInfo> unfinished() {
    ensureOpen();
    Map<String, Snapshot> open = snapshot();
    List<Snapshot> out = new ArrayList<>();
    for (Reads.Row row : reads.takeable(options.nodeId())) {
      Snapshot mine = open.get(row.info().id());
      if (mine == null || !mine.held()) {
        out.add(new Snapshot(row.seq(), row.info()));
      }
    }
    for (Snapshot s : open.values()) {
      if (s.info().state() == RequestState.RUNNING && s.held()) {
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
    return reads.request(requestId).map(Reads.Row::info);
  }

  /**
   * The calls of a request, in the order they started, as committed to the database by any node:
   * a call recorded in the last moments (still queued for the writer) shows once committed.
   *
   * @throws JournalUnavailableException if the database cannot be read now
   * @throws IllegalStateException if the journal is closed
   */
  @Override
  public List<CallRecord> calls(String requestId) {
    ensureOpen();
    return reads.calls(requestId);
  }

  /**
   * A page of requests, newest first (by the order they were created in); the cursor is the
   * sequence number of the last one shown. Requests open on this node show as last recorded here.
   *
   * @throws IllegalArgumentException if {@code query.after()} is not a cursor from a page
   */
  @Override
  public RequestPage list(RequestQuery query) {
    ensureOpen();
    long after = query.after().map(PostgresJournal::cursor).orElse(Long.MAX_VALUE);
    int need = query.limit() + 1;
    Map<String, Snapshot> open = snapshot();
    List<Snapshot> picked = new ArrayList<>();
    int fromDb = 0;
    long before = after;
    while (fromDb < need) {
      int chunk = need + Math.min(open.size(), 1_000);
      List<Reads.Row> rows = reads.page(query.application(), query.state(), before, chunk);
      for (Reads.Row row : rows) {
        before = row.seq();
        if (!open.containsKey(row.info().id())) {
          picked.add(new Snapshot(row.seq(), row.info(), true));
          fromDb++;
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
    return reads.output(requestId).map(json -> CODEC.decode(json, declared));
  }

  @Override
  public Optional<Object> input(String requestId, Type declared) {
    ensureOpen();
    return reads.input(requestId).map(json -> CODEC.decode(json, declared)); // recorded before create returned
  }

  /**
   * Writes everything queued, stops the writer and the listeners, closes the pool. Blocks for the
   * last commit (if the database is down, gives up after three tries and logs what was lost).
   * Leases are not released: call {@link #releaseAll()} first for a graceful stop. Idempotent.
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
        interrupted = true; // finish closing, then keep the interrupt
      }
    }
    synchronized (this) {
      if (workQueue != null) {
        workQueue.close();
      }
    }
    for (Notifications n : listeners) {
      n.close();
    }
    pool.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------ extras

  /**
   * Waits until every record queued before this call is committed.
   *
   * @throws JournalUnavailableException if the commit failed (the records stay queued and are
   *     retried)
   * @throws IllegalStateException if the journal is closed
   */
  public void flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    enqueue(new Rec.Flush(done));
    await(done);
  }

  /**
   * Deletes, now, the requests that finished longer than the retention ago (by the database's
   * clock), with their calls, after committing what is queued; returns how many were deleted.
   * Requests open on this node are kept.
   *
   * @throws JournalUnavailableException if the database cannot be written
   * @throws IllegalStateException if the journal is closed
   */
  public int purgeNow() {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    enqueue(new Rec.Purge(done));
    return await(done);
  }

  /**
   * Claims up to {@code limit} running requests, of any application, that have no owner or whose
   * lease expired; see {@link #claimExpired(int, Collection)}.
   *
   * @throws IllegalArgumentException if {@code limit} is not 1..10,000
   * @throws JournalUnavailableException if the database cannot be reached
   */
  public List<Claim> claimExpired(int limit) {
    return claim(limit, Optional.empty());
  }

  /**
   * Claims up to {@code limit} running requests of the named {@code applications} that have no
   * owner or whose lease expired, oldest first, for this node: each gets a new epoch and a fresh
   * lease. Requests of other applications are left for the nodes that serve them. Concurrent
   * claimers (on any node) never get the same request ({@code FOR UPDATE SKIP LOCKED}). A later
   * {@link #reopen} of a claimed request binds the claimed epoch without bumping it again. Blocks
   * for one transaction.
   *
   * @throws IllegalArgumentException if {@code limit} is not 1..10,000
   * @throws NullPointerException if {@code applications} is or holds null
   * @throws JournalUnavailableException if the database cannot be reached
   */
  public List<Claim> claimExpired(int limit, Collection<String> applications) {
    List<String> names = List.copyOf(applications);
    return names.isEmpty() ? List.of() : claim(limit, Optional.of(names));
  }

  private List<Claim> claim(int limit, Optional<List<String>> applications) {
    ensureOpen();
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("limit must be 1..10000, was " + limit);
    }
    List<Claim> out = reads.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE requests r SET owner = ?, epoch = r.epoch + 1, "
          + "lease_expires_at = now() + ? * interval '1 millisecond' FROM (SELECT id FROM requests "
          + "WHERE state = 'RUNNING' AND (owner IS NULL OR lease_expires_at < now()) "
          + (applications.isPresent() ? "AND application = ANY(?) " : "") + "ORDER BY seq LIMIT ? "
          + "FOR UPDATE SKIP LOCKED) c WHERE r.id = c.id RETURNING r.id, r.application, r.epoch")) {
        int i = 1;
        ps.setString(i++, options.nodeId());
        ps.setLong(i++, options.leaseDuration().toMillis());
        if (applications.isPresent()) {
          ps.setArray(i++, c.createArrayOf("text", applications.get().toArray()));
        }
        ps.setInt(i, limit);
        List<Claim> claimed = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            claimed.add(new Claim(rs.getString(1), rs.getString(2), rs.getLong(3)));
          }
        }
        return claimed;
      }
    });
    for (Claim claim : out) {
      claims.put(claim.requestId(), claim.epoch());
    }
    return out;
  }

  /**
   * Extends, from now, the lease of every request this node holds that is open here or claimed
   * and not yet reopened; returns the ids of those whose lease this node no longer holds (another
   * node took it after it expired). Their logs are fenced, and the lease-lost listeners told (once
   * per log). Blocks for one statement.
   *
   * @throws JournalUnavailableException if the database cannot be reached (nothing is renewed:
   *     call again soon, the leases may still be live)
   */
  public Set<String> renewLeases() {
    ensureOpen();
    Map<String, Long> mine = new HashMap<>(claims);
    Map<String, PgLog> logs = new HashMap<>();
    for (OpenRequest req : opens.values()) {
      PgLog log = req.current;
      if (log != null && !log.fenced() && !req.finishCommitted) {
        mine.put(req.id, log.epoch);
        logs.put(req.id, log);
      }
    }
    if (mine.isEmpty()) {
      return Set.of();
    }
    Set<String> renewed = reads.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE requests r SET lease_expires_at = now() + ? * "
          + "interval '1 millisecond' FROM unnest(?::text[], ?::bigint[]) AS u(id, epoch) WHERE r.id = u.id "
          + "AND r.epoch = u.epoch AND r.owner = ? AND r.state = 'RUNNING' RETURNING r.id")) {
        List<String> ids = new ArrayList<>(mine.keySet());
        ps.setLong(1, options.leaseDuration().toMillis());
        ps.setArray(2, c.createArrayOf("text", ids.toArray()));
        ps.setArray(3, c.createArrayOf("bigint", ids.stream().map(mine::get).toArray()));
        ps.setString(4, options.nodeId());
        Set<String> got = new HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            got.add(rs.getString(1));
          }
        }
        return got;
      }
    });
    Set<String> lost = new HashSet<>();
    for (String id : mine.keySet()) {
      if (renewed.contains(id)) {
        continue;
      }
      PgLog log = logs.get(id);
      if (log != null && log.req.finishCommitted) {
        continue; // it finished meanwhile: the finish cleared the lease
      }
      if (log == null) {
        if (claims.remove(id, mine.get(id))) {
          lost.add(id);
        }
        continue;
      }
      lost.add(id);
      if (log.fence()) {
        leaseLost(log);
      }
    }
    return lost;
  }

  /**
   * Registers {@code listener} to be told the id of each request whose lease this node lost while
   * it ran here (found by a write batch or by {@link #renewLeases()}), once per lease. It runs on
   * the thread that found out (the writer, or the renewer): it must be quick and not block.
   */
  public void onLeaseLost(Consumer<String> listener) {
    leaseListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Gives up this node's lease of {@code requestId} after committing what is queued, so another
   * node may claim it at once; records of it after this are dropped (no listener is told). Does
   * nothing if this node does not hold it. Blocks for a commit and one statement.
   *
   * @throws JournalUnavailableException if the database cannot be reached
   */
  public void release(String requestId) {
    Objects.requireNonNull(requestId, "requestId");
    releaseWhere(Set.of(requestId));
  }

  /** {@link #release} of every lease this node holds (a graceful stop). */
  public void releaseAll() {
    releaseWhere(null);
  }

  private void releaseWhere(Set<String> ids) {
    ensureOpen();
    flush();
    for (OpenRequest req : opens.values()) {
      if ((ids == null || ids.contains(req.id)) && req.current != null) {
        req.current.fenceQuietly();
      }
    }
    if (ids == null) {
      claims.clear();
    } else {
      ids.forEach(claims::remove);
    }
    reads.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE requests SET owner = NULL, lease_expires_at = NULL "
          + "WHERE owner = ? AND state = 'RUNNING'" + (ids == null ? "" : " AND id = ANY(?)"))) {
        ps.setString(1, options.nodeId());
        if (ids != null) {
          ps.setArray(2, c.createArrayOf("text", ids.toArray()));
        }
        return ps.executeUpdate();
      }
    });
  }

  /**
   * Sends {@code payload} (e.g. {@code cancel:<id>}) to every listener of {@link #channel()} on
   * any node, at once (not through the write queue). Blocks for one statement.
   *
   * @throws IllegalArgumentException if the payload is empty or longer than 7,000 characters
   * @throws JournalUnavailableException if the database cannot be reached
   */
  public void publish(String payload) {
    ensureOpen();
    if (payload.isEmpty() || payload.length() > 7_000) {
      throw new IllegalArgumentException("a notification payload must be 1..7000 characters, was "
          + payload.length());
    }
    reads.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
        ps.setString(1, channel());
        ps.setString(2, payload);
        ps.execute();
      }
      return null;
    });
  }

  /**
   * Calls {@code listener} with the payload of every notification on {@link #channel()} ({@code
   * finished:<id>}, {@code progress:<id>}, and what {@link #publish} sends), on a thread and a
   * connection of its own, until the returned handle is closed (or the journal). The connection is
   * made again after a failure; notifications sent while it was down are missed, so keep a
   * polling fallback. Blocks until the first {@code LISTEN} is in place (at most 5 s).
   */
  public AutoCloseable listen(Consumer<String> listener) {
    ensureOpen();
    Notifications n = new Notifications(this, Objects.requireNonNull(listener, "listener"));
    listeners.add(n);
    try {
      n.awaitListening(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return () -> {
      listeners.remove(n);
      n.close();
    };
  }

  /**
   * Follows a request through the {@code progress:}, {@code finished:} and {@code cancel:}
   * notifications of every node; {@code onChange} runs on the journal's listener thread. A
   * notification sent while the listener's connection was down is missed, so poll as well.
   */
  @Override
  public Optional<dev.weft.Subscription> watch(String requestId, Runnable onChange) {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(onChange, "onChange");
    ensureOpen();
    synchronized (this) {
      if (!watching) {
        listen(this::dispatchWatch); // closed with the journal's other listeners
        watching = true;
      }
    }
    watchers.computeIfAbsent(requestId, k -> new CopyOnWriteArrayList<>()).add(onChange);
    return Optional.of(() -> watchers.computeIfPresent(requestId, (k, list) -> {
      list.remove(onChange);
      return list.isEmpty() ? null : list;
    }));
  }

  private void dispatchWatch(String payload) {
    int colon = payload.indexOf(':');
    if (colon < 0) {
      return;
    }
    String kind = payload.substring(0, colon);
    if (!kind.equals("progress") && !kind.equals("finished") && !kind.equals("cancel")) {
      return;
    }
    List<Runnable> list = watchers.get(payload.substring(colon + 1));
    if (list != null) {
      for (Runnable r : list) {
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "a watcher of " + payload + " failed", e);
        }
      }
    }
  }

  /**
   * Records that request {@code requestId} is to be cancelled and tells every node; the node
   * holding its lease cancels it at the notification, or at its next renewal if it missed that.
   * Blocks for two statements.
   */
  @Override
  public boolean requestCancel(String requestId) {
    ensureOpen();
    boolean marked = reads.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE requests SET cancel_requested = TRUE WHERE id = ? AND state = 'RUNNING'")) {
        ps.setString(1, requestId);
        return ps.executeUpdate() == 1;
      }
    });
    if (marked) {
      publish("cancel:" + requestId);
    }
    return marked;
  }

  /** The running requests this node holds whose cancel was asked ({@link #requestCancel}); one query. */
  public Set<String> cancelsAsked() {
    ensureOpen();
    return reads.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id FROM requests WHERE owner = ? AND state = 'RUNNING' AND cancel_requested")) {
        ps.setString(1, options.nodeId());
        Set<String> ids = new HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
        return ids;
      }
    });
  }

  /**
   * The queue of {@link dev.weft.Placement#FLEET} calls: every node sharing this database may run
   * them (a {@link TaskRunner} does). Made on first use, with a listener of its own for the
   * {@code task-done} notifications.
   */
  @Override
  public synchronized Optional<WorkQueue> workQueue() {
    ensureOpen();
    if (workQueue == null) {
      workQueue = new PgWorkQueue(pool, options.schema(), channel());
      listen(workQueue::notified); // closed with the journal's other listeners
    }
    return Optional.of(workQueue);
  }

  /** The channel the journal notifies on: {@code weft_<schema>}. */
  public String channel() {
    return "weft_" + options.schema();
  }

  /** This node's id: the owner of the leases it holds. */
  public String nodeId() {
    return options.nodeId();
  }

  /** How long a lease lasts unless renewed. */
  public Duration leaseDuration() {
    return options.leaseDuration();
  }

  /**
   * The journal's connection pool (connections have the journal's schema as search path), for the
   * fleet's own tables. Close what you borrow; do not close the pool.
   */
  public DataSource dataSource() {
    return pool;
  }

  /** The schema that holds the journal's tables. */
  public String schema() {
    return options.schema();
  }

  /** The options it was opened with. */
  public Options options() {
    return options;
  }

  @Override
  public String toString() {
    return "PostgresJournal[" + where + ", node " + options.nodeId() + (closed ? ", closed]" : "]");
  }

  // ------------------------------------------------------------------------------ internals

  /** One request as a reader sees it: from the overlay or from a row; {@code held}: this node runs it. */
  private record Snapshot(long seq, RequestInfo info, boolean held) {
    Snapshot(long seq, RequestInfo info) {
      this(seq, info, true);
    }
  }

  private Map<String, Snapshot> snapshot() {
    Map<String, Snapshot> out = new HashMap<>();
    for (OpenRequest req : opens.values()) {
      PgLog log = req.current;
      out.put(req.id, new Snapshot(req.seq, req.info(), log != null && !log.fenced()));
    }
    return out;
  }

  /** After the commit of a finish: the request leaves the overlay unless it was taken again since. */
  void retire(OpenRequest req, OpenRequest.Status finished) {
    synchronized (opening) {
      if (req.status() == finished) {
        opens.remove(req.id, req);
      }
    }
  }

  void leaseLost(PgLog log) {
    for (Consumer<String> l : leaseListeners) {
      try {
        l.accept(log.requestId());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a lease-lost listener failed for request " + log.requestId(), e);
      }
    }
  }

  boolean isOpen(String requestId) {
    return opens.containsKey(requestId);
  }

  Reads reads() {
    return reads;
  }

  /** For tests: the writer connection's backend pid, or -1. */
  int writerBackendPid() {
    return writer.backendPid();
  }

  /** False while the last batch could not be written to the database and none has been since. */
  @Override
  public boolean canWrite() {
    return unavailable == null;
  }

  /** Records accepted and not yet taken by the writer. */
  @Override
  public int queuedWrites() {
    return queue.size();
  }

  /** Tells {@code observer} of each commit (the batch's write-to-commit time, and its size). */
  @Override
  public void observedBy(dev.weft.observe.WeftObserver observer) {
    writer.observer = observer;
  }

  void unavailable(JournalUnavailableException e) {
    unavailable = e;
  }

  void available() {
    unavailable = null;
  }

  /** Puts a record on the queue, unless closed; a record that got past the check precedes the stop. */
  void enqueue(Rec rec) {
    entering.incrementAndGet();
    try {
      ensureOpen();
      queue.add(rec);
    } finally {
      entering.decrementAndGet();
    }
  }

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the journal " + where + " is closed");
    }
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

  /** SHA-256 of application, a NUL, and the input's JSON: what tells a reused idempotency key. */
  static String keyHash(String application, String inputJson) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(application.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(inputJson.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
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
        throw new JournalUnavailableException(u.getMessage(), u);
      }
      throw new WeftException(cause instanceof WeftException ? cause.getMessage()
          : "writing the journal " + where + " failed: " + cause, cause);
    }
  }
}
