package dev.weft.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.Application;
import dev.weft.Backoff;
import dev.weft.BlockedEventLoopException;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.journal.postgres.PostgresJournal;
import dev.weft.journal.sqlite.SqliteJournal;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meters after a known workload, on a registry of the test's own. */
final class WeftMetricsTest {
  static final AtomicInteger FLAKY_RUNS = new AtomicInteger();
  static volatile CountDownLatch reported;

  @Function static int square(int x) { return x * x; }

  @Function(retries = 2, backoff = @Backoff(initial = "1ms", max = "2ms"))
  static int flaky(int x) {
    if (FLAKY_RUNS.incrementAndGet() < 3) {
      throw new IllegalStateException("not yet");
    }
    return x;
  }

  @Function(retries = 1, backoff = @Backoff(initial = "1ms", max = "2ms"))
  static int broken(int x) {
    throw new IllegalStateException("always");
  }

  /** Five squares, a call that succeeds on its third attempt, one that fails both of its attempts. */
  @Application @Function
  static int workload(int n) {
    List<Integer> squares = Weft.fn(WeftMetricsTest::square).map(List.of(1, 2, 3, 4, 5)).result();
    int sum = squares.stream().mapToInt(Integer::intValue).sum() + Weft.fn(WeftMetricsTest::flaky).call(n);
    try {
      Weft.fn(WeftMetricsTest::broken).call(n);
    } catch (IllegalStateException expected) {
      // counted as failed
    }
    return sum;
  }

  @Application @Function
  static int plain(int n) {
    return Weft.fn(WeftMetricsTest::square).call(n);
  }

  /** Blocks its event loop until the watchdog has reported it (the listener counts down). */
  @Application @Function
  static CompletionStage<Integer> blocksLoop(int n) throws InterruptedException {
    reported.await(10, TimeUnit.SECONDS);
    return CompletableFuture.completedFuture(n);
  }

  @TempDir Path dir;
  /** A Prometheus registry of the test's own: it keeps percentile histograms, as /metrics serves them. */
  PrometheusMeterRegistry registry;

