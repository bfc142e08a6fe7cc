package dev.weft.journal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.IdempotencyKeyReusedException;
import dev.weft.ProgressUpdate;
import dev.weft.RequestState;
import dev.weft.UsageException;
import dev.weft.journal.DurableId;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestInfo;
import dev.weft.journal.RequestLog;
import dev.weft.journal.RequestPage;
import dev.weft.journal.RequestQuery;
import dev.weft.transport.ErrorPayload;
import dev.weft.transport.JsonCodec;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every SPI method against a real file, in one process. */
final class SqliteJournalTest {
  record Point(int x, int y) {}

  static List<Integer> listOfIntegers() {
    return null;
  }

  static final Type LIST_OF_INTEGERS;

  static {
    try {
      LIST_OF_INTEGERS = SqliteJournalTest.class.getDeclaredMethod("listOfIntegers").getGenericReturnType();
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static final DurableId ROOT = DurableId.root("app");
  static final DurableId A = ROOT.child(0, 'c', "f");
  static final DurableId B = ROOT.child(1, 'c', "f");

  @TempDir Path dir;
  Path file;
  SqliteJournal journal;

  @BeforeEach
  void open() {
    file = dir.resolve("journal.db");
    journal = SqliteJournal.open(file);
  }

  @AfterEach
  void close() {
    journal.close();
  }

  static NewRequest request(String id, String app, Object input) {
    return new NewRequest(id, app, input, Integer.class, Optional.empty());
  }

  @Test
  void create_isCommittedBeforeItReturns_andInfoShowsItRunning() {
    RequestLog log = journal.create(request("r1", "app", 7));

    assertThat(log.requestId()).isEqualTo("r1");
    assertThat(log.isNew()).isTrue();
    assertThat(Sql.count(file, "SELECT count(*) FROM requests WHERE id = 'r1' AND state = 'RUNNING'")).isOne();
    RequestInfo info = journal.info("r1").orElseThrow();
    assertThat(info.application()).isEqualTo("app");
    assertThat(info.state()).isEqualTo(RequestState.RUNNING);
    assertThat(info.finishedAt()).isEmpty();
    assertThat(info.createdAt()).isBefore(Instant.now().plusSeconds(1));
    assertThat(journal.info("nope")).isEmpty();
  }

  @Test
  void input_roundTripsThroughJson_withTheDeclaredType() {
    journal.create(new NewRequest("r1", "app", List.of(1, 2, 3), LIST_OF_INTEGERS, Optional.empty()));
    journal.create(new NewRequest("r2", "app", new Point(1, 2), Point.class, Optional.empty()));

    assertThat(journal.reopen("r1").orElseThrow().input(LIST_OF_INTEGERS)).isEqualTo(List.of(1, 2, 3));
    assertThat(journal.reopen("r2").orElseThrow().input(Point.class)).isEqualTo(new Point(1, 2));
    assertThat(Sql.strings(file, "SELECT input FROM requests ORDER BY seq")).containsExactly("[1,2,3]",
        "{\"x\":1,\"y\":2}");
  }

  @Test
  void create_unencodableInput_throwsUsageException_andRecordsNothing() {
    assertThatThrownBy(() -> journal.create(new NewRequest("r1", "app", new Thread(), Object.class, Optional.empty())))
        .isInstanceOf(UsageException.class).hasMessageContaining("input of a request for app cannot be journaled");
    assertThat(journal.info("r1")).isEmpty();
    journal.create(request("r2", "app", 1)); // the writer is fine
    assertThat(journal.info("r2")).isPresent();
  }

  @Test
  void create_existingIdempotencyKey_returnsTheExistingRequest_notNew() {
    RequestLog first = journal.create(new NewRequest("k-1", "app", 1, Integer.class, Optional.of("k-1")));
    first.completed(A, "f", 10, Integer.class);
    RequestLog again = journal.create(new NewRequest("other-id", "app", 1, Integer.class, Optional.of("k-1")));

    assertThat(again.isNew()).isFalse();
    assertThat(again.requestId()).isEqualTo("k-1");
    assertThat(again.find(A, Integer.class)).contains(new RequestLog.Recorded(10));
    assertThat(again.input(Integer.class)).isEqualTo(1);
    assertThat(Sql.count(file, "SELECT count(*) FROM requests")).isOne();
  }

  static NewRequest keyed(String key, String app, Object input) {
    return new NewRequest(key, app, input, Object.class, Optional.of(key));
  }

  /** Regression: a key sent again with another input was answered with the first request. */
  @Test
  void create_sameKeyAnotherInput_throwsKeyReused_andKeepsTheFirst() {
    journal.create(keyed("k", "app", List.of(1, 2)));

    assertThatThrownBy(() -> journal.create(keyed("k", "app", List.of(1, 3))))
        .isInstanceOfSatisfying(IdempotencyKeyReusedException.class, e -> {
          assertThat(e.key()).isEqualTo("k");
          assertThat(e.firstApplication()).isEqualTo("app");
        })
        .hasMessageContaining("another input");
    assertThat(journal.reopen("k").orElseThrow().input(LIST_OF_INTEGERS)).isEqualTo(List.of(1, 2));
    assertThat(Sql.count(file, "SELECT count(*) FROM requests")).isOne();
  }

  @Test
  void create_sameKeyAnotherApplication_throwsKeyReused() {
    journal.create(keyed("k", "app", 1));

    assertThatThrownBy(() -> journal.create(keyed("k", "other", 1)))
        .isInstanceOf(IdempotencyKeyReusedException.class)
        .hasMessageContaining("of app, not of other");
  }

  @Test
  void create_keyStoresTheHashOfApplicationAndInput_andNoneWithoutAKey() {
    journal.create(keyed("k", "app", 7));
    journal.create(request("r", "app", 7));

    assertThat(Sql.strings(file, "SELECT idempotency_hash FROM requests WHERE id = 'k'"))
        .containsExactly(IdempotencyHash.of("app", "7"));
    assertThat(Sql.count(file, "SELECT count(*) FROM requests WHERE id = 'r' AND idempotency_hash IS NULL")).isOne();
  }

  @Test
  void create_keyReusedAfterAReopenOfTheFile_isStillChecked() {
    journal.create(keyed("k", "app", 1)).finished(RequestState.SUCCEEDED, 10, Integer.class, Optional.empty());
    journal.close();
    journal = SqliteJournal.open(file);

    assertThat(journal.create(keyed("k", "app", 1)).isNew()).isFalse();
    assertThatThrownBy(() -> journal.create(keyed("k", "app", 2))).isInstanceOf(IdempotencyKeyReusedException.class);
    assertThatThrownBy(() -> journal.create(keyed("k", "other", 1))).isInstanceOf(IdempotencyKeyReusedException.class);
  }

  @Test
  void create_keyOfARowWithoutAHash_isComparedByApplicationOnly() {
    journal.create(keyed("k", "app", 1));
    journal.flush();
    Sql.execute(file, "UPDATE requests SET idempotency_hash = NULL"); // as a row written before hashes were kept

    assertThat(journal.create(keyed("k", "app", 2)).isNew()).isFalse(); // accepted as before
    assertThatThrownBy(() -> journal.create(keyed("k", "other", 1))).isInstanceOf(IdempotencyKeyReusedException.class);
  }

  @Test
  void create_sameIdempotencyKeyFromManyThreads_makesOneRequest() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<RequestLog>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String id = "id-" + i;
        results.add(pool.submit(() -> journal.create(new NewRequest(id, "app", 1, Integer.class, Optional.of("same")))));
      }
      int news = 0;
      for (Future<RequestLog> f : results) {
        news += f.get().isNew() ? 1 : 0;
        assertThat(f.get().requestId()).isEqualTo(results.get(0).get().requestId());
      }
      assertThat(news).isOne();
      assertThat(Sql.count(file, "SELECT count(*) FROM requests")).isOne();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void find_isEmptyForACallWithoutOutput_andReturnsRecordedOutputsWithTheirTypes() {
    RequestLog log = journal.create(request("r1", "app", 1));
    DurableId c = ROOT.child(2, 'c', "g");
    log.started(A, Optional.of(ROOT), "f", new Object[] {1, "x"}, new Type[] {int.class, String.class});
    log.completed(A, "f", new Point(3, 4), Point.class);
    log.completed(B, "f", List.of(5, 6), LIST_OF_INTEGERS);
    log.completed(c, "g", null, String.class);

    assertThat(log.find(ROOT.child(9, 'c', "f"), Integer.class)).isEmpty();
    assertThat(log.find(A, Point.class)).contains(new RequestLog.Recorded(new Point(3, 4)));
    assertThat(log.find(B, LIST_OF_INTEGERS)).contains(new RequestLog.Recorded(List.of(5, 6)));
    assertThat(log.find(c, String.class)).contains(new RequestLog.Recorded(null));
    journal.flush();
    assertThat(log.find(A, Point.class)).contains(new RequestLog.Recorded(new Point(3, 4)));
    assertThat(log.find(c, String.class)).contains(new RequestLog.Recorded(null));
    assertThat(Sql.strings(file, "SELECT arguments || ' ' || state || ' ' || parent_id FROM calls WHERE durable_id = '"
        + A + "'")).containsExactly("[1,\"x\"] SUCCEEDED " + ROOT);
  }

  @Test
  void find_rightAfterCompleted_seesTheOutputBeforeItIsCommitted() {
    journal.close();
    journal = SqliteJournal.open(file, SqliteJournal.Options.defaults().withFlushInterval(Duration.ofSeconds(30)));
    RequestLog log = journal.create(request("r1", "app", 1));
    log.started(A, Optional.of(ROOT), "f", new Object[] {1}, new Type[] {int.class});
    log.completed(A, "f", 42, int.class);
    log.attemptFailed(B, "f", 1, new IllegalStateException("boom"), true);
    log.progress(new ProgressUpdate(1, 2, "half", Instant.ofEpochMilli(5_000)));

    assertThat(Sql.count(file, "SELECT count(*) FROM calls")).as("the writer holds the batch").isZero();
    assertThat(log.find(A, int.class)).contains(new RequestLog.Recorded(42));
    assertThat(log.failedAttempts(B)).isOne();
    assertThat(journal.info("r1").orElseThrow().progress()).map(ProgressUpdate::message).contains("half");

    journal.flush();
    assertThat(Sql.count(file, "SELECT count(*) FROM calls")).isEqualTo(2);
    assertThat(log.find(A, int.class)).contains(new RequestLog.Recorded(42));
    assertThat(Sql.strings(file, "SELECT progress_message FROM requests")).containsExactly("half");
  }

  @Test
  void started_withoutAnOutcome_isWrittenAfterTheStartDelay_orAtOnceByAFlush() {
    RequestLog log = journal.create(request("r1", "app", 1));
    log.started(A, Optional.of(ROOT), "f", new Object[] {1}, new Type[] {int.class});
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> Sql.count(file, "SELECT count(*) FROM calls WHERE state = 'RUNNING'") == 1);

    log.started(B, Optional.of(ROOT), "f", new Object[] {2}, new Type[] {int.class});
    journal.flush();
    assertThat(Sql.strings(file, "SELECT arguments FROM calls WHERE state = 'RUNNING' ORDER BY seq"))
        .containsExactly("[1]", "[2]");
    log.completed(B, "f", 4, int.class);
    journal.flush();
    assertThat(Sql.strings(file, "SELECT arguments || ' ' || state || ' ' || output FROM calls WHERE durable_id = '"
        + B + "'")).containsExactly("[2] SUCCEEDED 4");
  }

