package dev.weft.journal.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.weft.Application;
import dev.weft.Backoff;
import dev.weft.Function;
import dev.weft.FunctionTimeoutException;
import dev.weft.Future;
import dev.weft.Placement;
import dev.weft.UsageException;
import dev.weft.RequestState;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.journal.DurableId;
import dev.weft.journal.ForwardingJournal;
import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.Journal;
import dev.weft.journal.WorkQueue;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Fleet work on a real PostgreSQL: calls placed on the fleet queue as tasks, runners ("nodes" in
 * this JVM) claim them within their capacity, outcomes come back with their types, lapsed leases
 * are taken over, cancels reach the runner, and a repeated task is attached to, not rerun. The
 * same across real node processes: the fleet tests in weft-cli.
 */
final class FleetWorkTest {
  static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  static final AtomicInteger executions = new AtomicInteger();
  static final AtomicBoolean failNext = new AtomicBoolean();
  static volatile CountDownLatch entered = new CountDownLatch(1);
  static volatile CountDownLatch interrupted = new CountDownLatch(1);

  @Function(placement = Placement.FLEET, cpus = 1, memory = "16m")
  static int slowSquare(int x) throws InterruptedException {
    executions.incrementAndGet();
    Thread.sleep(150);
    return x * x;
  }

  @Function static int add(int a, int b) {
    return a + b;
  }

  @Function(placement = Placement.FLEET, memory = "16m", retries = 1, backoff = @Backoff(initial = "10ms", jitter = 0))
  static String picky(String s) {
    if (failNext.getAndSet(false) || s.isEmpty()) {
      throw new IllegalArgumentException("no empty strings: " + s.length());
    }
    return s.toUpperCase();
  }

  @Function(placement = Placement.FLEET, memory = "16m", timeout = "1s")
  static int hangs(int x) {
    entered.countDown();
    try {
      Thread.sleep(60_000);
    } catch (InterruptedException e) {
      interrupted.countDown();
    }
    return x;
  }

  @Application @Function
  static Future<Integer> sumOfSquares(List<Integer> xs) {
    return Weft.fn(FleetWorkTest::add).reduce(Weft.fn(FleetWorkTest::slowSquare).map(xs), 0);
  }

  @Application @Function
  static String shout(String s) {
    return Weft.fn(FleetWorkTest::picky).call(s);
  }

  @Application @Function
  static int waitsTooLong(int x) {
    return Weft.fn(FleetWorkTest::hangs).call(x);
  }

  private String schema;
  private HikariDataSource data;
  private PgWorkQueue queue;
  private final List<TaskRunner> runners = new CopyOnWriteArrayList<>();
  private Thread listener;
  private final AtomicBoolean listening = new AtomicBoolean(true);

  @BeforeEach
  void createSchema() throws Exception {
    schema = "weft_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
      s.execute("SET search_path TO " + schema);
      s.execute(resource("/db/postgres/V3__tasks.sql"));
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(URL);
    config.setMaximumPoolSize(8);
    data = new HikariDataSource(config);
    queue = new PgWorkQueue(data, schema, channel());
    CountDownLatch ready = new CountDownLatch(1);
    listener = Thread.ofVirtual().start(() -> listen(ready));
    assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
    executions.set(0);
  }

  @AfterEach
  void dropSchema() throws Exception {
    runners.forEach(TaskRunner::close);
    listening.set(false);
    listener.interrupt();
    queue.close();
    data.close();
    try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private String channel() {
    return "weft_" + schema;
  }

  /** Forwards the channel's notifications to the queue and the runners, as a node's journal does. */
  private void listen(CountDownLatch ready) {
    try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
      s.execute("LISTEN " + channel());
      ready.countDown();
      PGConnection pg = c.unwrap(PGConnection.class);
      while (listening.get()) {
        PGNotification[] got = pg.getNotifications(200);
        if (got != null) {
          for (PGNotification n : got) {
            queue.notified(n.getParameter());
            runners.forEach(r -> r.notified(n.getParameter()));
          }
        }
      }
    } catch (SQLException e) {
      if (listening.get()) {
        throw new IllegalStateException(e);
      }
    }
  }

  private TaskRunner node(String id, double cpus) {
    TaskRunner r = TaskRunner.start(data, schema, channel(), id, Duration.ofSeconds(2),
        new TaskRunner.Capacity(cpus, 1L << 30), FleetWorkTest.class.getClassLoader());
    runners.add(r);
    return r;
  }

  private WeftRuntime runtime() {
    return WeftRuntime.builder().journal(new WithQueue(new InMemoryJournal(), queue)).build();
  }

  @Test
  void mapOfFleetCalls_spreadsOverNodes_withinEachNodesCapacity() throws Exception {
    node("node-a", 2);
    node("node-b", 2);
    List<Integer> xs = IntStream.rangeClosed(1, 12).boxed().toList();
    try (WeftRuntime runtime = runtime()) {
      int sum = runtime.submit(Weft.asyncFn(FleetWorkTest::sumOfSquares), xs).result(Duration.ofSeconds(30));
      assertThat(sum).isEqualTo(650);
    }
    List<Task> tasks = tasks();
    assertThat(tasks).hasSize(12).allSatisfy(t -> {
      assertThat(t.state).isEqualTo("SUCCEEDED");
      assertThat(t.runs).isEqualTo(1);
    });
    assertThat(tasks.stream().map(t -> t.ranOn).distinct()).containsExactlyInAnyOrder("node-a", "node-b");
    assertThat(maxOverlap(tasks, "node-a")).isLessThanOrEqualTo(2);
    assertThat(maxOverlap(tasks, "node-b")).isLessThanOrEqualTo(2);
    assertThat(executions).hasValue(12);
  }

