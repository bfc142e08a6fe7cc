package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.RequestQuery;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class DurabilityTest {
  static final AtomicInteger CHILD_RUNS = new AtomicInteger();
  static final AtomicInteger APP_RUNS = new AtomicInteger();
  /** Holds the first incarnation of {@link #app} until the test is over: it stands for a dead process. */
  static volatile CountDownLatch firstIncarnation;

  @Function static int child(int x) { CHILD_RUNS.incrementAndGet(); return x + 1; }

  @Application(description = "calls child, then waits for the test") @Function
  static int app(int x) throws InterruptedException {
    boolean first = APP_RUNS.incrementAndGet() == 1;
    int a = Weft.fn(DurabilityTest::child).call(x);
    if (first) {
      firstIncarnation.await(30, TimeUnit.SECONDS);
      throw new IllegalStateException("the first incarnation must never finish the request");
    }
    return Weft.fn(DurabilityTest::child).call(a);
  }

  @Application @Function static int quick(int x) { APP_RUNS.incrementAndGet(); return x * 10; }

  static final class NotStatic {
    @Application @Function int app(int x) { return x; }
  }

  @BeforeEach
  void reset() {
    CHILD_RUNS.set(0);
    APP_RUNS.set(0);
    firstIncarnation = new CountDownLatch(1);
  }

  @Test
  void idempotencyKey_secondSubmitIsTheSameRequest_andNothingRunsTwice() {
    try (WeftRuntime runtime = WeftRuntime.builder().build()) {
      Request<Integer> first = runtime.submit(Weft.fn(DurabilityTest::quick), 4, "order-17");
      assertThat(first.result()).isEqualTo(40);
      Request<Integer> second = runtime.submit(Weft.fn(DurabilityTest::quick), 4, "order-17");
      assertThat(second.id()).isEqualTo("order-17").isEqualTo(first.id());
      assertThat(second.result()).isEqualTo(40);
      assertThat(second.state()).isEqualTo(RequestState.SUCCEEDED);
      assertThat(APP_RUNS).hasValue(1);
    }
  }

  @Application @Function static String label(int x) { APP_RUNS.incrementAndGet(); return "#" + x; }

  /** Regression: a key reused with another input was answered with the first request. */
  @Test
  void idempotencyKey_reusedWithAnotherInput_isRefused_andTheFirstRequestStands() {
    try (WeftRuntime runtime = WeftRuntime.builder().build()) {
      Request<Integer> first = runtime.submit(Weft.fn(DurabilityTest::quick), 4, "order-18");
      assertThat(first.result()).isEqualTo(40);

      assertThatThrownBy(() -> runtime.submit(Weft.fn(DurabilityTest::quick), 5, "order-18"))
          .isInstanceOf(IdempotencyKeyReusedException.class)
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("order-18")
          .hasMessageContaining("another input")
          .hasMessageContaining("new key");
      assertThat(runtime.submit(Weft.fn(DurabilityTest::quick), 4, "order-18").result()).isEqualTo(40);
      assertThat(APP_RUNS).hasValue(1);
    }
  }

  /** Regression: a key reused for another application returned that request; result() threw ClassCastException. */
  @Test
  void idempotencyKey_reusedForAnotherApplication_isRefused_namingTheFirst() {
    try (WeftRuntime runtime = WeftRuntime.builder().build()) {
      assertThat(runtime.submit(Weft.fn(DurabilityTest::quick), 4, "order-19").result()).isEqualTo(40);

      assertThatThrownBy(() -> runtime.submit(Weft.fn(DurabilityTest::label), 4, "order-19"))
          .isInstanceOfSatisfying(IdempotencyKeyReusedException.class, e -> {
            assertThat(e.key()).isEqualTo("order-19");
            assertThat(e.firstApplication()).endsWith("quick");
          })
          .hasMessageContaining("DurabilityTest.quick");
      assertThat(APP_RUNS).hasValue(1);
    }
  }

  @Test
  void idempotencyKey_reusedWhileTheFirstRuns_withAnotherInput_isRefused() {
    try (WeftRuntime runtime = WeftRuntime.builder().build()) {
      Request<Integer> first = runtime.submit(Weft.fn(DurabilityTest::app), 1, "order-20");
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> CHILD_RUNS.get() == 1);

      assertThatThrownBy(() -> runtime.submit(Weft.fn(DurabilityTest::app), 2, "order-20"))
          .isInstanceOf(IdempotencyKeyReusedException.class);
      assertThat(runtime.submit(Weft.fn(DurabilityTest::app), 1, "order-20").id()).isEqualTo(first.id());
      assertThat(first.cancel()).isTrue();
    }
  }

  @Test
  void idempotencyKey_invalid_isAUsageError() {
    try (WeftRuntime runtime = WeftRuntime.builder().build()) {
      assertThatThrownBy(() -> runtime.submit(Weft.fn(DurabilityTest::quick), 1, "has space"))
          .isInstanceOf(UsageException.class).hasMessageContaining("idempotency key");
    }
  }

  @Test
  void resume_afterTheRuntimeDied_replaysFinishedCallsAndFinishes() {
    InMemoryJournal journal = new InMemoryJournal();
    WeftRuntime first = WeftRuntime.builder().journal(journal).build();
    Request<Integer> request = first.submit(Weft.fn(DurabilityTest::app), 1);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> CHILD_RUNS.get() == 1);
    first.close(); // the process "dies": the request is still recorded as running
    assertThat(journal.unfinished()).extracting(i -> i.id()).contains(request.id());

    try (WeftRuntime second = WeftRuntime.builder().journal(journal).build()) {
      assertThat(second.resumeUnfinished(Applications.of(DurabilityTest.class))).isGreaterThanOrEqualTo(1);
      int out = second.running(request.id()).map(r -> (Integer) r.result()).orElseThrow();
      assertThat(out).isEqualTo(3);
      assertThat(CHILD_RUNS).as("the first child came from the journal").hasValue(2);
      assertThat(APP_RUNS).hasValue(2);
    }
    assertThat(journal.info(request.id()).orElseThrow().state()).isEqualTo(RequestState.SUCCEEDED);
    firstIncarnation.countDown();
  }

  @Test
  void journal_listsRequestsNewestFirst_filteredAndPaged() {
    InMemoryJournal journal = new InMemoryJournal();
    try (WeftRuntime runtime = WeftRuntime.builder().journal(journal).build()) {
      for (int i = 0; i < 5; i++) {
        runtime.submit(Weft.fn(DurabilityTest::quick), i).result();
      }
      var page = journal.list(RequestQuery.all(2));
      assertThat(page.requests()).hasSize(2);
      assertThat(page.next()).isPresent();
      var rest = journal.list(new RequestQuery(java.util.Optional.of("DurabilityTest.quick"),
          java.util.Optional.of(RequestState.SUCCEEDED), 10, page.next()));
      assertThat(rest.requests()).hasSize(3);
      assertThat(rest.next()).isEmpty();
      assertThat(journal.output(page.requests().get(0).id(), Integer.class)).contains(40);
    }
  }

  @Test
  void applications_areFoundByName_withTheirTypes() {
    Applications apps = Applications.of(DurabilityTest.class);
    assertThat(apps.all()).extracting(Applications.Entry::name)
        .containsExactlyInAnyOrder("DurabilityTest.app", "DurabilityTest.quick", "DurabilityTest.label");
    Applications.Entry app = apps.find("DurabilityTest.app").orElseThrow();
    assertThat(app.description()).isEqualTo("calls child, then waits for the test");
    assertThat(app.inputType()).isEqualTo(int.class);
    try (WeftRuntime runtime = WeftRuntime.builder().build()) {
      assertThat(runtime.run(apps.find("DurabilityTest.quick").orElseThrow().handle(), 2)).isEqualTo(20);
    }
    assertThatThrownBy(() -> Applications.of(NotStatic.class))
        .isInstanceOf(UsageException.class).hasMessageContaining("not static");
  }
}