  @Test
  void find_outputThatNoLongerReadsAsTheDeclaredType_isTreatedAsAbsent() {
    RequestLog log = journal.create(request("r1", "app", 1));
    log.completed(A, "f", "text", String.class);
    assertThat(log.find(A, Integer.class)).isEmpty();
    assertThat(log.find(A, String.class)).contains(new RequestLog.Recorded("text"));
  }

  @Test
  void failedAttempts_countsRecordedFailures_andTheErrorIsAnErrorPayload() {
    RequestLog log = journal.create(request("r1", "app", 1));
    log.started(A, Optional.of(ROOT), "f", new Object[] {1}, new Type[] {int.class});
    log.attemptFailed(A, "f", 1, new IllegalArgumentException("first"), true);
    log.attemptFailed(A, "f", 2, new IllegalArgumentException("second"), false);

    assertThat(log.failedAttempts(A)).isEqualTo(2);
    assertThat(log.failedAttempts(B)).isZero();
    journal.flush();
    assertThat(Sql.strings(file, "SELECT state || ' ' || failed_attempts FROM calls")).containsExactly("FAILED 2");
    String error = Sql.strings(file, "SELECT error FROM calls").get(0);
    ErrorPayload payload = (ErrorPayload) JsonCodec.standard().decode(error, ErrorPayload.class);
    assertThat(payload.type()).isEqualTo(IllegalArgumentException.class.getName());
    assertThat(payload.message()).isEqualTo("second");
  }

