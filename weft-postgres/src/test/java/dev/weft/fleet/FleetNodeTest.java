package dev.weft.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.Application;
import dev.weft.Applications;
import dev.weft.Function;
import dev.weft.Request;
import dev.weft.RequestState;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.journal.postgres.PostgresJournal;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fleet nodes in one JVM on the real PostgreSQL (a schema of the test's own): registration,
 * take-over of expired leases, a lost lease seen by a local waiter, capacity, a graceful stop,
 * and leases judged by the database's clock whatever the nodes' clocks say. A "stalled" node is
 * a journal and runtime whose {@link FleetNode} has not started (so nothing renews its leases),
 * as a paused process would be; real processes, SIGKILL and SIGSTOP are in weft-cli's tests.
 */
final class FleetNodeTest {
  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  /** Runs of {@link #holds} so far: the first holds until {@link #release}, later ones return at once. */
  static final AtomicInteger RUNS = new AtomicInteger();
  static volatile CountDownLatch started;
  static volatile CountDownLatch release;
  static volatile CountDownLatch interrupted;

  private final String schema = "fleet_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  private final List<AutoCloseable> open = new ArrayList<>();

  @Application(description = "holds its first run until released") @Function(timeout = "5m")
  static int holds(int x) {
    if (RUNS.incrementAndGet() == 1) {
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        interrupted.countDown();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
    }
    return x * 10;
  }

  @Application(description = "holds every run until released") @Function(timeout = "5m")
  static int holdsAll(int x) throws InterruptedException {
    RUNS.incrementAndGet();
    started.countDown();
    release.await();
    return x;
  }

  @BeforeEach
  void reset() {
    RUNS.set(0);
    started = new CountDownLatch(1);
    release = new CountDownLatch(1);
    interrupted = new CountDownLatch(1);
  }

  @AfterEach
  void closeAll() throws Exception {
    release.countDown();
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** A node's journal and runtime, closed after the test (runtime first). */
  private record Node(PostgresJournal journal, WeftRuntime runtime) {}

  private Node node(String id, Duration lease) {
    PostgresJournal journal = PostgresJournal.open(PostgresJournal.Options.defaults(URL).withSchema(schema)
        .withNodeId(id).withPoolSize(3).withLeaseDuration(lease));
    open.add(journal);
    WeftRuntime runtime = WeftRuntime.builder().eventLoops(1).journal(journal).build();
    open.add(runtime);
    return new Node(journal, runtime);
  }

  private FleetNode fleet(Node node, int capacity, Clock clock) {
    FleetNode fleet = FleetNode.start(node.journal(), node.runtime(), Applications.of(FleetNodeTest.class),
        FleetNode.Options.of(URI.create("http://127.0.0.1:1/" + node.journal().nodeId()), capacity).withClock(clock));
    open.add(fleet);
    return fleet;
  }

  private FleetNode fleet(Node node, int capacity) {
    return fleet(node, capacity, Clock.systemUTC());
  }

  @Test
  void options_capacityOutOfRange_throwsNamingValue() {
    assertThatThrownBy(() -> FleetNode.Options.of(URI.create("http://a:1"), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity").hasMessageContaining("was 0");
    assertThatThrownBy(() -> FleetNode.Options.of(URI.create("http://a:1"), FleetNode.Options.MAX_CAPACITY + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.." + FleetNode.Options.MAX_CAPACITY);
  }

  @Test
  void options_relativeAddress_throwsNamingIt() {
    assertThatThrownBy(() -> FleetNode.Options.of(URI.create("node-a:8080/x").resolve("y"), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute URL");
    assertThatThrownBy(() -> FleetNode.Options.of(URI.create("/just/a/path"), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'/just/a/path'");
  }

  @Test
  void start_registersNode_listedAliveThenStoppedAfterClose() {
    Node a = node("node-a", Duration.ofSeconds(3));
    FleetNode fleet = fleet(a, 5);
    await().atMost(Duration.ofSeconds(30)).until(() -> fleet.ticks() >= 1);

    List<NodeStatus> nodes = FleetNode.list(a.journal());
    assertThat(nodes).singleElement().satisfies(n -> {
      assertThat(n.id()).isEqualTo("node-a");
      assertThat(n.address()).isEqualTo(URI.create("http://127.0.0.1:1/node-a"));
      assertThat(n.capacity()).isEqualTo(5);
      assertThat(n.leaseDuration()).isEqualTo(Duration.ofSeconds(3));
      assertThat(n.heartbeatAge()).isLessThan(Duration.ofSeconds(3));
      assertThat(n.alive()).isTrue();
      assertThat(n.leasesHeld()).isZero();
    });

    fleet.close();

    assertThat(FleetNode.list(a.journal())).singleElement().satisfies(n -> {
      assertThat(n.stoppedAt()).isPresent();
      assertThat(n.alive()).isFalse();
    });
  }

  @Test
  void leaseLostWhileStalled_localWaiterGetsLeaseLostException_andAnotherNodeFinishesIt() throws Exception {
    Duration lease = Duration.ofSeconds(1);
    Node stalled = node("node-stalled", lease);
    Node b = node("node-b", lease);
    Request<Integer> request = stalled.runtime().submit(Weft.fn(FleetNodeTest::holds), 4);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    fleet(b, 10); // takes the request over once the stalled node's lease has expired
    await().atMost(Duration.ofSeconds(30)).until(() -> state(request.id()).equals("SUCCEEDED"));
    fleet(stalled, 10); // the stalled node wakes up: its first renewal finds the lease lost

    assertThatThrownBy(() -> request.result(Duration.ofSeconds(30)))
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining(request.id()).hasMessageContaining("node-stalled")
        .satisfies(e -> assertThat(((LeaseLostException) e).requestId()).isEqualTo(request.id()));
    assertThat(request.state()).as("not finished here: it finished on another node").isEqualTo(RequestState.RUNNING);
    assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("the local run was cancelled").isTrue();
    assertThat(stalled.runtime().running(request.id())).isEmpty();
    assertThat(RUNS.get()).isEqualTo(2);
    assertThat(state(request.id())).as("the stalled node's cancellation was not recorded").isEqualTo("SUCCEEDED");
    assertThat(b.journal().output(request.id(), Integer.class)).contains(40);
  }

  @Test
  void capacityOne_claimsOneExpiredRequestAtATime() throws Exception {
    Duration lease = Duration.ofSeconds(1);
    Node dead = node("node-dead", lease);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(dead.runtime().submit(Weft.fn(FleetNodeTest::holdsAll), i).id());
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> RUNS.get() == 3);
    started = new CountDownLatch(1);
    dead.runtime().close(); // its runs stop; nothing renews their leases

    Node b = node("node-b", lease);
    FleetNode fleet = fleet(b, 1);
    assertThat(started.await(30, TimeUnit.SECONDS)).as("node-b took one over").isTrue();
    long ticks = fleet.ticks();
    await().atMost(Duration.ofSeconds(30)).until(() -> fleet.ticks() >= ticks + 3);

    assertThat(RUNS.get()).as("only one taken over while it runs").isEqualTo(4);
    assertThat(FleetNode.list(b.journal())).filteredOn(n -> n.id().equals("node-b"))
        .singleElement().satisfies(n -> assertThat(n.leasesHeld()).isEqualTo(1));
    release.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> state(id).equals("SUCCEEDED")));
  }

  @Test
  void claimWhileItsRuntimeShutsDown_isReleased_andANodeStillRunningTakesItOver() throws Exception {
    Duration lease = Duration.ofSeconds(1);
    Node dead = node("node-dead", lease);
    String id = dead.runtime().submit(Weft.fn(FleetNodeTest::holds), 5).id();
    await().atMost(Duration.ofSeconds(30)).until(() -> RUNS.get() == 1);
    dead.runtime().close(); // nothing renews its lease (its run stays held; later runs return at once)

    Node draining = node("node-draining", lease);
    draining.runtime().close(Duration.ZERO); // refuses new requests and resumptions from now on
    FleetNode drainingFleet = fleet(draining, 10);
    long ticks = drainingFleet.ticks();
    await().atMost(Duration.ofSeconds(30)).until(() -> drainingFleet.ticks() >= ticks + 3);
    assertThat(state(id)).as("not taken over by a runtime that shuts down").isEqualTo("RUNNING");

    fleet(node("node-c", lease), 10);
    await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("SUCCEEDED"));
  }

  @Test
  void close_releasesLeases_anotherNodeTakesOverBeforeTheLeaseWouldExpire() throws Exception {
    Duration lease = Duration.ofSeconds(20);
    Node a = node("node-a", lease);
    Node b = node("node-b", Duration.ofSeconds(1)); // b checks every third of a second
    FleetNode fleetA = fleet(a, 10);
    Request<Integer> request = a.runtime().submit(Weft.fn(FleetNodeTest::holds), 7);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    fleet(b, 10);
    long start = System.nanoTime();

    fleetA.close();

    await().atMost(Duration.ofSeconds(15)).until(() -> state(request.id()).equals("SUCCEEDED"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(lease);
    assertThat(b.journal().output(request.id(), Integer.class)).contains(70);
  }

  /**
   * Two nodes whose clocks are a day ahead and a day behind: neither takes a live lease early, and
   * one of them takes the expired lease within a renewal period or two after it expired by the
   * database's clock. Only their log lines would show their clocks.
   */
  @Test
  void nodeClocksFarOff_leaseExpiryJudgedByTheDatabaseClock() throws Exception {
    Duration lease = Duration.ofSeconds(2);
    Node holder = node("node-holder", lease);
    Request<Integer> request = holder.runtime().submit(Weft.fn(FleetNodeTest::holds), 3);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    Instant expiry = leaseExpiry(request.id());

    fleet(node("node-ahead", lease), 10, Clock.offset(Clock.systemUTC(), Duration.ofDays(1)));
    fleet(node("node-behind", lease), 10, Clock.offset(Clock.systemUTC(), Duration.ofDays(-1)));
    await().atMost(Duration.ofSeconds(30)).until(() -> state(request.id()).equals("SUCCEEDED"));

    Instant claimed = finishedAt(request.id()); // the take-over ran at once: finished just after its claim
    assertThat(claimed).as("not taken before the lease expired by the database's clock").isAfter(expiry);
    assertThat(Duration.between(expiry, claimed)).as("taken soon after it expired").isLessThan(Duration.ofSeconds(5));
  }

  // ---- reading the schema directly

  private String state(String id) {
    return query("SELECT state FROM " + schema + ".requests WHERE id = ?", id);
  }

  private Instant leaseExpiry(String id) {
    return Instant.parse(query("SELECT to_char(lease_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
        + "FROM " + schema + ".requests WHERE id = ?", id));
  }

  private Instant finishedAt(String id) {
    return Instant.parse(query("SELECT to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
        + "FROM " + schema + ".requests WHERE id = ?", id));
  }

  private String query(String sql, String id) {
    try (Connection c = DriverManager.getConnection(URL); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : "MISSING";
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
