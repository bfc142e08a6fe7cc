package dev.weft.journal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Application;
import dev.weft.Applications;
import dev.weft.Function;
import dev.weft.Request;
import dev.weft.IdempotencyKeyReusedException;
import dev.weft.RequestState;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.journal.RequestInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real engine on a SQLite journal: resume after a dead runtime, replay by id, idempotent submit. */
final class SqliteJournalEngineTest {
  static final AtomicInteger CHILD_RUNS = new AtomicInteger();
  static final AtomicInteger SQUARE_RUNS = new AtomicInteger();
  static final AtomicInteger APP_RUNS = new AtomicInteger();
  /** Holds the first incarnation of {@link #app} until the test is over: it stands for a dead process. */
  static volatile CountDownLatch firstIncarnation;

  @Function static int child(int x) {
    CHILD_RUNS.incrementAndGet();
    return x + 1;
  }

  @Function static int square(int x) {
    SQUARE_RUNS.incrementAndGet();
    return x * x;
  }

  @Application(description = "a child, a map of squares, then waits for the test") @Function
  static int app(int x) throws InterruptedException {
    boolean first = APP_RUNS.incrementAndGet() == 1;
    int a = Weft.fn(SqliteJournalEngineTest::child).call(x);
    List<Integer> squares = Weft.fn(SqliteJournalEngineTest::square).map(List.of(1, 2, 3)).result();
    if (first) {
      firstIncarnation.await(30, TimeUnit.SECONDS);
      throw new IllegalStateException("the first incarnation must never finish the request");
    }
    return Weft.fn(SqliteJournalEngineTest::child).call(a + squares.stream().mapToInt(Integer::intValue).sum());
  }

  @Application @Function static int sumOfSquares(List<Integer> items) {
    APP_RUNS.incrementAndGet();
    return Weft.fn(SqliteJournalEngineTest::square).map(items).result().stream().mapToInt(Integer::intValue).sum();
  }

  @Application @Function static int broken(int x) {
    throw new IllegalArgumentException("no " + x);
  }

  @Function static int add(int a, int b) { return a + b; }

  @Application @Function static dev.weft.Future<Integer> sumByTailCall(List<Integer> items) {
    return Weft.fn(SqliteJournalEngineTest::add).reduce(Weft.fn(SqliteJournalEngineTest::square).map(items), 0);
  }

  @Function(retries = 0) static int fails(int x) { throw new IllegalStateException("no " + x); }

  @Application @Function static dev.weft.Future<Integer> failingTail(int x) {
    return Weft.fn(SqliteJournalEngineTest::fails).future(x);
  }

  @Function static int threadName(Thread t) { return t.getName().length(); }

  @Application @Function static int passesAThread(int x) {
    return Weft.fn(SqliteJournalEngineTest::threadName).call(Thread.currentThread());
  }

  @TempDir Path dir;