  @Test
  void completed_unencodableOutput_isRecordedAsSuch_notFound_andTheWriterCarriesOn() {
    RequestLog log = journal.create(request("r1", "app", 1));
    log.started(A, Optional.of(ROOT), "f", new Object[] {1}, new Type[] {int.class});
    log.completed(A, "f", new Thread(), Object.class);
    log.completed(B, "f", 2, int.class);
    journal.flush();

    assertThat(log.find(A, Object.class)).isEmpty();
    assertThat(log.find(B, int.class)).contains(new RequestLog.Recorded(2));
    assertThat(Sql.strings(file, "SELECT state FROM calls WHERE durable_id = '" + A + "'"))
        .containsExactly("UNSERIALIZABLE");
  }

  @Test
  void started_unencodableArguments_failsTheCallWithAUsageErrorAndRecordsNothing() {
    RequestLog log = journal.create(request("r1", "app", 1));
    assertThatThrownBy(() -> log.started(A, Optional.empty(), "f", new Object[] {new Thread()}, new Type[] {Object.class}))
        .isInstanceOf(dev.weft.UsageException.class)
        .hasMessageStartingWith("f: its arguments cannot be stored in the journal")
        .hasMessageContaining("java.lang.Thread");
    journal.flush();

    assertThat(Sql.strings(file, "SELECT count(*) FROM calls")).containsExactly("0");
  }

