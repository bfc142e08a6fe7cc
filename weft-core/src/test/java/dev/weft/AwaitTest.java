package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Future#await}: when it returns for each {@link ReturnWhen}, timeouts, starting, bad arguments. */
final class AwaitTest {
  static final AtomicInteger CALLS = new AtomicInteger();
  static volatile CountDownLatch release;

  static final class Broken extends RuntimeException {
    Broken(String message) {
      super(message);
    }
  }

  @Function static int quick(int x) {
    CALLS.incrementAndGet();
    return x;
  }

  @Function static int sleeps(int millis) throws InterruptedException {
    CALLS.incrementAndGet();
    Thread.sleep(millis);
    return millis;
  }

  @Function static int blocked(int x) throws InterruptedException {
    CALLS.incrementAndGet();
    if (!release.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("never released");
    }
    return x;
  }

  @Function static int fails(int x) {
    CALLS.incrementAndGet();
    throw new Broken("broken " + x);
  }

  @BeforeEach
  void reset() {
    CALLS.set(0);
    release = new CountDownLatch(1);
  }

  @AfterEach
  void releaseBlocked() {
    release.countDown();
  }

  private static Future<Integer> quickFuture(int x) {
    return Weft.fn(AwaitTest::quick).future(x);
  }

  private static Future<Integer> blockedFuture(int x) {
    return Weft.fn(AwaitTest::blocked).future(x);
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  @Test
  void await_firstCompleted_returnsWhileAnotherIsStillBlocked() {
    Future<Integer> slow = blockedFuture(1);
    Future<Integer> fast = quickFuture(2);
    long start = System.nanoTime();

    Future.Waited<Future<Integer>> waited =
        Future.await(List.of(slow, fast), Duration.ofSeconds(10), ReturnWhen.FIRST_COMPLETED);

    assertThat(since(start)).isLessThan(Duration.ofSeconds(5)); // not by running out the timeout
    assertThat(release.getCount()).as("the latch is still closed").isEqualTo(1);
    assertThat(waited.done()).containsExactly(fast);
    assertThat(waited.notDone()).containsExactly(slow);
    assertThat(slow.done()).isFalse();

    release.countDown();
    assertThat(slow.result()).isEqualTo(1);
  }

  @Test
  void await_firstFailure_returnsOnTheFirstFailureWithoutThrowing() {
    Future<Integer> slow = blockedFuture(1);
    Future<Integer> ok = quickFuture(2);
    Future<Integer> bad = Weft.fn(AwaitTest::fails).future(3);
    ok.result(); // done before the wait: a success alone must not end a FIRST_FAILURE wait
    long start = System.nanoTime();

    Future.Waited<Future<Integer>> waited =
        Future.await(List.of(slow, ok, bad), Duration.ofSeconds(10), ReturnWhen.FIRST_FAILURE);

    assertThat(since(start)).isLessThan(Duration.ofSeconds(5));
    assertThat(waited.done()).containsExactly(ok, bad);
    assertThat(waited.notDone()).containsExactly(slow);
    assertThat(bad.exception()).hasValueSatisfying(e ->
        assertThat(e).isExactlyInstanceOf(Broken.class).hasMessage("broken 3"));
    assertThat(release.getCount()).isEqualTo(1);

    release.countDown();
    assertThat(slow.result()).isEqualTo(1);
  }

  @Test
  void await_firstFailure_noFailure_waitsForAll() {
    List<Future<Integer>> futures = List.of(
        Weft.fn(AwaitTest::sleeps).future(60), quickFuture(1), Weft.fn(AwaitTest::sleeps).future(30));

    Future.Waited<Future<Integer>> waited = Future.await(futures, Duration.ofSeconds(10), ReturnWhen.FIRST_FAILURE);

    assertThat(waited.done()).containsExactlyElementsOf(futures);
    assertThat(waited.notDone()).isEmpty();
  }

  @Test
  void await_allCompleted_waitsForEveryFuture() {
    List<Future<Integer>> futures = List.of(
        Weft.fn(AwaitTest::sleeps).future(150), quickFuture(1), Weft.fn(AwaitTest::sleeps).future(50));
    long start = System.nanoTime();

    Future.Waited<Future<Integer>> waited = Future.await(futures, ReturnWhen.ALL_COMPLETED);

    assertThat(since(start)).isGreaterThanOrEqualTo(Duration.ofMillis(140));
    assertThat(waited.done()).containsExactlyElementsOf(futures); // in the order given
    assertThat(waited.notDone()).isEmpty();
    assertThat(futures).allSatisfy(f -> assertThat(f.done()).isTrue());
    assertThat(futures.get(0).result()).isEqualTo(150);
  }

  @Test
  void await_allCompleted_includesFailuresWithoutThrowing() {
    Future<Integer> bad = Weft.fn(AwaitTest::fails).future(1);
    Future<Integer> ok = quickFuture(2);

    Future.Waited<Future<Integer>> waited = Future.await(List.of(bad, ok), ReturnWhen.ALL_COMPLETED);

    assertThat(waited.done()).containsExactly(bad, ok);
    assertThat(bad.exception()).containsInstanceOf(Broken.class);
  }

  @Test
  void await_timeoutPasses_returnsDoneAndNotDonePartition() {
    Future<Integer> fast = quickFuture(1);
    Future<Integer> slow = blockedFuture(2);
    fast.result(); // surely done before the wait starts
    long start = System.nanoTime();

    Future.Waited<Future<Integer>> waited =
        Future.await(List.of(slow, fast), Duration.ofMillis(100), ReturnWhen.ALL_COMPLETED);

    assertThat(since(start)).isBetween(Duration.ofMillis(90), Duration.ofSeconds(5));
    assertThat(waited.done()).containsExactly(fast);
    assertThat(waited.notDone()).containsExactly(slow);
    assertThat(slow.started()).isTrue();

    release.countDown();
    assertThat(slow.result()).isEqualTo(2);
  }

  @Test
  void await_zeroTimeout_returnsAtOnce() {
    Future<Integer> slow = blockedFuture(1);

    Future.Waited<Future<Integer>> waited = Future.await(List.of(slow), Duration.ZERO, ReturnWhen.ALL_COMPLETED);

    assertThat(waited.done()).isEmpty();
    assertThat(waited.notDone()).containsExactly(slow);
    assertThat(slow.started()).isTrue();
  }

  @Test
  void await_unstartedFutures_areStarted() {
    Future<Integer> a = quickFuture(1);
    Future<Integer> b = quickFuture(2);
    assertThat(a.started()).isFalse();
    assertThat(b.started()).isFalse();

    Future.Waited<Future<Integer>> waited = Future.await(List.of(a, b), Duration.ofSeconds(10), ReturnWhen.ALL_COMPLETED);

    assertThat(a.started()).isTrue();
    assertThat(b.started()).isTrue();
    assertThat(waited.done()).containsExactly(a, b);
    assertThat(CALLS).hasValue(2);
    assertThat(a.result() + b.result()).isEqualTo(3);
  }

  @Test
  void await_startedAndUnstartedMixed_startsOnlyTheUnstarted() {
    Future<Integer> running = quickFuture(1).run();
    Future<Integer> unstarted = quickFuture(2);

    Future.Waited<Future<Integer>> waited =
        Future.await(List.of(running, unstarted), Duration.ofSeconds(10), ReturnWhen.ALL_COMPLETED);

    assertThat(waited.done()).containsExactly(running, unstarted);
    assertThat(CALLS).hasValue(2); // each ran once
  }

  @Test
  void await_emptyCollection_throwsIllegalArgument() {
    assertThatThrownBy(() -> Future.await(List.<Future<Integer>>of(), Duration.ofSeconds(1), ReturnWhen.ALL_COMPLETED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
  }

  @Test
  void await_nullElement_throwsIllegalArgumentAndStartsNothing() {
    Future<Integer> first = quickFuture(1);
    Future<Integer> last = quickFuture(2);

    assertThatThrownBy(() -> Future.await(Arrays.asList(first, null, last), Duration.ofSeconds(1),
        ReturnWhen.FIRST_COMPLETED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("null");

    assertThat(first.started()).isFalse();
    assertThat(last.started()).isFalse();
  }

  @Test
  void await_negativeTimeout_throwsIllegalArgumentAndStartsNothing() {
    Future<Integer> a = quickFuture(1);
    Future<Integer> b = quickFuture(2);

    assertThatThrownBy(() -> Future.await(List.of(a, b), Duration.ofMillis(-1), ReturnWhen.ALL_COMPLETED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");

    assertThat(a.started()).isFalse();
    assertThat(b.started()).isFalse();
  }

  @Test
  void await_waiterInterrupted_throwsCancellationAndKeepsInterruptStatus() {
    Future<Integer> slow = blockedFuture(1);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Future.await(List.of(slow), Duration.ofSeconds(10), ReturnWhen.ALL_COMPLETED))
          .isInstanceOf(CancellationException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted(); // leave the test thread clean
    }
    assertThat(slow.started()).isTrue();
    assertThat(slow.done()).isFalse(); // the wait ended, the call goes on
  }
}