  @Test
  void unserializableArgument_failsTheCallWithAUsageErrorNamingTheFunction() {
    try (SqliteJournal journal = SqliteJournal.open(dir.resolve("weft.db"));
        WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> runtime.run(Weft.fn(SqliteJournalEngineTest::passesAThread), 1))
          .isInstanceOf(dev.weft.UsageException.class)
          .hasMessageContaining("SqliteJournalEngineTest.threadName")
          .hasMessageContaining("cannot be stored in the journal");
    }
  }

  @BeforeEach
  void reset() {
    CHILD_RUNS.set(0);
    SQUARE_RUNS.set(0);
    APP_RUNS.set(0);
    firstIncarnation = new CountDownLatch(1);
  }

  @Test
  void resume_inASecondRuntimeOnTheSameFile_servesFinishedCallsFromTheJournal() {
    Path file = dir.resolve("journal.db");
    SqliteJournal firstJournal = SqliteJournal.open(file);
    WeftRuntime first = WeftRuntime.builder().journal(firstJournal).build();
    Request<Integer> request = first.submit(Weft.fn(SqliteJournalEngineTest::app), 1);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> CHILD_RUNS.get() == 1 && SQUARE_RUNS.get() == 3);
    first.close();
    firstJournal.close(); // the process "dies" (what it queued is written; nothing after is)

    try (SqliteJournal journal = SqliteJournal.open(file);
        WeftRuntime second = WeftRuntime.builder().journal(journal).build()) {
      assertThat(journal.unfinished()).extracting(RequestInfo::id).containsExactly(request.id());
      assertThat(second.resumeUnfinished(Applications.of(SqliteJournalEngineTest.class))).isOne();
      int out = second.running(request.id()).map(r -> (Integer) r.result()).orElseThrow();

      assertThat(out).isEqualTo(17); // child(1) = 2; 1 + 4 + 9 = 14; child(16) = 17
      assertThat(CHILD_RUNS).as("the first child came from the journal").hasValue(2);
      assertThat(SQUARE_RUNS).as("the map items came from the journal").hasValue(3);
      assertThat(APP_RUNS).hasValue(2);
      Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> journal.info(request.id()).orElseThrow().state() == RequestState.SUCCEEDED);
    }
    try (SqliteJournal journal = SqliteJournal.open(file)) {
      assertThat(journal.info(request.id()).orElseThrow().state()).isEqualTo(RequestState.SUCCEEDED);
      assertThat(journal.output(request.id(), Integer.class)).contains(17);
    }
    firstIncarnation.countDown();
  }

  @Test
  void replayById_afterReopeningTheFile_runsNoFinishedCallAgain() {
    Path file = dir.resolve("journal.db");
    List<Integer> items = IntStream.rangeClosed(1, 200).boxed().toList();
    int expected = items.stream().mapToInt(i -> i * i).sum();
    String id;
    try (SqliteJournal journal = SqliteJournal.open(file);
        WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      Request<Integer> request = runtime.submit(Weft.fn(SqliteJournalEngineTest::sumOfSquares), items);
      assertThat(request.result()).isEqualTo(expected);
      id = request.id();
    }
    assertThat(SQUARE_RUNS).hasValue(200);
    assertThat(Sql.count(file, "SELECT count(*) FROM calls WHERE state = 'SUCCEEDED'")).isEqualTo(201);

    try (SqliteJournal journal = SqliteJournal.open(file);
        WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      Request<Integer> replay = runtime.resume(Weft.fn(SqliteJournalEngineTest::sumOfSquares), id).orElseThrow();
      assertThat(replay.result()).isEqualTo(expected);
    }
    assertThat(SQUARE_RUNS).as("every item came from the journal").hasValue(200);
    assertThat(APP_RUNS).hasValue(2);
  }

  @Test
  void submitWithAnIdempotencyKey_afterARestart_returnsTheRecordedResult() {
    Path file = dir.resolve("journal.db");
    try (SqliteJournal journal = SqliteJournal.open(file);
        WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      assertThat(runtime.submit(Weft.fn(SqliteJournalEngineTest::sumOfSquares), List.of(2, 3), "order-1").result())
          .isEqualTo(13);
    }
    try (SqliteJournal journal = SqliteJournal.open(file);
        WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      Request<Integer> again = runtime.submit(Weft.fn(SqliteJournalEngineTest::sumOfSquares), List.of(2, 3), "order-1");
      assertThat(again.id()).isEqualTo("order-1");
      assertThat(again.state()).isEqualTo(RequestState.SUCCEEDED);
      assertThat(again.result()).isEqualTo(13);
    }
    assertThat(APP_RUNS).hasValue(1);
  }

  @Test
  void submitWithAnIdempotencyKey_afterARestart_withAnotherInput_isRefused() {
    Path file = dir.resolve("journal.db");
    try (SqliteJournal journal = SqliteJournal.open(file);
        WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      assertThat(runtime.submit(Weft.fn(SqliteJournalEngineTest::sumOfSquares), List.of(2, 3), "order-2").result())
          .isEqualTo(13);
    }
    try (SqliteJournal journal = SqliteJournal.open(file);
        WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      assertThatThrownBy(() -> runtime.submit(Weft.fn(SqliteJournalEngineTest::sumOfSquares), List.of(2, 4), "order-2"))
          .isInstanceOf(IdempotencyKeyReusedException.class)
          .hasMessageContaining("order-2");
      assertThat(runtime.submit(Weft.fn(SqliteJournalEngineTest::sumOfSquares), List.of(2, 3), "order-2").result())
          .isEqualTo(13);
    }
    assertThat(APP_RUNS).hasValue(1);
  }

  @Test
  void failedRequest_isRecordedWithItsErrorType() {
    Path file = dir.resolve("journal.db");
    try (SqliteJournal journal = SqliteJournal.open(file);
        WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      Request<Integer> request = runtime.submit(Weft.fn(SqliteJournalEngineTest::broken), 4);
      assertThatThrownBy(request::result).hasMessageContaining("no 4");
      Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> journal.info(request.id()).orElseThrow().state() == RequestState.FAILED);
      RequestInfo info = journal.info(request.id()).orElseThrow();
      assertThat(info.errorType()).contains(IllegalArgumentException.class.getName());
      // the recorded message names the function and attempt as well as the exception
      assertThat(info.errorMessage()).hasValue(
          "SqliteJournalEngineTest.broken failed on attempt 1 of 1: java.lang.IllegalArgumentException: no 4");
    }
  }

  @Test
  void tailCall_theCallerRecordsTheEndOfItsTail_succeededOrFailed() {
    try (SqliteJournal journal = SqliteJournal.open(dir.resolve("weft.db"));
        WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      var ok = runtime.submit(Weft.asyncFn(SqliteJournalEngineTest::sumByTailCall), List.of(1, 2, 3));
      assertThat(ok.result()).isEqualTo(14);
      journal.flush();
      var root = journal.calls(ok.id()).stream().filter(c -> c.parent().isEmpty()).findFirst().orElseThrow();
      assertThat(root.state()).as("the entry call ends with its tail call").isEqualTo(dev.weft.journal.CallRecord.State.SUCCEEDED);
      assertThat(root.finishedAt()).isPresent();

      var bad = runtime.submit(Weft.asyncFn(SqliteJournalEngineTest::failingTail), 5);
      assertThatThrownBy(bad::result).hasMessageContaining("no 5");
      journal.flush();
      var failed = journal.calls(bad.id()).stream().filter(c -> c.parent().isEmpty()).findFirst().orElseThrow();
      assertThat(failed.state()).isEqualTo(dev.weft.journal.CallRecord.State.FAILED);
      assertThat(failed.errorMessage()).hasValue("no 5");
    }
  }
}