  @Test
  void finished_succeeded_recordsOutputAndTime_andIgnoresASecondFinish() {
    RequestLog log = journal.create(request("r1", "app", 1));
    log.finished(RequestState.SUCCEEDED, new Point(1, 1), Point.class, Optional.empty());
    log.finished(RequestState.FAILED, null, Point.class, Optional.of(new IllegalStateException("late")));

    assertThat(journal.output("r1", Point.class)).contains(new Point(1, 1));
    RequestInfo info = journal.info("r1").orElseThrow();
    assertThat(info.state()).isEqualTo(RequestState.SUCCEEDED);
    assertThat(info.finishedAt()).isPresent();
    journal.flush();
    assertThat(journal.info("r1").orElseThrow().state()).isEqualTo(RequestState.SUCCEEDED);
    assertThat(journal.output("r1", Point.class)).contains(new Point(1, 1));
    assertThat(Sql.strings(file, "SELECT state || ' ' || output FROM requests"))
        .containsExactly("SUCCEEDED {\"x\":1,\"y\":1}");
  }

  @Test
  void finished_failed_recordsTheErrorTypeAndMessage_andHasNoOutput() {
    RequestLog log = journal.create(request("r1", "app", 1));
    log.finished(RequestState.FAILED, null, Integer.class, Optional.of(new IllegalStateException("broken")));
    journal.flush();

    RequestInfo info = journal.info("r1").orElseThrow();
    assertThat(info.state()).isEqualTo(RequestState.FAILED);
    assertThat(info.errorType()).contains(IllegalStateException.class.getName());
    assertThat(info.errorMessage()).contains("broken");
    assertThat(journal.output("r1", Integer.class)).isEmpty();
  }

  @Test
  void progress_isShownByInfoAndList() {
    RequestLog log = journal.create(request("r1", "app", 1));
    log.progress(new ProgressUpdate(3, 10, "working", Instant.ofEpochMilli(1_000)));
    journal.flush();
    ProgressUpdate expected = new ProgressUpdate(3, 10, "working", Instant.ofEpochMilli(1_000));
    assertThat(journal.info("r1").orElseThrow().progress()).contains(expected);
    assertThat(journal.list(RequestQuery.all(10)).requests().get(0).progress()).contains(expected);
  }

