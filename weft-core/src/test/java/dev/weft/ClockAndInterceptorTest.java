package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.spi.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A runtime's clock seam and call interceptor, as a test kit uses them (see weft-test). */
final class ClockAndInterceptorTest {
  @Function(retries = 2, backoff = @Backoff(initial = "5s", multiplier = 2.0, max = "60s", jitter = 0))
  static String flaky(String x) {
    return "ok " + x;
  }

  @Application @Function
  static String app(String x) {
    return Weft.fn(ClockAndInterceptorTest::flaky).call(x);
  }

  /** Sleeps no real time; remembers what it was asked to sleep and to schedule. */
  static final class RecordingClock implements Clock {
    final List<Duration> slept = new CopyOnWriteArrayList<>();
    final List<Duration> scheduled = new CopyOnWriteArrayList<>();
    final List<String> tracked = new CopyOnWriteArrayList<>();

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleep(long nanos) {
      slept.add(Duration.ofNanos(nanos));
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
      scheduled.add(Duration.ofNanos(delayNanos));
      return () -> {};
    }

    @Override
    public Runnable track(Runnable task) {
      tracked.add("call");
      return task;
    }
  }

  @Test
  void builder_clockAndInterceptor_carryBackoffsAndEveryAttempt() {
    RecordingClock clock = new RecordingClock();
    List<String> seen = new CopyOnWriteArrayList<>();
    try (WeftRuntime runtime = WeftRuntime.builder().clock(clock).intercept((function, attempt, async, args, body) -> {
      seen.add(function + "#" + attempt + List.of(args));
      if (function.equals("ClockAndInterceptorTest.flaky") && attempt < 3) {
        throw new IllegalStateException("injected failure " + attempt);
      }
      return body.invoke();
    }).build()) {
      assertThat(runtime.run(Weft.fn(ClockAndInterceptorTest::app), "a")).isEqualTo("ok a");
    }

    assertThat(clock.slept).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10));
    assertThat(seen).containsExactly("ClockAndInterceptorTest.app#1[a]", "ClockAndInterceptorTest.flaky#1[a]",
        "ClockAndInterceptorTest.flaky#2[a]", "ClockAndInterceptorTest.flaky#3[a]");
    assertThat(clock.scheduled).as("attempt timeouts go on the clock").contains(Duration.ofSeconds(300));
    assertThat(clock.tracked).as("each call's start is handed through track").hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void builder_byDefault_keepsTheSystemClock() {
    try (WeftRuntime runtime = WeftRuntime.builder().build()) {
      assertThat(runtime.run(Weft.fn(ClockAndInterceptorTest::app), "b")).isEqualTo("ok b");
    }
  }
}
