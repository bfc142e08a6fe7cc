package dev.weft.journal.postgres;

import dev.weft.Future;
import dev.weft.UsageException;
import dev.weft.engine.DirectFunction;
import dev.weft.engine.Engine;
import dev.weft.engine.EngineConfig;
import dev.weft.journal.InMemoryJournal;
import dev.weft.transport.ErrorPayload;
import dev.weft.transport.JsonCodec;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * A node's side of fleet work: claims queued {@code Placement.FLEET} calls while the node has room
 * for them, runs them, and commits their outcomes. Started by the fleet node; one per node.
 *
 * <p><b>Capacity.</b> The node declares how many CPUs and how much memory fleet work may take
 * ({@link Capacity}); a task takes its function's {@code @Function(cpus, memory)} while it runs,
 * and is claimed only if it fits in what is left. Claims are {@code FOR UPDATE SKIP LOCKED}, so
 * nodes claiming at once never take the same task.
 *
 * <p><b>Leases and fencing.</b> A claimed task is held under a lease (the database's clock) that
 * this runner renews every third of its length. A task whose lease lapsed (its node died or
 * stalled) is claimed again by any node, with a new epoch; the outcome is committed only under the
 * epoch that ran it ({@code WHERE owner = me AND epoch = e}), so a node that lost a task can no
 * longer finish it, and a renewal that finds a task lost cancels it here. A task marked
 * cancelled (its caller timed out or was cancelled) is cancelled here at the notification or at
 * the next renewal.
 *
 * <p>Thread-safe. The runner has one virtual thread of its own (claims, renewals) and runs each
 * task as a Weft call on an engine of its own; {@link #close()} stops claiming, cancels what runs
 * here and hands those tasks back to the queue at once.
 */
public final class TaskRunner implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.weft.fleet");
  private static final JsonCodec CODEC = JsonCodec.standard();
  private static final Object WAKE = new Object();

  /**
   * What fleet work may take on this node at once.
   *
   * @param cpus CPUs, in (0, 4096]
   * @param memoryBytes bytes of memory, at least 1 MiB
   */
  public record Capacity(double cpus, long memoryBytes) {
    /** Checks the fields. */
    public Capacity {
      if (!(cpus > 0 && cpus <= 4096)) {
        throw new IllegalArgumentException("fleet capacity cpus must be in (0, 4096], was " + cpus);
      }
      if (memoryBytes < (1 << 20)) {
        throw new IllegalArgumentException("fleet capacity memory must be at least 1 MiB, was " + memoryBytes + " bytes");
      }
    }

    /** This machine's processors and the JVM's maximum heap. */
    public static Capacity ofThisMachine() {
      return new Capacity(Runtime.getRuntime().availableProcessors(), Math.max(1 << 20, Runtime.getRuntime().maxMemory()));
    }

    /**
     * {@code cpus} and a memory size written as {@code @Function(memory)} is: a number with an
     * optional unit {@code k}, {@code m}, {@code g} or {@code t} (powers of 1024), e.g. {@code 8g}.
     *
     * @throws IllegalArgumentException naming the value, if either is out of range or unreadable
     */
    public static Capacity of(double cpus, String memory) {
      java.util.regex.Matcher m = SIZE.matcher(memory.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException("fleet capacity memory must be a size such as 512m, 8g or 1.5t, was '"
            + memory + "'");
      }
      int shift = switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
        case "k" -> 10;
        case "m" -> 20;
        case "g" -> 30;
        case "t" -> 40;
        default -> 0;
      };
      return new Capacity(cpus, (long) Math.ceil(Double.parseDouble(m.group(1)) * (1L << shift)));
    }

    private static final java.util.regex.Pattern SIZE =
        java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)i?b?", java.util.regex.Pattern.CASE_INSENSITIVE);
  }

  private final DataSource data;
  private final String tasks;
  private final String channel;
  private final String nodeId;
  private final Capacity capacity;
  private final Duration lease;
  private final ClassLoader loader;
  private final Engine engine;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Map<String, Method> methods = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<Object> wakeups = new LinkedBlockingQueue<>();
  private final Thread loop;
  /** The notifications feeding {@link #notified}, when started on a journal. */
  private volatile AutoCloseable subscription;
  private double usedCpus;
  private long usedMemory;
  private volatile boolean closed;

  private TaskRunner(DataSource data, String schema, String channel, String nodeId, Capacity capacity, Duration lease,
      ClassLoader loader) {
    this.data = data;
    this.tasks = "\"" + schema + "\".tasks";
    this.channel = channel;
    this.nodeId = nodeId;
    this.capacity = capacity;
    this.lease = lease;
    this.loader = loader;
    this.engine = new Engine(new EngineConfig(1, Duration.ofMillis(100), false, r -> {}, new InMemoryJournal(1)));
    this.loop = Thread.ofVirtual().name("weft-fleet-tasks").unstarted(this::loop);
  }

  /**
   * Starts claiming and running the fleet work of {@code journal}'s database on this node, woken
   * by the journal's notifications (new work, cancels) and by a one-second poll.
   *
   * @param capacity what fleet work may take here at once
   * @param loader where the functions' classes are loaded from (the applications' loader)
   * @throws dev.weft.journal.JournalUnavailableException if the notifications cannot be listened to
   */
  public static TaskRunner start(PostgresJournal journal, Capacity capacity, ClassLoader loader) {
    TaskRunner runner = new TaskRunner(journal.dataSource(), journal.schema(), journal.channel(), journal.nodeId(),
        Objects.requireNonNull(capacity, "capacity"), journal.leaseDuration(), Objects.requireNonNull(loader, "loader"));
    runner.subscription = journal.listen(runner::notified);
    runner.loop.start();
    return runner;
  }

  /**
   * Starts claiming and running the fleet work in {@code schema} on this node.
   *
   * @param channel the NOTIFY channel that announces new work and cancels
   * @param nodeId this node's id, as its leases name it
   * @param lease how long a claim holds without renewal
   * @param capacity what fleet work may take here at once
   * @param loader where the functions' classes are loaded from (the applications' loader)
   */
  static TaskRunner start(DataSource data, String schema, String channel, String nodeId, Duration lease,
      Capacity capacity, ClassLoader loader) {
    TaskRunner runner = new TaskRunner(Objects.requireNonNull(data, "data"), Objects.requireNonNull(schema, "schema"),
        Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(nodeId, "nodeId"),
        Objects.requireNonNull(capacity, "capacity"), Objects.requireNonNull(lease, "lease"),
        Objects.requireNonNull(loader, "loader"));
    runner.loop.start();
    return runner;
  }

  /** Feeds a notification payload of the fleet's channel: new work, or a cancel. */
  void notified(String payload) {
    if (payload.equals(PgWorkQueue.QUEUED)) {
      wakeups.offer(WAKE);
    } else if (payload.startsWith(PgWorkQueue.CANCEL)) {
      Running r = running.get(payload.substring(PgWorkQueue.CANCEL.length()));
      if (r != null) {
        r.call.cancel();
      }
    }
  }

  /** How many tasks run here now. */
  public int runningCount() {
    return running.size();
  }

  private void loop() {
    long renewEvery = Math.max(50, lease.toMillis() / 3);
    long nextRenew = System.nanoTime();
    boolean warned = false;
    while (!closed) {
      try {
        if (System.nanoTime() - nextRenew >= 0) {
          renew();
          nextRenew = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(renewEvery);
        }
        while (!closed && claimOne()) {
          // claim while there is room and work
        }
        warned = false;
      } catch (SQLException e) {
        if (!warned) {
          LOG.log(System.Logger.Level.WARNING, "fleet work: database unreachable, retrying: " + e.getMessage());
          warned = true;
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "fleet work loop failed; carrying on", e);
      }
      try {
        wakeups.poll(Math.min(renewEvery, 1_000), TimeUnit.MILLISECONDS);
        wakeups.clear();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Claims and starts one task that fits in the room left; false if there was none. */
  private boolean claimOne() throws SQLException {
    double freeCpus;
    long freeMemory;
    synchronized (this) {
      freeCpus = capacity.cpus() - usedCpus;
      freeMemory = capacity.memoryBytes() - usedMemory;
    }
    if (freeCpus <= 0 || freeMemory <= 0) {
      return false;
    }
    Claimed task;
    try (Connection c = data.getConnection();
        PreparedStatement claim = c.prepareStatement("UPDATE " + tasks + " SET state = 'RUNNING', owner = ?,"
            + " epoch = epoch + 1, runs = runs + 1, started_at = now(),"
            + " lease_expires_at = now() + ? * interval '1 millisecond'"
            + " WHERE id = (SELECT id FROM " + tasks + " WHERE (state = 'QUEUED' OR (state = 'RUNNING'"
            + " AND lease_expires_at < now())) AND NOT cancel_requested AND cpus <= ? AND memory_bytes <= ?"
            + " ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)"
            + " RETURNING id, epoch, function, class_name, method_name, param_types, arguments, cpus, memory_bytes,"
            + " timeout_ms")) {
      claim.setString(1, nodeId);
      claim.setLong(2, lease.toMillis());
      claim.setDouble(3, freeCpus + 1e-9);
      claim.setLong(4, freeMemory);
      try (ResultSet rs = claim.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        task = new Claimed(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
            rs.getString(6), rs.getString(7), rs.getDouble(8), rs.getLong(9), Duration.ofMillis(rs.getLong(10)));
      }
    }
    synchronized (this) {
      usedCpus += task.cpus;
      usedMemory += task.memoryBytes;
    }
    start(task);
    return true;
  }

  private void start(Claimed task) {
    Future<Object> call;
    try {
      Method method = method(task);
      Object[] args = CODEC.decodeArgs(task.arguments, method.getGenericParameterTypes());
      call = DirectFunction.of(method, task.function).start(engine, args, task.timeout, a -> invoke(method, a));
    } catch (RuntimeException e) {
      finish(task, null, e, null);
      return;
    }
    Running r = new Running(task, call);
    running.put(task.id, r);
    call.whenComplete((value, failure) -> finish(task, value, failure, r));
  }

  private static Object invoke(Method method, Object[] args) throws Exception {
    try {
      return method.invoke(null, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception x) {
        throw x;
      }
      throw (Error) e.getCause();
    }
  }

  private Method method(Claimed task) {
    String key = task.className + "#" + task.methodName + "(" + task.paramTypes + ")";
    return methods.computeIfAbsent(key, k -> {
      try {
        Class<?> type = Class.forName(task.className, true, loader);
        String[] names = task.paramTypes.isEmpty() ? new String[0] : task.paramTypes.split(",");
        for (Method m : type.getDeclaredMethods()) {
          if (m.getName().equals(task.methodName) && Modifier.isStatic(m.getModifiers())
              && Arrays.equals(Arrays.stream(m.getParameterTypes()).map(Class::getName).toArray(), names)) {
            m.setAccessible(true);
            return m;
          }
        }
        throw new UsageException("node " + nodeId + " cannot run " + task.function + ": " + task.className
            + " has no static method " + task.methodName + "(" + task.paramTypes + "); run the same application"
            + " version on every node of the fleet");
      } catch (ClassNotFoundException e) {
        throw new UsageException("node " + nodeId + " cannot run " + task.function + ": class " + task.className
            + " is not on its class path; run the same application jars on every node of the fleet");
      }
    });
  }

  /** Commits a task's outcome under the epoch that ran it, and frees its room. */
  private void finish(Claimed task, Object value, Throwable failure, Running r) {
    if (r != null) {
      running.remove(task.id, r);
    }
    try {
      if (r == null || !r.lost) { // else another node holds it now: its outcome is theirs to commit
        commit(task, value, failure);
      }
    } finally {
      // the room is given back after the commit, so a task's recorded run never overlaps the next
      synchronized (this) {
        usedCpus -= task.cpus;
        usedMemory -= task.memoryBytes;
      }
      wakeups.offer(WAKE);
    }
  }

  private void commit(Claimed task, Object value, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    String state = cause == null ? "SUCCEEDED" : cause instanceof CancellationException ? "CANCELLED" : "FAILED";
    try (Connection c = data.getConnection();
        PreparedStatement done = c.prepareStatement("UPDATE " + tasks + " SET state = ?, output = ?, error = ?,"
            + " finished_at = now(), owner = NULL, lease_expires_at = NULL, ran_on = ?"
            + " WHERE id = ? AND owner = ? AND epoch = ?");
        PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      done.setString(1, state);
      done.setString(2, cause == null ? CODEC.encode(value, task.outputType(this)) : null);
      done.setString(3, cause == null ? null : CODEC.encode(ErrorPayload.of(cause), ErrorPayload.class));
      done.setString(4, nodeId);
      done.setString(5, task.id);
      done.setString(6, nodeId);
      done.setLong(7, task.epoch);
      if (done.executeUpdate() == 1) {
        notify.setString(1, channel);
        notify.setString(2, PgWorkQueue.DONE + task.id);
        notify.execute();
      } else {
        LOG.log(System.Logger.Level.INFO, "fleet task " + task.id + " finished here after its lease passed to another"
            + " node; its outcome here is dropped");
      }
    } catch (SQLException | RuntimeException e) {
      // the lease lapses and another node runs it again: the outcome is never lost, only redone
      LOG.log(System.Logger.Level.WARNING, "could not commit the outcome of fleet task " + task.id + ": " + e);
    }
  }

  /** Extends the leases of the tasks running here; cancels those lost or marked cancelled. */
  private void renew() throws SQLException {
    if (running.isEmpty()) {
      return;
    }
    Map<String, Boolean> held = new HashMap<>();
    try (Connection c = data.getConnection();
        PreparedStatement renew = c.prepareStatement("UPDATE " + tasks + " SET lease_expires_at = now() + ? *"
            + " interval '1 millisecond' WHERE owner = ? AND state = 'RUNNING' RETURNING id, epoch, cancel_requested")) {
      renew.setLong(1, lease.toMillis());
      renew.setString(2, nodeId);
      try (ResultSet rs = renew.executeQuery()) {
        while (rs.next()) {
          Running r = running.get(rs.getString(1));
          if (r != null && r.task.epoch == rs.getLong(2)) {
            held.put(r.task.id, rs.getBoolean(3));
          }
        }
      }
    }
    for (Running r : running.values()) {
      Boolean cancelRequested = held.get(r.task.id);
      if (cancelRequested == null) {
        r.lost = true;
        r.call.cancel();
      } else if (cancelRequested) {
        r.call.cancel();
      }
    }
  }

  /**
   * Stops claiming, cancels the tasks running here and hands them back to the queue (another
   * node may claim them at once). Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.interrupt();
    AutoCloseable s = subscription;
    if (s != null) {
      try {
        s.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.DEBUG, "closing fleet work notifications: " + e);
      }
    }
    for (Running r : running.values()) {
      r.lost = true;
      r.call.cancel();
    }
    try (Connection c = data.getConnection();
        PreparedStatement release = c.prepareStatement("UPDATE " + tasks + " SET state = 'QUEUED', owner = NULL,"
            + " lease_expires_at = NULL WHERE owner = ? AND state = 'RUNNING'");
        PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      release.setString(1, nodeId);
      if (release.executeUpdate() > 0) {
        notify.setString(1, channel);
        notify.setString(2, PgWorkQueue.QUEUED);
        notify.execute();
      }
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, "could not hand back the fleet tasks of node " + nodeId
          + " (their leases lapse instead): " + e.getMessage());
    }
    engine.close();
  }

  private static final class Running {
    final Claimed task;
    final Future<Object> call;
    /** Set when another node holds the task now: its outcome here is not committed. */
    volatile boolean lost;

    Running(Claimed task, Future<Object> call) {
      this.task = task;
      this.call = call;
    }
  }

  private record Claimed(String id, long epoch, String function, String className, String methodName,
      String paramTypes, String arguments, double cpus, long memoryBytes, Duration timeout) {
    Type outputType(TaskRunner runner) {
      Type t = runner.method(this).getGenericReturnType();
      if (t instanceof java.lang.reflect.ParameterizedType p
          && java.util.concurrent.CompletionStage.class.isAssignableFrom((Class<?>) p.getRawType())) {
        return p.getActualTypeArguments()[0];
      }
      return t;
    }
  }
}