  @Test
  void list_isNewestFirst_filteredByApplicationAndState_andPaged() {
    for (int i = 0; i < 7; i++) {
      RequestLog log = journal.create(request("r" + i, i % 2 == 0 ? "even" : "odd", i));
      if (i < 4) {
        log.finished(RequestState.SUCCEEDED, i, Integer.class, Optional.empty());
      }
    }
    journal.flush();

    RequestPage first = journal.list(RequestQuery.all(3));
    assertThat(first.requests()).extracting(RequestInfo::id).containsExactly("r6", "r5", "r4");
    RequestPage second = journal.list(new RequestQuery(Optional.empty(), Optional.empty(), 3, first.next()));
    assertThat(second.requests()).extracting(RequestInfo::id).containsExactly("r3", "r2", "r1");
    RequestPage third = journal.list(new RequestQuery(Optional.empty(), Optional.empty(), 3, second.next()));
    assertThat(third.requests()).extracting(RequestInfo::id).containsExactly("r0");
    assertThat(third.next()).isEmpty();

    assertThat(journal.list(new RequestQuery(Optional.of("even"), Optional.empty(), 10, Optional.empty()))
        .requests()).extracting(RequestInfo::id).containsExactly("r6", "r4", "r2", "r0");
    assertThat(journal.list(new RequestQuery(Optional.of("even"), Optional.of(RequestState.SUCCEEDED), 10,
        Optional.empty())).requests()).extracting(RequestInfo::id).containsExactly("r2", "r0");
    assertThat(journal.list(new RequestQuery(Optional.empty(), Optional.of(RequestState.RUNNING), 2,
        Optional.empty())).next()).isPresent();
  }

  @Test
  void list_seesFinishesNotYetCommitted() {
    journal.close();
    journal = SqliteJournal.open(file, SqliteJournal.Options.defaults().withFlushInterval(Duration.ofSeconds(30)));
    RequestLog a = journal.create(request("a", "app", 1));
    journal.create(request("b", "app", 2));
    a.progress(new ProgressUpdate(1, 1, "", Instant.EPOCH)); // not urgent: stays queued
    assertThat(journal.list(new RequestQuery(Optional.empty(), Optional.of(RequestState.RUNNING), 10,
        Optional.empty())).requests()).extracting(RequestInfo::id).containsExactly("b", "a");
    a.finished(RequestState.SUCCEEDED, 1, Integer.class, Optional.empty());

    assertThat(journal.list(new RequestQuery(Optional.empty(), Optional.of(RequestState.SUCCEEDED), 10,
        Optional.empty())).requests()).extracting(RequestInfo::id).containsExactly("a");
    assertThat(journal.list(new RequestQuery(Optional.empty(), Optional.of(RequestState.RUNNING), 10,
        Optional.empty())).requests()).extracting(RequestInfo::id).containsExactly("b");
    assertThat(journal.unfinished()).extracting(RequestInfo::id).containsExactly("b");
  }