  @Test
  void failingFleetCall_comesBackWithItsTypeAndMessage_andRetriesAsNewTasks() throws Exception {
    node("node-a", 1);
    try (WeftRuntime runtime = runtime()) {
      assertThatThrownBy(() -> runtime.submit(Weft.fn(FleetWorkTest::shout), "").result(Duration.ofSeconds(30)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no empty strings: 0");
      failNext.set(true);
      assertThat(runtime.submit(Weft.fn(FleetWorkTest::shout), "hi").result(Duration.ofSeconds(30))).isEqualTo("HI");
    }
    assertThat(tasks()).extracting(t -> t.state + "/" + t.id.substring(t.id.lastIndexOf('/') + 1))
        .containsExactlyInAnyOrder("FAILED/1", "FAILED/2", "FAILED/1", "SUCCEEDED/2");
  }

  @Test
  void taskWhoseLeaseLapsed_isTakenOverByALiveNode() throws Exception {
    try (WeftRuntime runtime = runtime()) {
      var request = runtime.submit(Weft.fn(FleetWorkTest::shout), "late");
      await().atMost(Duration.ofSeconds(10)).until(() -> tasks().size() == 1);
      // a node claimed it and died: its lease ran out a second ago
      exec("UPDATE " + schema + ".tasks SET state = 'RUNNING', owner = 'ghost', epoch = 1,"
          + " lease_expires_at = now() - interval '1 second'");
      node("node-live", 1);
      assertThat(request.result(Duration.ofSeconds(30))).isEqualTo("LATE");
    }
    Task t = tasks().get(0);
    assertThat(t.ranOn).isEqualTo("node-live");
    assertThat(t.epoch).isEqualTo(2);
  }

  @Test
  void callerTimingOut_cancelsTheTaskOnTheNodeRunningIt() throws Exception {
    entered = new CountDownLatch(1);
    interrupted = new CountDownLatch(1);
    node("node-a", 1);
    try (WeftRuntime runtime = runtime()) {
      var request = runtime.submit(Weft.fn(FleetWorkTest::waitsTooLong), 7);
      assertThatThrownBy(() -> request.result(Duration.ofSeconds(30))).isInstanceOf(FunctionTimeoutException.class);
      assertThat(request.state()).isEqualTo(RequestState.FAILED);
    }
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the node's call was interrupted").isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> tasks().get(0).state.equals("CANCELLED"));
  }

  @Test
  void sameWorkQueuedAgain_afterItFinished_returnsItsOutcomeWithoutRunningIt() throws Exception {
    node("node-a", 1);
    WorkQueue.Work work = new WorkQueue.Work("req-1", DurableId.root("x"), 1, "FleetWorkTest.slowSquare",
        FleetWorkTest.class.getDeclaredMethod("slowSquare", int.class), new Object[] {9}, new Type[] {int.class},
        int.class, 1, 1 << 20, Duration.ofSeconds(30));
    assertThat(queue.run(work)).isEqualTo(81);
    assertThat(queue.run(work)).isEqualTo(81); // as a node resuming the request after a crash would
    assertThat(executions).hasValue(1);
    assertThat(tasks()).singleElement().satisfies(t -> assertThat(t.runs).isEqualTo(1));
  }

  @Test
  void taskOfAClassTheNodeLacks_failsSayingToDeployTheSameJars() throws Exception {
    WorkQueue.Work work = new WorkQueue.Work("req-2", DurableId.root("y"), 1, "Gone.fn",
        FleetWorkTest.class.getDeclaredMethod("slowSquare", int.class), new Object[] {1}, new Type[] {int.class},
        int.class, 1, 1 << 20, Duration.ofSeconds(30));
    CompletableFuture<Object> outcome = CompletableFuture.supplyAsync(() -> {
      try {
        return queue.run(work);
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> tasks().size() == 1);
    exec("UPDATE " + schema + ".tasks SET class_name = 'com.example.Gone'"); // as if queued by another version
    node("node-a", 1);
    assertThatThrownBy(() -> outcome.get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("com.example.Gone")
        .hasMessageContaining("same application jars");
  }

  private record Task(String id, String state, String ranOn, int runs, long epoch, Timestamp started,
      Timestamp finished) {}

  private List<Task> tasks() throws SQLException {
    List<Task> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, state, ran_on, runs, epoch, started_at, finished_at FROM " + schema
            + ".tasks ORDER BY seq")) {
      while (rs.next()) {
        out.add(new Task(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5),
            rs.getTimestamp(6), rs.getTimestamp(7)));
      }
    }
    return out;
  }

  /** The most tasks {@code node} ran at one moment, from their start and finish times. */
  private static int maxOverlap(List<Task> tasks, String node) {
    Map<Long, Integer> edges = new HashMap<>();
    for (Task t : tasks) {
      if (node.equals(t.ranOn)) {
        edges.merge(t.started.getTime() * 2 + 1, 1, Integer::sum);
        edges.merge(t.finished.getTime() * 2, -1, Integer::sum); // ends before starts at the same instant
      }
    }
    int now = 0;
    int max = 0;
    for (var e : new java.util.TreeMap<>(edges).entrySet()) {
      now += e.getValue();
      max = Math.max(max, now);
    }
    return max;
  }

  private void exec(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = FleetWorkTest.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private record WithQueue(Journal delegate, WorkQueue queue) implements ForwardingJournal {
    @Override public Optional<WorkQueue> workQueue() { return Optional.of(queue); }
  }

}
