package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries (counts, what is never retried, inheritance, journal replay) and per-attempt timeouts. */
final class RetryAndTimeoutTest {
  static final AtomicInteger ATTEMPTS = new AtomicInteger();
  static final AtomicInteger PARENT_ATTEMPTS = new AtomicInteger();
  static final AtomicInteger CHILD_RUNS = new AtomicInteger();
  static final AtomicReference<InterruptedException> INTERRUPTED = new AtomicReference<>();
  static final AtomicReference<CompletableFuture<Integer>> STAGE = new AtomicReference<>();

  static final class Flaky extends RuntimeException {
    Flaky(String message) {
      super(message);
    }
  }

  @Function(retries = 2, backoff = @Backoff(initial = "10ms", max = "20ms"))
  static int failsTwice(int x) {
    if (ATTEMPTS.incrementAndGet() <= 2) {
      throw new Flaky("attempt " + ATTEMPTS.get());
    }
    return x * 10;
  }

  @Function(retries = 2, backoff = @Backoff(initial = "10ms", max = "20ms"))
  static int alwaysFails(int x) {
    throw new Flaky("attempt " + ATTEMPTS.incrementAndGet());
  }

  @Application @Function(retries = 2, backoff = @Backoff(initial = "10ms", max = "20ms"))
  static int failsRequest(int x) {
    ATTEMPTS.incrementAndGet();
    throw new RequestError("order " + x + " cannot be shipped");
  }

  @Function(retries = 2, backoff = @Backoff(initial = "10ms", max = "20ms"))
  static int misused(int x) {
    ATTEMPTS.incrementAndGet();
    throw new UsageException("misused " + x);
  }

  @Function(timeout = "1s")
  static int sleepsTooLong(int x) throws InterruptedException {
    try {
      Thread.sleep(10_000);
    } catch (InterruptedException e) {
      INTERRUPTED.set(e);
      throw e;
    }
    return x;
  }

  @Function(timeout = "1s")
  static CompletionStage<Integer> neverCompletes(int x) {
    CompletableFuture<Integer> stage = new CompletableFuture<>();
    STAGE.set(stage);
    return stage;
  }

  @Application @Function(timeout = "1s")
  static int reportsProgress(int steps) throws InterruptedException {
    for (int i = 1; i <= steps; i++) {
      Thread.sleep(200); // 8 steps: 1.6 s in all, longer than the timeout, never 1 s without progress
      RequestContext.current().progress().update(i, steps);
    }
    return steps;
  }

  /** Sets no retries: takes its application's. */
  @Function(backoff = @Backoff(initial = "10ms", max = "20ms"))
  static int failsTwiceInheriting(int x) {
    if (ATTEMPTS.incrementAndGet() <= 2) {
      throw new Flaky("attempt " + ATTEMPTS.get());
    }
    return x + 1;
  }

  @Application @Function(retries = 2)
  static int retryingApp(int x) {
    PARENT_ATTEMPTS.incrementAndGet();
    return Weft.fn(RetryAndTimeoutTest::failsTwiceInheriting).call(x);
  }

  @Function static int child(int x) {
    CHILD_RUNS.incrementAndGet();
    return x * 3;
  }

  @Application @Function(retries = 1, backoff = @Backoff(initial = "10ms", max = "20ms"))
  static int parentFailsOnce(int x) {
    int fromChild = Weft.fn(RetryAndTimeoutTest::child).call(x);
    if (PARENT_ATTEMPTS.incrementAndGet() == 1) {
      throw new Flaky("parent's first attempt fails after its child completed");
    }
    return fromChild + 1;
  }

  /** Sets no retries: in a request of {@link #appWithRequestErrorChild} it would have 2. */
  @Function static int childFailsRequest(int x) {
    ATTEMPTS.incrementAndGet();
    throw new RequestError("child says no to " + x);
  }

  @Application @Function(retries = 2, backoff = @Backoff(initial = "10ms", max = "20ms"))
  static int appWithRequestErrorChild(int x) {
    PARENT_ATTEMPTS.incrementAndGet();
    return Weft.fn(RetryAndTimeoutTest::childFailsRequest).call(x);
  }