  @Test
  void list_cursorThatIsNotOne_isAnIllegalArgument() {
    assertThatThrownBy(() -> journal.list(new RequestQuery(Optional.empty(), Optional.empty(), 5,
        Optional.of("abc")))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("abc");
  }

  @Test
  void unfinished_listsRunningRequestsOldestFirst() {
    journal.create(request("r1", "app", 1));
    journal.create(request("r2", "app", 1)).finished(RequestState.CANCELLED, null, Integer.class,
        Optional.of(new java.util.concurrent.CancellationException("stop")));
    journal.create(request("r3", "app", 1));
    assertThat(journal.unfinished()).extracting(RequestInfo::id).containsExactly("r1", "r3");
  }

  @Test
  void reopen_finishedRequest_isRunningAgain_andServesItsCalls() {
    RequestLog log = journal.create(request("r1", "app", 1));
    log.completed(A, "f", 5, int.class);
    log.attemptFailed(B, "f", 1, new RuntimeException("x"), true);
    log.finished(RequestState.SUCCEEDED, 5, int.class, Optional.empty());
    journal.flush();

    RequestLog again = journal.reopen("r1").orElseThrow();
    assertThat(journal.info("r1").orElseThrow().state()).isEqualTo(RequestState.RUNNING);
    assertThat(journal.unfinished()).extracting(RequestInfo::id).containsExactly("r1");
    assertThat(journal.output("r1", int.class)).isEmpty();
    assertThat(again.find(A, int.class)).contains(new RequestLog.Recorded(5));
    assertThat(again.failedAttempts(B)).isOne();
    journal.flush();
    assertThat(Sql.strings(file, "SELECT state FROM requests")).containsExactly("RUNNING");

    again.finished(RequestState.SUCCEEDED, 6, int.class, Optional.empty());
    assertThat(journal.output("r1", int.class)).contains(6);
    assertThat(journal.reopen("missing")).isEmpty();
  }

  @Test
  void reopen_finishedRequest_runsItsEntryCallAgain_butServesTheCallsBelowIt() {
    DurableId entry = DurableId.root("app");
    RequestLog log = journal.create(request("r1", "app", 1));
    log.started(entry, Optional.of(entry), "app", new Object[] {1}, new Type[] {int.class});
    log.completed(A, "f", 5, int.class);
    log.completed(entry, "app", 50, int.class);
    log.finished(RequestState.SUCCEEDED, 50, int.class, Optional.empty());
    journal.flush();
    journal.close();
    journal = SqliteJournal.open(file);

    RequestLog replay = journal.reopen("r1").orElseThrow();
    assertThat(replay.find(entry, int.class)).isEmpty();
    assertThat(replay.find(A, int.class)).contains(new RequestLog.Recorded(5));
    journal.flush();
    assertThat(Sql.strings(file, "SELECT state FROM calls WHERE durable_id = '" + entry + "'"))
        .containsExactly("RUNNING");
    assertThat(journal.reopen("r1").orElseThrow().find(entry, int.class)).as("running: nothing to forget").isEmpty();
  }

  @Test
  void close_flushesQueuedRecords_thenEveryCallThrowsIllegalState() {
    RequestLog log = journal.create(request("r1", "app", 1));
    for (int i = 0; i < 1_000; i++) {
      log.completed(ROOT.child(i, 'c', "f"), "f", i, int.class);
    }
    journal.close();
    journal.close(); // idempotent

    assertThat(Sql.count(file, "SELECT count(*) FROM calls")).isEqualTo(1_000);
    assertThatThrownBy(() -> log.completed(A, "f", 1, int.class)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> log.find(A, int.class)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> journal.info("r1")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> journal.create(request("r2", "app", 1))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(journal::flush).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void stats_countCommitsAndRecords() {
    RequestLog log = journal.create(request("r1", "app", 1));
    for (int i = 0; i < 100; i++) {
      log.completed(ROOT.child(i, 'c', "f"), "f", i, int.class);
    }
    journal.flush();
    SqliteJournal.Stats stats = journal.stats();
    assertThat(stats.records()).isEqualTo(102); // create, 100 calls, flush
    assertThat(stats.commits()).isBetween(2L, 102L);
  }

  @Test
  void hex_isDurableIdToString() {
    for (int i = 0; i < 1_000; i++) {
      DurableId id = new DurableId(ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong());
      assertThat(Hex.of(id)).isEqualTo(id.toString());
    }
    assertThat(Hex.of(new DurableId(0, -1))).isEqualTo(new DurableId(0, -1).toString());
  }

  @Test
  void options_rejectNonsense_namingTheValue() {
    SqliteJournal.Options d = SqliteJournal.Options.defaults();
    assertThat(d.durability()).isEqualTo(SqliteJournal.Durability.FULL);
    assertThat(d.retention()).isEqualTo(Duration.ofDays(7));
    assertThatThrownBy(() -> d.withRetention(Duration.ZERO)).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> d.withBatchSize(0)).hasMessageContaining("0");
    assertThatThrownBy(() -> d.withFlushInterval(Duration.ofMillis(-1))).hasMessageContaining("-0.001");
  }

  static <T> T call(Callable<T> c) throws Exception {
    return c.call();
  }
}
