package dev.weft.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.IdempotencyKeyReusedException;
import dev.weft.ProgressUpdate;
import dev.weft.RequestState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Journal} does, run against each one (in memory here; SQLite and PostgreSQL
 * in their modules, through weft-core's test jar). A subclass says how to open an empty journal
 * and which optional abilities its journal has; a test of an ability it lacks is skipped (with
 * the reason), never silently passed.
 *
 * <p>Public only so that subclasses in other modules can extend it; the tests are its contract.
 */
public abstract class JournalContract {
  /** An input type with some structure, to see values cross the journal as JSON and back. */
  public record Order(String item, int quantity) {}

  /** The journal under test; opened before each test, closed after. */
  protected Journal journal;

  /** Opens an empty journal (fresh storage for each test). */
  protected abstract Journal openEmpty();

  /**
   * Closes {@code current} and opens the same storage again, as a restarted process would; empty
   * if the journal keeps nothing across a restart.
   */
  protected Optional<Journal> restart(Journal current) {
    return Optional.empty();
  }

  /** Waits until what was recorded is durable (a durable journal's flush); the default does nothing. */
  protected void flush(Journal j) {}

  /**
   * Whether the journal keeps the hash of application and input beside an idempotency key, and so
   * refuses a key reused for another request ({@link IdempotencyKeyReusedException}).
   */
  protected boolean supportsKeyHash() {
    return true;
  }

  /**
   * Makes every request finished so far older than the retention and purges; returns whether the
   * journal has such a hook (false skips the retention test).
   */
  protected boolean expireFinishedAndPurge(Journal j) {
    return false;
  }

  /** Whether a finished request reopens to replay (a durable journal); an in-memory one forgets calls. */
  protected boolean replaysFinished() {
    return true;
  }

  /** Whether {@link Journal#calls} lists the recorded calls (a durable journal); else it is empty. */
  protected boolean keepsCalls() {
    return true;
  }

  @BeforeEach
  final void openJournal() {
    journal = openEmpty();
  }

  @AfterEach
  final void closeJournal() throws Exception {
    if (journal != null) {
      journal.close();
    }
  }

  static final DurableId ROOT = DurableId.root("Shop.order");
  static final DurableId CHILD = ROOT.child(0, 'c', "Shop.price");
  static final DurableId OTHER = ROOT.child(1, 'c', "Shop.ship");

  static NewRequest request(String id, Order input, Optional<String> key) {
    return new NewRequest(id, "Shop.order", input, Order.class, key);
  }

  static NewRequest request(String id) {
    return request(id, new Order("tea", 2), Optional.empty());
  }

  // ---------------------------------------------------------------------- create

  @Test
  public void create_newRequest_isNewAndRunning() {
    RequestLog log = journal.create(request("r-1"));

    assertThat(log.isNew()).isTrue();
    assertThat(log.requestId()).isEqualTo("r-1");
    RequestInfo info = journal.info("r-1").orElseThrow();
    assertThat(info.state()).isEqualTo(RequestState.RUNNING);
    assertThat(info.application()).isEqualTo("Shop.order");
    assertThat(info.finishedAt()).isEmpty();
    assertThat(info.createdAt()).isNotNull();
  }

  @Test
  public void create_sameKeyAndInputAgain_returnsTheSameRequestNotNew() {
    RequestLog first = journal.create(request("k-1", new Order("tea", 2), Optional.of("k-1")));
    first.completed(CHILD, "Shop.price", 7, int.class);

    RequestLog again = journal.create(request("k-1", new Order("tea", 2), Optional.of("k-1")));

    assertThat(again.isNew()).isFalse();
    assertThat(again.requestId()).isEqualTo("k-1");
    assertThat(again.find(CHILD, int.class)).contains(new RequestLog.Recorded(7));
    assertThat(journal.list(RequestQuery.all(10)).requests()).hasSize(1);
  }

  @Test
  public void create_keyReusedWithAnotherInput_isIdempotencyKeyReused() {
    assumeTrue(supportsKeyHash(), "this journal does not keep key hashes yet");
    journal.create(request("k-2", new Order("tea", 2), Optional.of("k-2")));

    assertThatThrownBy(() -> journal.create(request("k-2", new Order("tea", 3), Optional.of("k-2"))))
        .isInstanceOf(IdempotencyKeyReusedException.class)
        .hasMessageContaining("k-2");
    assertThat(journal.list(RequestQuery.all(10)).requests()).hasSize(1);
  }

  @Test
  public void create_keyReusedForAnotherApplication_isIdempotencyKeyReused() {
    assumeTrue(supportsKeyHash(), "this journal does not keep key hashes yet");
    journal.create(request("k-3", new Order("tea", 2), Optional.of("k-3")));

    assertThatThrownBy(() -> journal.create(new NewRequest("k-3", "Shop.refund", new Order("tea", 2), Order.class,
        Optional.of("k-3"))))
        .isInstanceOfSatisfying(IdempotencyKeyReusedException.class,
            e -> assertThat(e.firstApplication()).isEqualTo("Shop.order"));
  }

  @Test
  public void input_readsBackAsTheDeclaredType() {
    RequestLog log = journal.create(request("r-2", new Order("coffee", 5), Optional.empty()));

    assertThat(log.input(Order.class)).isEqualTo(new Order("coffee", 5));
  }

  @Test
  public void input_byRequestId_readsBackAsTheDeclaredType_unknownIsEmpty() {
    journal.create(request("r-3", new Order("cocoa", 7), Optional.empty()));

    assertThat(journal.input("r-3", Order.class)).contains(new Order("cocoa", 7));
    assertThat(journal.input("no-such-request", Order.class)).isEmpty();
  }

  // ---------------------------------------------------------------------- calls

  @Test
  public void calls_recordedCalls_listedInStartOrderWithStateAttemptsAndError() {
    RequestLog log = journal.create(request("r-tree"));
    log.started(ROOT, Optional.empty(), "Shop.order", new Object[] {new Order("tea", 2)}, new Type[] {
        Order.class});
    log.started(CHILD, Optional.of(ROOT), "Shop.price", new Object[] {"tea"}, new Type[] {String.class});
    log.attemptFailed(CHILD, "Shop.price", 1, new IllegalStateException("no price yet"), true);
    log.completed(CHILD, "Shop.price", 7, int.class);
    log.started(OTHER, Optional.of(ROOT), "Shop.ship", new Object[] {"tea"}, new Type[] {String.class});
    log.attemptFailed(OTHER, "Shop.ship", 1, new UncheckedIOException(new IOException()), false);
    flush(journal);

    List<CallRecord> calls = journal.calls("r-tree");

    if (!keepsCalls()) {
      assertThat(calls).isEmpty();
      return;
    }
    // in start order; a test clock may give them all the same start, so look them up by id
    assertThat(calls).extracting(c -> c.startedAt().orElseThrow()).isSorted();
    assertThat(calls).extracting(CallRecord::id)
        .containsExactlyInAnyOrder(ROOT.toString(), CHILD.toString(), OTHER.toString());
    Map<String, CallRecord> byId = new HashMap<>();
    calls.forEach(c -> byId.put(c.id(), c));
    CallRecord root = byId.get(ROOT.toString());
    assertThat(root.parent()).isEmpty();
    assertThat(root.function()).isEqualTo("Shop.order");
    assertThat(root.state()).isEqualTo(CallRecord.State.RUNNING);
    assertThat(root.startedAt()).isPresent();
    assertThat(root.finishedAt()).isEmpty();
    CallRecord price = byId.get(CHILD.toString());
    assertThat(price.parent()).contains(ROOT.toString());
    assertThat(price.state()).isEqualTo(CallRecord.State.SUCCEEDED);
    assertThat(price.failedAttempts()).isEqualTo(1);
    assertThat(price.finishedAt()).isPresent();
    assertThat(price.errorType()).contains("java.lang.IllegalStateException");
    assertThat(price.errorMessage()).contains("no price yet");
    CallRecord ship = byId.get(OTHER.toString());
    assertThat(ship.state()).isEqualTo(CallRecord.State.FAILED);
    assertThat(ship.failedAttempts()).isEqualTo(1);
    assertThat(ship.errorType()).contains("java.io.UncheckedIOException");
    assertThat(journal.calls("no-such-request")).isEmpty();
  }

  @Test
  public void find_emptyWithoutOutput_thenTheRecordedOutput() {
    RequestLog log = journal.create(request("r-3"));
    assertThat(log.find(CHILD, int.class)).isEmpty();

    log.started(CHILD, Optional.of(ROOT), "Shop.price", new Object[] {"tea"}, new Type[] {String.class});
    log.completed(CHILD, "Shop.price", 42, int.class);
    log.completed(OTHER, "Shop.ship", null, String.class);

    assertThat(log.find(CHILD, int.class)).contains(new RequestLog.Recorded(42));
    assertThat(log.find(OTHER, String.class)).contains(new RequestLog.Recorded(null));
    flush(journal);
    assertThat(log.find(CHILD, int.class)).contains(new RequestLog.Recorded(42));
  }

  @Test
  public void failedAttempts_countsEachRecordedFailure() {
    RequestLog log = journal.create(request("r-4"));
    assertThat(log.failedAttempts(CHILD)).isZero();

    log.attemptFailed(CHILD, "Shop.price", 1, new IllegalStateException("down"), true);
    log.attemptFailed(CHILD, "Shop.price", 2, new IllegalStateException("down"), true);

    assertThat(log.failedAttempts(CHILD)).isEqualTo(2);
    assertThat(log.failedAttempts(OTHER)).isZero();
  }

  @Test
  public void restart_keepsOutputsFailedAttemptsAndRunningRequests() {
    RequestLog log = journal.create(request("r-5"));
    log.completed(CHILD, "Shop.price", 42, int.class);
    log.attemptFailed(OTHER, "Shop.ship", 1, new IllegalStateException("down"), true);
    Optional<Journal> again = restart(journal);
    assumeTrue(again.isPresent(), "this journal keeps nothing across a restart");
    journal = again.get();

    assertThat(journal.unfinished()).extracting(RequestInfo::id).containsExactly("r-5");
    RequestLog reopened = journal.reopen("r-5").orElseThrow();
    assertThat(reopened.isNew()).isFalse();
    assertThat(reopened.find(CHILD, int.class)).contains(new RequestLog.Recorded(42));
    assertThat(reopened.failedAttempts(OTHER)).isEqualTo(1);
    assertThat(reopened.input(Order.class)).isEqualTo(new Order("tea", 2));
  }

  @Test
  public void reopen_unknownRequest_isEmpty() {
    assertThat(journal.reopen("nobody")).isEmpty();
    assertThat(journal.info("nobody")).isEmpty();
  }

  @Test
  public void reopen_finishedRequest_servesItsCallsButNotItsEntryCall() {
    assumeTrue(replaysFinished(), "this journal forgets a finished request's calls");
    RequestLog log = journal.create(request("r-6"));
    log.completed(ROOT, "Shop.order", 9, int.class);
    log.completed(CHILD, "Shop.price", 42, int.class);
    log.finished(RequestState.SUCCEEDED, 9, int.class, Optional.empty());
    flush(journal);

    RequestLog replay = journal.reopen("r-6").orElseThrow();

    assertThat(journal.info("r-6").orElseThrow().state()).isEqualTo(RequestState.RUNNING);
    assertThat(replay.find(CHILD, int.class)).contains(new RequestLog.Recorded(42));
    assertThat(replay.find(ROOT, int.class)).isEmpty();
  }

  // ---------------------------------------------------------------------- finish and progress

  @Test
  public void finished_succeeded_showsOutputAndTime_andASecondFinishIsIgnored() {
    RequestLog log = journal.create(request("r-7"));
    assertThat(journal.output("r-7", int.class)).isEmpty();

    log.finished(RequestState.SUCCEEDED, 9, int.class, Optional.empty());
    log.finished(RequestState.FAILED, null, int.class, Optional.of(new IllegalStateException("late")));
    flush(journal);

    RequestInfo info = journal.info("r-7").orElseThrow();
    assertThat(info.state()).isEqualTo(RequestState.SUCCEEDED);
    assertThat(info.finishedAt()).isPresent();
    assertThat(info.errorType()).isEmpty();
    assertThat(journal.output("r-7", int.class)).contains(9);
    assertThat(journal.unfinished()).isEmpty();
  }

  @Test
  public void finished_failed_showsErrorTypeAndMessage_andNoOutput() {
    RequestLog log = journal.create(request("r-8"));

    log.finished(RequestState.FAILED, null, int.class, Optional.of(new IllegalStateException("out of tea")));
    flush(journal);

    RequestInfo info = journal.info("r-8").orElseThrow();
    assertThat(info.state()).isEqualTo(RequestState.FAILED);
    assertThat(info.errorType()).contains(IllegalStateException.class.getName());
    assertThat(info.errorMessage()).contains("out of tea");
    assertThat(journal.output("r-8", int.class)).isEmpty();
  }

  @Test
  public void progress_isShownByInfoAndList() {
    RequestLog log = journal.create(request("r-9"));
    ProgressUpdate update = new ProgressUpdate(3, 10, "brewing", Instant.parse("2026-01-02T03:04:05Z"));

    log.progress(update);
    flush(journal);

    assertThat(journal.info("r-9").orElseThrow().progress()).contains(update);
    assertThat(journal.list(RequestQuery.all(10)).requests().get(0).progress()).contains(update);
  }

  // ---------------------------------------------------------------------- listing

  @Test
  public void list_isNewestFirst_filtered_andPagedWithACursor() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String id = "p-" + i;
      ids.add(id);
      RequestLog log = journal.create(i % 2 == 0 ? request(id)
          : new NewRequest(id, "Shop.refund", new Order("tea", i), Order.class, Optional.empty()));
      if (i % 3 == 0) {
        log.finished(RequestState.SUCCEEDED, i, int.class, Optional.empty());
      }
    }
    flush(journal);

    RequestPage first = journal.list(RequestQuery.all(3));
    assertThat(first.requests()).extracting(RequestInfo::id).containsExactly("p-6", "p-5", "p-4");
    RequestPage second = journal.list(new RequestQuery(Optional.empty(), Optional.empty(), 3, first.next()));
    assertThat(second.requests()).extracting(RequestInfo::id).containsExactly("p-3", "p-2", "p-1");
    RequestPage third = journal.list(new RequestQuery(Optional.empty(), Optional.empty(), 3, second.next()));
    assertThat(third.requests()).extracting(RequestInfo::id).containsExactly("p-0");
    assertThat(third.next()).isEmpty();

    assertThat(journal.list(new RequestQuery(Optional.of("Shop.refund"), Optional.empty(), 10, Optional.empty()))
        .requests()).extracting(RequestInfo::id).containsExactly("p-5", "p-3", "p-1");
    assertThat(journal.list(new RequestQuery(Optional.empty(), Optional.of(RequestState.SUCCEEDED), 10,
        Optional.empty())).requests()).extracting(RequestInfo::id).containsExactly("p-6", "p-3", "p-0");
  }

  @Test
  public void list_cursorThatIsNotOne_isIllegalArgument() {
    assertThatThrownBy(() -> journal.list(new RequestQuery(Optional.empty(), Optional.empty(), 5,
        Optional.of("not-a-cursor")))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  public void unfinished_listsTheRunningRequestsOnly() {
    journal.create(request("u-1"));
    RequestLog done = journal.create(request("u-2"));
    journal.create(request("u-3"));
    done.finished(RequestState.CANCELLED, null, int.class, Optional.of(new IllegalStateException("stop")));
    flush(journal);

    assertThat(journal.unfinished()).extracting(RequestInfo::id).containsExactlyInAnyOrder("u-1", "u-3");
  }

  // ---------------------------------------------------------------------- retention

  @Test
  public void retention_purgesFinishedRequestsWithTheirCalls_andKeepsRunningOnes() {
    RequestLog finished = journal.create(request("old-1", new Order("tea", 1), Optional.of("old-1")));
    finished.completed(CHILD, "Shop.price", 1, int.class);
    finished.finished(RequestState.SUCCEEDED, 1, int.class, Optional.empty());
    journal.create(request("running-1"));
    flush(journal);

    assumeTrue(expireFinishedAndPurge(journal), "this journal has no purge hook");

    assertThat(journal.info("old-1")).isEmpty();
    assertThat(journal.info("running-1")).isPresent();
    RequestLog again = journal.create(request("old-1", new Order("tea", 1), Optional.of("old-1")));
    assertThat(again.isNew()).as("a purged request's key is free again").isTrue();
  }
}
