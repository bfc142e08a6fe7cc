package dev.weft.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.Application;
import dev.weft.Async;
import dev.weft.AsyncScope;
import dev.weft.Backoff;
import dev.weft.DeadlineExceededException;
import dev.weft.DelayedResult;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.Request;
import dev.weft.ReturnWhen;
import dev.weft.WaitTimeoutException;
import dev.weft.Weft;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Delays, scope deadlines and timed waits follow the test runtime's virtual clock: each test waits
 * hours of virtual time, so it could only pass in seconds of wall time if time skipped.
 */
@WeftTest
final class VirtualTimeWaitsTest {
  private static final Duration HOUR = Duration.ofHours(1);
  /** Far below any of the virtual waits here; generous against a loaded machine. */
  private static final Duration WALL_LIMIT = Duration.ofSeconds(20);

  @Function(timeout = "3h")
  static CompletionStage<String> afterAnHour(String what) {
    return Async.delay(HOUR).thenApply(x -> what + " after an hour");
  }

  @Application
  @Function(timeout = "4h")
  static String delayedApp(String what) {
    return Weft.asyncFn(VirtualTimeWaitsTest::afterAnHour).call(what);
  }

  @Test
  void delay_ofAnHour_inAFunction_skipsAhead(TestWeft weft) {
    long start = System.nanoTime();

    assertThat(weft.run(Weft.fn(VirtualTimeWaitsTest::delayedApp), "tea")).isEqualTo("tea after an hour");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WALL_LIMIT);
    assertThat(weft.clock().skipped()).isGreaterThan(HOUR.minus(WALL_LIMIT)); // real time ran too, the rest was skipped
  }

  @Application
  @Function(timeout = "4h")
  static String scopeWithDeadline(String what) {
    try (AsyncScope scope = AsyncScope.builder().deadline(Duration.ofMinutes(10)).open()) {
      scope.fork(Weft.asyncFn(VirtualTimeWaitsTest::afterAnHour).future(what));
    }
    return "closed without the deadline";
  }

  @Test
  void scopeDeadline_passesOnVirtualTime_cancellingAForkThatWaitsAnHour(TestWeft weft) {
    long start = System.nanoTime();

    RuntimeException e = assertThrows(RuntimeException.class,
        () -> weft.run(Weft.fn(VirtualTimeWaitsTest::scopeWithDeadline), "tea"));

    assertThat(causes(e)).anyMatch(DeadlineExceededException.class::isInstance);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WALL_LIMIT);
    assertThat(weft.clock().skipped()).isBetween(Duration.ofMinutes(10).minus(WALL_LIMIT), HOUR);
  }

  @Application
  @Function(timeout = "4h")
  static String waitsFiveMinutesForAnHour(String what) {
    try {
      return Weft.asyncFn(VirtualTimeWaitsTest::afterAnHour).future(what).result(Duration.ofMinutes(5));
    } catch (WaitTimeoutException e) {
      return "gave up after " + e.getMessage();
    }
  }

  @Test
  void futureResultWithTimeout_timesOutOnVirtualTime(TestWeft weft) {
    long start = System.nanoTime();

    String out = weft.run(Weft.fn(VirtualTimeWaitsTest::waitsFiveMinutesForAnHour), "tea");

    assertThat(out).startsWith("gave up after");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WALL_LIMIT);
    assertThat(weft.clock().skipped()).isGreaterThan(Duration.ofMinutes(5).minus(WALL_LIMIT));
  }

  static int flakyCalls;

  @Function(retries = 2, backoff = @Backoff(initial = "10m", multiplier = 1.0, max = "10m", jitter = 0))
  static String flaky(String what) {
    if (++flakyCalls < 3) {
      throw new IllegalStateException("not yet");
    }
    return what + " on the third attempt";
  }

  @Application
  @Function(timeout = "4h")
  static String waitsAnHourForTwoBackoffs(String what) {
    return Weft.fn(VirtualTimeWaitsTest::flaky).future(what).result(HOUR);
  }

  @Test
  void futureResultWithTimeout_longerThanTheBackoffs_getsTheResult(TestWeft weft) {
    flakyCalls = 0;

    assertThat(weft.run(Weft.fn(VirtualTimeWaitsTest::waitsAnHourForTwoBackoffs), "tea")).isEqualTo("tea on the third attempt");

    assertThat(weft.clock().skipped()).isBetween(Duration.ofMinutes(20).minus(WALL_LIMIT), HOUR);
  }

  @Test
  void requestResultWithTimeout_fromTheTest_timesOutOnVirtualTime(TestWeft weft) {
    long start = System.nanoTime();
    Request<String> request = weft.runtime().submit(Weft.fn(VirtualTimeWaitsTest::delayedApp), "tea");

    assertThrows(WaitTimeoutException.class, () -> request.result(Duration.ofMinutes(30)));
    assertThat(request.result(HOUR)).isEqualTo("tea after an hour");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WALL_LIMIT);
  }

  @Application
  @Function(timeout = "4h")
  static String awaitsTwoForTenMinutes(String what) {
    Future<String> slow = Weft.asyncFn(VirtualTimeWaitsTest::afterAnHour).future(what);
    Future<String> slower = Weft.asyncFn(VirtualTimeWaitsTest::afterAnHour).future(what + " and cake");
    slow.run();
    slower.run();
    Future.Waited<Future<String>> waited = Future.await(List.of(slow, slower), Duration.ofMinutes(10), ReturnWhen.ALL_COMPLETED);
    String out = "after ten minutes " + waited.done().size() + " done";
    Future.Waited<Future<String>> later = Future.await(List.of(slow, slower), Duration.ofHours(2), ReturnWhen.ALL_COMPLETED);
    return out + ", after two hours " + later.done().size() + " done";
  }

  @Test
  void futureAwaitWithTimeout_followsVirtualTime(TestWeft weft) {
    assertThat(weft.run(Weft.fn(VirtualTimeWaitsTest::awaitsTwoForTenMinutes), "tea"))
        .isEqualTo("after ten minutes 0 done, after two hours 2 done");
  }

  @Application
  @Function(timeout = "4h")
  static String blocksOnAForkForFiveMinutes(String what) {
    try (AsyncScope scope = AsyncScope.open()) {
      DelayedResult<String> fork = scope.fork(Weft.asyncFn(VirtualTimeWaitsTest::afterAnHour).future(what));
      try {
        return fork.block(Duration.ofMinutes(5));
      } catch (WaitTimeoutException e) {
        return "fork not done after five minutes; then " + fork.block(HOUR);
      }
    }
  }

  @Test
  void forkBlockWithTimeout_followsVirtualTime(TestWeft weft) {
    assertThat(weft.run(Weft.fn(VirtualTimeWaitsTest::blocksOnAForkForFiveMinutes), "tea"))
        .isEqualTo("fork not done after five minutes; then tea after an hour");
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> all = new java.util.ArrayList<>();
    for (Throwable c = t; c != null && !all.contains(c); c = c.getCause()) {
      all.add(c);
      all.addAll(List.of(c.getSuppressed()));
    }
    return all;
  }
}
