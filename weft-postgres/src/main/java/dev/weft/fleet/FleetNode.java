package dev.weft.fleet;

import dev.weft.Applications;
import dev.weft.Request;
import dev.weft.WeftRuntime;
import dev.weft.journal.postgres.PostgresJournal;
import dev.weft.journal.postgres.TaskRunner;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node of a fleet: keeps this process's part of the shared PostgreSQL journal alive.
 * Start it once the runtime and (if any) the server are up, close it before the runtime.
 *
 * <p>A node registers itself in the journal's {@code nodes} table (id, address, capacity,
 * heartbeat), then one thread ({@code weft-fleet-<node id>}) does, every third of the lease:
 * <ol>
 *   <li>heartbeat: the node's row gets the database's {@code now()};
 *   <li>renew the leases of the requests this node runs; each lease found lost (the node stalled,
 *       or PostgreSQL was out of reach, for longer than the lease) stops the local run of that
 *       request through {@link WeftRuntime#abandon}: nothing more of it is journaled (the journal
 *       refuses a lost lease's writes anyway), and a local waiter's
 *       {@link Request#result()} throws {@link LeaseLostException} at once instead of a false
 *       outcome, while {@link Request#state()} stays {@code RUNNING} (the request goes on elsewhere);
 *   <li>claim requests whose lease expired, at most the node's free capacity (capacity minus the
 *       leases it holds), and resume each from the journal: calls whose output is committed are
 *       not run again.
 * </ol>
 * Every lease comparison is made by PostgreSQL with its own clock: the node's clock (see
 * {@link Options#clock()}) only stamps what the node logs, so nodes whose clocks disagree still
 * agree on who holds what.
 *
 * <p>A failed tick (PostgreSQL restarting, say) is logged once per outage and retried at the next
 * tick; the node never stops by itself. Thread-safe; {@link #close()} blocks until the tick in
 * progress (if any) has ended: a tick against an unreachable PostgreSQL gives up after the
 * journal pool's connection timeout (5 s).
 */
public final class FleetNode implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.weft.fleet");

  private final PostgresJournal journal;
  private final WeftRuntime runtime;
  private final Applications applications;
  private final Options options;
  private final Nodes nodes;
  private final Duration period;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong ticks = new AtomicLong();
  /** When the current outage began, for a log line per outage rather than per tick; null if none. */
  private volatile Instant failingSince;
  private final Thread thread;
  /** Runs the fleet calls this node claims; set once started. */
  private volatile TaskRunner tasks;

  private FleetNode(PostgresJournal journal, WeftRuntime runtime, Applications applications, Options options) {
    this.journal = journal;
    this.runtime = runtime;
    this.applications = applications;
    this.options = options;
    this.nodes = new Nodes(journal.dataSource(), journal.schema());
    this.period = journal.leaseDuration().dividedBy(3);
    this.thread = Thread.ofPlatform().name("weft-fleet-" + journal.nodeId()).daemon(true)
        .uncaughtExceptionHandler((t, e) -> LOG.log(Level.ERROR, "uncaught in " + t.getName(), e))
        .unstarted(this::loop);
  }

  /**
   * Registers this node (its id is {@link PostgresJournal#nodeId()}) and starts its thread. The
   * first tick runs at once, so requests left by dead nodes are claimed without waiting a period.
   *
   * @throws dev.weft.journal.JournalUnavailableException if PostgreSQL cannot register the node
   *     (nothing was started)
   */
  public static FleetNode start(PostgresJournal journal, WeftRuntime runtime, Applications applications,
      Options options) {
    Objects.requireNonNull(journal, "journal");
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(applications, "applications");
    Objects.requireNonNull(options, "options");
    FleetNode node = new FleetNode(journal, runtime, applications, options);
    node.nodes.register(journal.nodeId(), options.address(), options.capacity(), journal.leaseDuration());
    // The journal tells from its writer thread, which must not wait on the engine's cancellation.
    journal.onLeaseLost(id -> Thread.ofVirtual().name("weft-fleet-lease-lost").start(() -> node.leaseLost(id)));
    node.thread.start();
    journal.listen(payload -> {
      if (payload.startsWith("cancel:")) {
        node.cancelHere(payload.substring("cancel:".length()));
      }
    });
    try {
      node.tasks = TaskRunner.start(journal, options.work(), options.loader());
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  /** This node's id, the journal's {@link PostgresJournal#nodeId()}. */
  public String id() {
    return journal.nodeId();
  }

  /** The options the node started with. */
  public Options options() {
    return options;
  }

  /** How many ticks (heartbeat, renew, claim) have completed; for tests and health checks. */
  public long ticks() {
    return ticks.get();
  }

  /**
   * Every node registered in {@code journal}'s schema, alive or not, oldest first; blocks for one
   * query.
   *
   * @throws dev.weft.journal.JournalUnavailableException if PostgreSQL cannot answer
   */
  public static List<NodeStatus> list(PostgresJournal journal) {
    return new Nodes(journal.dataSource(), journal.schema()).list();
  }

  private void loop() {
    try {
      do {
        tick();
      } while (!stop.await(period.toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // close() waits for us: just end
    } finally {
      stopped.countDown();
    }
  }

  private void tick() {
    try {
      nodes.heartbeat(id());
      for (String lost : journal.renewLeases()) {
        leaseLost(lost);
      }
      for (String asked : journal.cancelsAsked()) {
        cancelHere(asked); // a cancel whose notification this node missed
      }
      int free = options.capacity() - nodes.leasesHeld(id());
      if (free > 0 && stop.getCount() > 0) {
        for (PostgresJournal.Claim claim : journal.claimExpired(free, servedApplications())) {
          take(claim);
        }
      }
      if (failingSince != null) {
        LOG.log(Level.INFO, "node " + id() + ": PostgreSQL answers again (it failed from " + failingSince + ")");
        failingSince = null;
      }
      ticks.incrementAndGet();
    } catch (RuntimeException e) {
      if (failingSince == null) {
        failingSince = options.clock().instant();
        LOG.log(Level.WARNING, "node " + id() + ": heartbeat, renewal or claim failed; retrying every " + period
            + " (leases lapse after " + journal.leaseDuration() + " without renewal): " + e.getMessage(), e);
      }
    }
  }

  /** The names of the applications this node serves: it claims only their requests. */
  private List<String> servedApplications() {
    return applications.all().stream().map(Applications.Entry::name).toList();
  }

  /** Cancels a request running here whose cancel was asked through any node. */
  private void cancelHere(String requestId) {
    runtime.running(requestId).ifPresent(r -> {
      if (r.cancel()) {
        LOG.log(Level.INFO, "node " + id() + " cancelled request " + requestId + " as asked through the fleet");
      }
    });
  }

  /** Resumes a claimed request here, or hands it back if this node does not serve its application. */
  private void take(PostgresJournal.Claim claim) {
    Optional<Applications.Entry> app = applications.find(claim.application());
    if (app.isEmpty()) {
      // claimed only by name: served under that name, but not found now (never expected)
      LOG.log(Level.WARNING, "node " + id() + " claimed request " + claim.requestId() + " but does not serve "
          + "application " + claim.application() + "; releasing it for another node");
      journal.release(claim.requestId());
      return;
    }
    try {
      if (runtime.resume(app.get().handle(), claim.requestId()).isPresent()) {
        LOG.log(Level.INFO, "node " + id() + " took over request " + claim.requestId() + " (" + claim.application()
            + ", lease epoch " + claim.epoch() + ")");
      }
    } catch (RejectedExecutionException e) {
      // The runtime is shutting down (a graceful close drains it before this node stops): expected.
      LOG.log(Level.INFO, "node " + id() + " claimed request " + claim.requestId() + " while its runtime shuts down; "
          + "releasing it for another node");
      journal.release(claim.requestId());
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "node " + id() + " could not resume request " + claim.requestId() + "; releasing it", e);
      journal.release(claim.requestId());
    }
  }

  private void leaseLost(String requestId) {
    if (runtime.abandon(requestId, new LeaseLostException(requestId, id()))) {
      LOG.log(Level.WARNING, "node " + id() + " lost the lease of request " + requestId + " at "
          + options.clock().instant() + "; stopped running it here (another node resumes it)");
    }
  }

  /**
   * Stops claiming and heartbeating, releases every lease this node holds (so other nodes resume
   * its requests at once instead of after the lease), and marks the node stopped. Requests still
   * running here may go on until the runtime is closed, but nothing they write is kept: close the
   * runtime right after. Idempotent; blocks for the tick in progress and two statements. A
   * failure to reach PostgreSQL is logged, not thrown: the leases then lapse by themselves.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    TaskRunner t = tasks;
    if (t != null) {
      t.close(); // hands the fleet calls running here back to the queue
    }
    stop.countDown();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      journal.releaseAll();
      nodes.stopped(id());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "node " + id() + " could not release its leases or mark itself stopped (they lapse "
          + "after " + journal.leaseDuration() + "): " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "FleetNode[" + id() + ", " + options.address() + ", capacity " + options.capacity() + "]";
  }

  /**
   * How a node presents itself: the address other nodes and clients reach it at, how many
   * requests it runs at most at once, and the clock its log lines are stamped with. Immutable.
   *
   * @param address where the node serves (its HTTP URL); shown by {@code weft nodes}
   * @param capacity the most requests this node runs at once that it claims from others:
   *     it claims only while the leases it holds (its own requests included) are fewer
   * @param clock stamps the node's log lines only; leases and heartbeats use the database's clock
   * @param work what {@link dev.weft.Placement#FLEET} calls run here may take at once (CPUs and
   *     memory, against each function's {@code @Function(cpus, memory)})
   * @param loader where the classes of fleet calls are loaded from: the applications' class loader
   */
  public record Options(URI address, int capacity, Clock clock, TaskRunner.Capacity work, ClassLoader loader) {
    /** The most a capacity may be. */
    public static final int MAX_CAPACITY = 100_000;

    /**
     * Validates the options.
     *
     * @throws IllegalArgumentException if the address is not absolute or capacity is not
     *     1..{@value #MAX_CAPACITY}
     */
    public Options {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(work, "work");
      Objects.requireNonNull(loader, "loader");
      if (!address.isAbsolute()) {
        throw new IllegalArgumentException("a node's address must be an absolute URL such as http://10.0.0.5:8080, "
            + "was '" + address + "'");
      }
      if (capacity < 1 || capacity > MAX_CAPACITY) {
        throw new IllegalArgumentException("a node's capacity (requests it runs at once) must be 1.." + MAX_CAPACITY
            + ", was " + capacity);
      }
    }

    /**
     * The node at {@code address} running at most {@code capacity} requests; fleet calls may take
     * this machine's processors and the JVM's heap, loaded by this thread's context class loader;
     * the system clock.
     */
    public static Options of(URI address, int capacity) {
      return new Options(address, capacity, Clock.systemUTC(), TaskRunner.Capacity.ofThisMachine(),
          Thread.currentThread().getContextClassLoader());
    }

    /** The same options with another clock for log lines (tests fake it to show leases ignore it). */
    public Options withClock(Clock clock) {
      return new Options(address, capacity, clock, work, loader);
    }

    /** The same options with another capacity for fleet calls. */
    public Options withWork(TaskRunner.Capacity work) {
      return new Options(address, capacity, clock, work, loader);
    }

    /** The same options loading fleet calls' classes from {@code loader}. */
    public Options withClassLoader(ClassLoader loader) {
      return new Options(address, capacity, clock, work, loader);
    }
  }
}