  @BeforeEach
  void reset() {
    FLAKY_RUNS.set(0);
    reported = new CountDownLatch(1);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  @Test
  void knownWorkload_countsPerFunctionAndDurationHistograms() {
    try (WeftRuntime runtime = WeftRuntime.builder().eventLoops(1).observer(WeftMetrics.of(registry)).build()) {
      assertThat(runtime.run(Weft.fn(WeftMetricsTest::workload), 7)).isEqualTo(55 + 7);
      // the request's own meters are recorded just before its handle completes
      await().atMost(Duration.ofSeconds(5)).until(() -> requestCount("succeeded") == 1);
    }
    assertThat(count("weft.calls.started", "WeftMetricsTest.square")).isEqualTo(5);
    assertThat(count("weft.calls.succeeded", "WeftMetricsTest.square")).isEqualTo(5);
    assertThat(count("weft.calls.retried", "WeftMetricsTest.square")).isZero();

    assertThat(count("weft.calls.started", "WeftMetricsTest.flaky")).isEqualTo(1);
    assertThat(count("weft.calls.retried", "WeftMetricsTest.flaky")).isEqualTo(2);
    assertThat(count("weft.calls.succeeded", "WeftMetricsTest.flaky")).isEqualTo(1);
    assertThat(count("weft.calls.failed", "WeftMetricsTest.flaky")).isZero();

    assertThat(count("weft.calls.started", "WeftMetricsTest.broken")).isEqualTo(1);
    assertThat(count("weft.calls.retried", "WeftMetricsTest.broken")).isEqualTo(1);
    assertThat(count("weft.calls.failed", "WeftMetricsTest.broken")).isEqualTo(1);
    assertThat(count("weft.calls.succeeded", "WeftMetricsTest.broken")).isZero();

    Timer squares = registry.get("weft.call.duration").tag("function", "WeftMetricsTest.square")
        .tag("outcome", "succeeded").timer();
    assertThat(squares.count()).isEqualTo(5);
    CountAtBucket[] buckets = squares.takeSnapshot().histogramCounts();
    assertThat(buckets).as("a histogram, not just a count").isNotEmpty();
    assertThat(buckets[buckets.length - 1].count()).isEqualTo(5);
    assertThat(registry.scrape()).contains(
        "weft_call_duration_seconds_bucket{function=\"WeftMetricsTest.square\",outcome=\"succeeded\",le=\"+Inf\"} 5");
    assertThat(registry.get("weft.call.duration").tag("function", "WeftMetricsTest.flaky")
        .tag("outcome", "retrying").timer().count()).isEqualTo(2);

    assertThat(registry.get("weft.requests.started").tag("application", "WeftMetricsTest.workload").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("weft.calls.in_flight").gauge().value()).isZero();
  }

  @Test
  void sqliteJournal_commitLatencyAndBatchSizeAreRecorded() {
    try (SqliteJournal journal = SqliteJournal.open(dir.resolve("j.db"));
        WeftRuntime runtime = WeftRuntime.builder().journal(journal).eventLoops(1)
            .observer(WeftMetrics.of(registry)).build()) {
      for (int i = 0; i < 5; i++) {
        assertThat(runtime.run(Weft.fn(WeftMetricsTest::plain), i)).isEqualTo(i * i);
      }
      journal.flush();
    }
    Timer latency = registry.get("weft.journal.commit.latency").tag("journal", "sqlite").timer();
    DistributionSummary batch = registry.get("weft.journal.commit.batch").tag("journal", "sqlite").summary();
    assertThat(latency.count()).isPositive().isEqualTo(batch.count());
    // 5 requests: each recorded as created, its root and its square call started and completed, and finished
    assertThat(batch.totalAmount()).isGreaterThanOrEqualTo(5 * 2);
    assertThat(batch.max()).isGreaterThanOrEqualTo(1);
  }

  /** Needs the test PostgreSQL (127.0.0.1:5432, database test, trust auth); works in a schema of its own. */
  @Test
  void postgresJournal_commitLatencyAndBatchSizeAreRecorded() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    String schema = "t_metrics_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try {
      try (PostgresJournal journal = PostgresJournal.open(PostgresJournal.Options.defaults(url).withSchema(schema)
              .withNodeId("metrics-test").withPoolSize(2));
          WeftRuntime runtime = WeftRuntime.builder().journal(journal).eventLoops(1)
              .observer(WeftMetrics.of(registry)).build()) {
        for (int i = 0; i < 3; i++) {
          assertThat(runtime.run(Weft.fn(WeftMetricsTest::plain), i)).isEqualTo(i * i);
        }
        assertThat(journal.canWrite()).isTrue();
      }
      Timer latency = registry.get("weft.journal.commit.latency").tag("journal", "postgres").timer();
      DistributionSummary batch = registry.get("weft.journal.commit.batch").tag("journal", "postgres").summary();
      assertThat(latency.count()).isPositive().isEqualTo(batch.count());
      assertThat(batch.totalAmount()).isGreaterThanOrEqualTo(3);
    } finally {
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
          java.sql.Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Test
  void journalQueueDepth_readsWhatTheJournalHasNotYetWritten() {
    // A journal whose writer is behind by 7 records: the gauge reads the journal's own count.
    dev.weft.journal.InMemoryJournal memory = new dev.weft.journal.InMemoryJournal();
    dev.weft.journal.Journal behind = (dev.weft.journal.Journal) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {dev.weft.journal.Journal.class}, (proxy, method, args) -> {
          if (method.getName().equals("queuedWrites")) {
            return 7;
          }
          try {
            return method.invoke(memory, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    try (WeftRuntime runtime = WeftRuntime.builder().journal(behind).eventLoops(1).observer(WeftMetrics.of(registry)).build()) {
      assertThat(registry.get("weft.journal.queue.depth").gauge().value()).isEqualTo(7.0);
    }
  }

  @Test
  void blockedLoop_isTimedPerLoop() {
    try (WeftRuntime runtime = WeftRuntime.builder().eventLoops(1).blockedLoopThreshold(Duration.ofMillis(20))
        .onBlockedLoop((BlockedEventLoopException e) -> reported.countDown())
        .observer(WeftMetrics.of(registry)).build()) {
      assertThat(runtime.run(Weft.asyncFn(WeftMetricsTest::blocksLoop), 3)).isEqualTo(3);
    }
    Timer blocked = registry.get("weft.loop.blocked").tag("loop", "weft-loop-0").timer();
    assertThat(blocked.count()).isEqualTo(1);
    assertThat(blocked.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(20);
  }

  @Test
  void of_nullRegistry_isRefused() {
    assertThatThrownBy(() -> WeftMetrics.of(null)).isInstanceOf(NullPointerException.class).hasMessage("registry");
  }

  private double count(String name, String function) {
    return registry.find(name).tag("function", function).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private long requestCount(String outcome) {
    return registry.find("weft.request.duration").tag("outcome", outcome).timers().stream().mapToLong(Timer::count).sum();
  }
}
