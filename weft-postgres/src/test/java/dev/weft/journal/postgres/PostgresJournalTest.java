package dev.weft.journal.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.RequestState;
import dev.weft.WeftException;
import dev.weft.journal.DurableId;
import dev.weft.journal.JournalUnavailableException;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestInfo;
import dev.weft.journal.RequestLog;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only the PostgreSQL journal does: leases, fencing, claims, notifications, migrations, outages. */
final class PostgresJournalTest {
  private static final DurableId ROOT = DurableId.root("App.run");
  private static final DurableId CHILD = ROOT.child(0, 'c', "App.step");
  private static final Duration SHORT_LEASE = Duration.ofMillis(500);

  private final TestDb db = new TestDb();
  private final List<PostgresJournal> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(PostgresJournal::close);
    db.close();
  }

  private PostgresJournal open(String node, Duration lease) {
    PostgresJournal j = PostgresJournal.open(db.options(node).withLeaseDuration(lease));
    opened.add(j);
    return j;
  }

  private static NewRequest request(String id) {
    return new NewRequest(id, "App.run", 1, int.class, Optional.empty());
  }

  private String query(String sql, String param) throws Exception {
    try (Connection c = DriverManager.getConnection(TestDb.URL)) {
      c.setSchema(db.schema);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, param);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getString(1) : null;
        }
      }
    }
  }

  // ---------------------------------------------------------------------- leases and fencing

  @Test
  void fencing_leaseExpiredAndClaimedByB_AsLaterWritesAreDroppedAndAIsTold() throws Exception {
    PostgresJournal a = open("node-a", SHORT_LEASE);
    PostgresJournal b = open("node-b", SHORT_LEASE);
    List<String> lostByA = new CopyOnWriteArrayList<>();
    a.onLeaseLost(lostByA::add);
    RequestLog logA = a.create(request("r-1"));
    assertThat(query("SELECT owner || '/' || epoch FROM requests WHERE id = ?", "r-1")).isEqualTo("node-a/1");

    List<PostgresJournal.Claim> claimed = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      claimed.addAll(b.claimExpired(10));
      return !claimed.isEmpty();
    });
    assertThat(claimed).containsExactly(new PostgresJournal.Claim("r-1", "App.run", 2));

    logA.completed(CHILD, "App.step", 7, int.class);
    a.flush();
    assertThat(lostByA).containsExactly("r-1");
    assertThat(query("SELECT output FROM calls WHERE request_id = ?", "r-1")).as("A's late write").isNull();

    RequestLog logB = b.reopen("r-1").orElseThrow();
    assertThat(query("SELECT epoch FROM requests WHERE id = ?", "r-1")).as("the claim's epoch, not bumped")
        .isEqualTo("2");
    logB.completed(CHILD, "App.step", 99, int.class);
    logA.completed(CHILD, "App.step", 8, int.class);
    logA.finished(RequestState.FAILED, null, int.class, Optional.of(new IllegalStateException("late")));
    a.flush();
    b.flush();
    assertThat(query("SELECT output FROM calls WHERE request_id = ?", "r-1")).isEqualTo("99");
    assertThat(query("SELECT state FROM requests WHERE id = ?", "r-1")).isEqualTo("RUNNING");

    logB.finished(RequestState.SUCCEEDED, 5, int.class, Optional.empty());
    b.flush();
    assertThat(query("SELECT state || '/' || coalesce(owner, '-') FROM requests WHERE id = ?", "r-1"))
        .as("finishing clears the owner").isEqualTo("SUCCEEDED/-");
    assertThat(lostByA).as("told once").containsExactly("r-1");
  }

  @Test
  void renewLeases_keepsLeasesLive_andReportsOnesTakenByAnotherNode() {
    PostgresJournal a = open("node-a", Duration.ofSeconds(2));
    PostgresJournal b = open("node-b", Duration.ofSeconds(2));
    List<String> lost = new CopyOnWriteArrayList<>();
    a.onLeaseLost(lost::add);
    a.create(request("kept"));
    a.create(request("taken"));
    db.exec("UPDATE requests SET lease_expires_at = now() - interval '1 second' WHERE id = 'taken'");

    assertThat(b.claimExpired(10)).extracting(PostgresJournal.Claim::requestId).containsExactly("taken");
    assertThat(a.renewLeases()).containsExactly("taken");
    assertThat(lost).containsExactly("taken");
    assertThat(a.renewLeases()).as("a fenced log is not renewed again").isEmpty();
    assertThat(b.claimExpired(10)).as("a's live lease of 'kept' is not claimable").isEmpty();
  }

  @Test
  void claimExpired_ofNamedApplications_leavesOtherApplicationsForTheNodesThatServeThem() {
    PostgresJournal a = open("node-a", Duration.ofSeconds(2));
    PostgresJournal b = open("node-b", Duration.ofSeconds(2));
    a.create(request("mine"));
    a.create(new NewRequest("theirs", "Other.run", 1, int.class, Optional.empty()));
    db.exec("UPDATE requests SET lease_expires_at = now() - interval '1 second'");

    assertThat(b.claimExpired(10, List.of("App.run"))).extracting(PostgresJournal.Claim::requestId)
        .containsExactly("mine");
    assertThat(b.claimExpired(10, List.of())).as("no applications, nothing to claim").isEmpty();
    assertThat(b.claimExpired(10, List.of("Other.run"))).extracting(PostgresJournal.Claim::application)
        .containsExactly("Other.run");
  }

  @Test
  void reopen_whileAnotherNodeHoldsALiveLease_isEmpty_andUnfinishedLeavesItOut() {
    PostgresJournal a = open("node-a", Duration.ofSeconds(30));
    PostgresJournal b = open("node-b", Duration.ofSeconds(30));
    a.create(request("r-2"));

    assertThat(b.reopen("r-2")).isEmpty();
    assertThat(b.unfinished()).isEmpty();
    assertThat(a.unfinished()).extracting(RequestInfo::id).containsExactly("r-2");
    assertThat(b.info("r-2").orElseThrow().state()).isEqualTo(RequestState.RUNNING);
  }

  @Test
  void create_repeatOfARequestAnotherNodeRuns_isNotNewAndFenced() throws Exception {
    PostgresJournal a = open("node-a", Duration.ofSeconds(30));
    PostgresJournal b = open("node-b", Duration.ofSeconds(30));
    List<String> lostByB = new CopyOnWriteArrayList<>();
    b.onLeaseLost(lostByB::add);
    NewRequest keyed = new NewRequest("k-1", "App.run", 1, int.class, Optional.of("k-1"));
    a.create(keyed);

    RequestLog repeat = b.create(keyed);
    repeat.completed(CHILD, "App.step", 3, int.class);
    b.flush();

    assertThat(repeat.isNew()).isFalse();
    assertThat(lostByB).containsExactly("k-1");
    assertThat(query("SELECT count(*) FROM calls WHERE request_id = ?", "k-1")).isEqualTo("0");
  }

  @Test
  void create_sameKeyFromManyThreadsOfOneNode_makesOneRequest_andNoLogIsFenced() throws Exception {
    PostgresJournal a = open("node-a", Duration.ofSeconds(30));
    List<String> lost = new CopyOnWriteArrayList<>();
    a.onLeaseLost(lost::add);
    NewRequest keyed = new NewRequest("same", "App.run", 1, int.class, Optional.of("same"));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<RequestLog> logs = new ArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<RequestLog>> creating = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        creating.add(pool.submit(() -> {
          go.await();
          return a.create(keyed);
        }));
      }
      go.countDown();
      for (Future<RequestLog> f : creating) {
        logs.add(f.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(logs).filteredOn(RequestLog::isNew).hasSize(1);
    for (int i = 0; i < logs.size(); i++) {
      logs.get(i).completed(ROOT.child(i, 'c', "App.step"), "App.step", i, int.class);
    }
    a.flush();

    assertThat(lost).isEmpty();
    assertThat(query("SELECT count(*) FROM calls WHERE request_id = ?", "same")).isEqualTo("8");
    assertThat(query("SELECT epoch FROM requests WHERE id = ?", "same")).isEqualTo("1");
  }

  @Test
  void release_givesTheLeaseUp_soAnotherNodeClaimsAtOnce() {
    PostgresJournal a = open("node-a", Duration.ofSeconds(30));
    PostgresJournal b = open("node-b", Duration.ofSeconds(30));
    a.create(request("r-3"));
    a.create(request("r-4"));

    a.release("r-3");
    assertThat(b.claimExpired(10)).extracting(PostgresJournal.Claim::requestId).containsExactly("r-3");
    a.releaseAll();
    assertThat(b.claimExpired(10)).extracting(PostgresJournal.Claim::requestId).containsExactly("r-4");
    assertThat(b.reopen("r-4")).isPresent();
  }

  @Test
  void claimExpired_fromTwoNodesAtOnce_neverClaimsARequestTwice() throws Exception {
    PostgresJournal a = open("node-a", Duration.ofSeconds(30));
    for (int i = 0; i < 200; i++) {
      a.create(request("c-" + i));
    }
    a.releaseAll();
    PostgresJournal b = open("node-b", Duration.ofSeconds(30));
    PostgresJournal c = open("node-c", Duration.ofSeconds(30));
    Map<String, String> claimedBy = new ConcurrentHashMap<>();
    List<String> twice = new CopyOnWriteArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (PostgresJournal j : List.of(b, c, b, c)) {
        runs.add(pool.submit(() -> {
          go.await();
          List<PostgresJournal.Claim> got;
          while (!(got = j.claimExpired(7)).isEmpty()) {
            for (PostgresJournal.Claim claim : got) {
              if (claimedBy.putIfAbsent(claim.requestId(), j.nodeId()) != null) {
                twice.add(claim.requestId());
              }
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : runs) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(twice).isEmpty();
    assertThat(claimedBy).hasSize(200);
  }

  // ---------------------------------------------------------------------- notifications

  @Test
  void listen_receivesFinishedProgressAndPublishedPayloads() throws Exception {
    PostgresJournal a = open("node-a", Duration.ofSeconds(30));
    PostgresJournal b = open("node-b", Duration.ofSeconds(30));
    Set<String> heard = ConcurrentHashMap.newKeySet();
    try (AutoCloseable listening = b.listen(heard::add)) {
      RequestLog log = a.create(request("n-1"));
      log.progress(new dev.weft.ProgressUpdate(1, 2, "half", java.time.Instant.now()));
      a.flush();
      log.finished(RequestState.SUCCEEDED, 1, int.class, Optional.empty());
      a.publish("cancel:n-2");

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(heard).contains("progress:n-1", "finished:n-1", "cancel:n-2"));
    }
    assertThat(a.channel()).isEqualTo("weft_" + db.schema);
  }

  @Test
  void listen_afterItsConnectionIsKilled_reconnectsAndHearsLaterNotifications() throws Exception {
    PostgresJournal a = open("node-a", Duration.ofSeconds(30));
    Set<String> heard = ConcurrentHashMap.newKeySet();
    try (AutoCloseable listening = a.listen(heard::add)) {
      assertThat(query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = ?",
          "LISTEN " + a.channel())).isEqualTo("1");

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        a.publish("ping");
        assertThat(heard).contains("ping");
      });
    }
  }

  // ---------------------------------------------------------------------- outages and bad input

  @Test
  void writerConnectionKilled_nextBatchGoesOnANewConnection_nothingAcceptedIsLostAndCreateSucceeds() throws Exception {
    PostgresJournal a = open("node-a", Duration.ofSeconds(30));
    RequestLog log = a.create(request("w-1"));
    int pid = a.writerBackendPid();
    assertThat(pid).isPositive();
    try (Connection c = DriverManager.getConnection(TestDb.URL);
        PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
      ps.setInt(1, pid);
      ps.execute();
    }

    log.completed(CHILD, "App.step", 41, int.class);
    assertThat(a.create(request("w-2")).isNew()).as("accepted on a new connection, no error").isTrue();
    a.flush();

    assertThat(query("SELECT output FROM calls WHERE request_id = ?", "w-1")).isEqualTo("41");
    assertThat(a.writerBackendPid()).isNotEqualTo(pid);
  }

  @Test
  void databaseUnreachable_createThrowsJournalUnavailable_cannotWrite_andQueuedRecordsLandOnceItIsBack() throws Exception {
    try (TcpProxy proxy = new TcpProxy()) {
      PostgresJournal a = PostgresJournal.open(db.options("node-a").withUrl(
          "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?user=postgres"));
      opened.add(a);
      RequestLog log = a.create(request("u-1"));
      a.flush();

      proxy.cut();
      log.completed(CHILD, "App.step", 5, int.class);
      assertThatThrownBy(() -> a.create(request("u-2")))
          .isInstanceOf(JournalUnavailableException.class)
          .hasMessageContaining("cannot write to the database now");
      assertThat(a.canWrite()).as("what a server's /health reports").isFalse();

      proxy.restore();
      await().atMost(Duration.ofSeconds(30)).ignoreException(JournalUnavailableException.class).until(() -> {
        a.flush();
        return true;
      });
      assertThat(query("SELECT output FROM calls WHERE request_id = ?", "u-1")).as("queued while down").isEqualTo("5");
      assertThat(query("SELECT count(*) FROM requests WHERE id = ?", "u-2")).as("not accepted").isEqualTo("0");
      assertThat(a.create(request("u-3")).isNew()).isTrue();
      assertThat(a.canWrite()).isTrue();
    }
  }

  @Test
  void open_unreachableDatabase_failsWithOneLineNamingTheUrlWithoutPassword() {
    PostgresJournal.Options options = PostgresJournal.Options.defaults(
        "postgresql://postgres:s3cret@127.0.0.1:1/test").withSchema(db.schema);

    assertThatThrownBy(() -> PostgresJournal.open(options))
        .isInstanceOf(WeftException.class)
        .hasMessageContaining("postgresql://postgres:***@127.0.0.1:1/test")
        .hasMessageNotContaining("s3cret")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void open_schemaNewerThanTheCode_isRefusedWithAClearMessage() {
    open("node-a", Duration.ofSeconds(30)).close();
    db.exec("INSERT INTO schema_version (version, description) VALUES (99, 'from the future')");

    assertThatThrownBy(() -> open("node-a", Duration.ofSeconds(30)))
        .isInstanceOf(WeftException.class)
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("newer than the versions this Weft knows");
  }

  @Test
  void open_manyNodesAtOnceOnANewSchema_migrateItOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<PostgresJournal>> opening = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String node = "node-" + i;
        opening.add(pool.submit(() -> open(node, Duration.ofSeconds(30))));
      }
      for (Future<PostgresJournal> f : opening) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(query("SELECT count(*) FROM schema_version WHERE version > ?::int", "0"))
        .isEqualTo(Integer.toString(Migrations.load().size()));
  }

  @Test
  void options_rejectNonsense_namingTheValue() {
    PostgresJournal.Options ok = PostgresJournal.Options.defaults(TestDb.URL);
    assertThatThrownBy(() -> ok.withSchema("Bad-Name")).hasMessageContaining("Bad-Name");
    assertThatThrownBy(() -> ok.withLeaseDuration(Duration.ofMillis(1))).hasMessageContaining("leaseDuration");
    assertThatThrownBy(() -> ok.withPoolSize(0)).hasMessageContaining("poolSize");
    assertThatThrownBy(() -> PostgresJournal.Options.defaults("mysql://x/y")).hasMessageContaining("mysql://x/y");
    assertThat(ok.nodeId()).isNotBlank();
  }

  @Test
  void urls_libpqFormWithUserAndPassword_becomesPgjdbcFormWithProperties() {
    Urls.Jdbc jdbc = Urls.parse("postgresql://ann:p%40ss@db.example:6543/weft?sslmode=require");

    assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://db.example:6543/weft?sslmode=require");
    assertThat(jdbc.properties()).containsEntry("user", "ann").containsEntry("password", "p@ss");
    assertThat(Urls.parse(TestDb.URL).url()).isEqualTo(TestDb.URL);
    assertThat(Urls.redact("jdbc:postgresql://h/db?user=u&password=x")).isEqualTo(
        "jdbc:postgresql://h/db?user=u&password=***");
  }
}