  @Function(timeout = "1s", retries = 1, backoff = @Backoff(initial = "10ms", max = "20ms"))
  static int timesOutOnce(int x) throws InterruptedException {
    if (ATTEMPTS.incrementAndGet() == 1) {
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException e) {
        INTERRUPTED.set(e);
        throw e;
      }
    }
    // the second attempt must not inherit the first one's interrupt
    Thread.sleep(20);
    return x;
  }

  @Function(retries = 2, backoff = @Backoff(initial = "100ms", multiplier = 1.0, max = "100ms", jitter = 0.0))
  static int failsTwiceSlowBackoff(int x) {
    if (ATTEMPTS.incrementAndGet() <= 2) {
      throw new Flaky("attempt " + ATTEMPTS.get());
    }
    return x;
  }

  @BeforeEach
  void reset() {
    ATTEMPTS.set(0);
    PARENT_ATTEMPTS.set(0);
    CHILD_RUNS.set(0);
    INTERRUPTED.set(null);
    STAGE.set(null);
  }

  @Test
  void retries_failsTwiceThenSucceeds_threeAttempts() {
    assertThat(Weft.fn(RetryAndTimeoutTest::failsTwice).call(4)).isEqualTo(40);

    assertThat(ATTEMPTS).hasValue(3);
  }

  @Test
  void retries_failsAlways_throwsItsOwnExceptionAfterThreeAttempts() {
    assertThatThrownBy(() -> Weft.fn(RetryAndTimeoutTest::alwaysFails).call(1))
        .isExactlyInstanceOf(Flaky.class)
        .hasMessage("attempt 3");

    assertThat(ATTEMPTS).hasValue(3);
  }

  @Test
  void retries_requestError_neverRetriedAndFailsRequestWithItsMessage() {
    Request<Integer> request = Weft.submit(Weft.fn(RetryAndTimeoutTest::failsRequest), 7);

    assertThatThrownBy(request::result)
        .isExactlyInstanceOf(RequestError.class)
        .hasMessage("order 7 cannot be shipped");
    assertThat(ATTEMPTS).hasValue(1);
  }

  @Test
  void retries_usageException_neverRetried() {
    assertThatThrownBy(() -> Weft.fn(RetryAndTimeoutTest::misused).call(2))
        .isExactlyInstanceOf(UsageException.class)
        .hasMessage("misused 2");

    assertThat(ATTEMPTS).hasValue(1);
  }

  @Test
  void timeout_syncFunctionSleepsPastIt_failsAndInterruptsIt() {
    long start = System.nanoTime();

    assertThatThrownBy(() -> Weft.fn(RetryAndTimeoutTest::sleepsTooLong).call(1))
        .isInstanceOfSatisfying(FunctionTimeoutException.class, e -> {
          assertThat(e.function()).isEqualTo("RetryAndTimeoutTest.sleepsTooLong");
          assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(1));
        });

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
    assertThat(INTERRUPTED.get()).isNotNull();
  }

  @Test
  void timeout_asyncStageNeverCompletes_failsAndCancelsTheStage() {
    long start = System.nanoTime();

    assertThatThrownBy(() -> Weft.asyncFn(RetryAndTimeoutTest::neverCompletes).call(1))
        .isInstanceOf(FunctionTimeoutException.class)
        .hasMessageContaining("RetryAndTimeoutTest.neverCompletes");

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
    await().atMost(Duration.ofSeconds(2)).until(() -> STAGE.get().isCancelled());
  }

  @Test
  void timeout_progressUpdates_restartTheClock() {
    long start = System.nanoTime();

    assertThat(Weft.run(Weft.fn(RetryAndTimeoutTest::reportsProgress), 8)).isEqualTo(8);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1500));
  }

  @Test
  void retries_setOnApplication_inheritedByCalledFunctionThatSetsNone() {
    assertThat(Weft.run(Weft.fn(RetryAndTimeoutTest::retryingApp), 5)).isEqualTo(6);

    assertThat(ATTEMPTS).hasValue(3);
    assertThat(PARENT_ATTEMPTS).hasValue(1);
  }

  @Test
  void retries_functionThatSetsNone_outsideAnyRequest_notRetried() {
    assertThatThrownBy(() -> Weft.fn(RetryAndTimeoutTest::failsTwiceInheriting).call(5))
        .isExactlyInstanceOf(Flaky.class);

    assertThat(ATTEMPTS).hasValue(1);
  }

  @Test
  void retries_parentRetried_completedChildServedFromJournalNotRerun() {
    assertThat(Weft.run(Weft.fn(RetryAndTimeoutTest::parentFailsOnce), 2)).isEqualTo(7);

    assertThat(PARENT_ATTEMPTS).hasValue(2);
    assertThat(CHILD_RUNS).hasValue(1);
  }

  @Test
  void retries_requestErrorInChild_neitherChildNorApplicationRetried() {
    Request<Integer> request = Weft.submit(Weft.fn(RetryAndTimeoutTest::appWithRequestErrorChild), 3);

    assertThatThrownBy(request::result)
        .isExactlyInstanceOf(RequestError.class)
        .hasMessage("child says no to 3");
    assertThat(ATTEMPTS).hasValue(1);
    assertThat(PARENT_ATTEMPTS).hasValue(1);
  }

  @Test
  void retries_backoff_waitsBetweenAttempts() {
    long start = System.nanoTime();

    assertThat(Weft.fn(RetryAndTimeoutTest::failsTwiceSlowBackoff).call(1)).isEqualTo(1);

    assertThat(ATTEMPTS).hasValue(3);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(190), Duration.ofSeconds(3));
  }

  @Test
  void timeout_firstAttemptTimesOut_retryGetsAFreshClockAndSucceeds() {
    long start = System.nanoTime();

    assertThat(Weft.fn(RetryAndTimeoutTest::timesOutOnce).call(5)).isEqualTo(5);

    assertThat(ATTEMPTS).hasValue(2);
    assertThat(INTERRUPTED.get()).isNotNull();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
  }
}
