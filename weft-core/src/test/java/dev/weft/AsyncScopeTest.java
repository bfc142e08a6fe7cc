package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

final class AsyncScopeTest {
  static final class Boom extends RuntimeException {
    Boom(String m) { super(m); }
  }

  @Function static int twice(int x) { return x * 2; }
  @Function static int add(int a, int b) { return a + b; }

  /** Blocks until interrupted, recording that it was. */
  private static Integer blockUntilInterrupted(CountDownLatch started, AtomicBoolean interrupted) {
    started.countDown();
    try {
      new CountDownLatch(1).await(30, TimeUnit.SECONDS);
      return 0;
    } catch (InterruptedException e) {
      interrupted.set(true);
      throw new CancellationException("interrupted");
    }
  }

  @Test
  void open_defaultsAreWaitAndCancel() {
    try (AsyncScope scope = AsyncScope.open()) {
      assertThat(scope.exitMode()).isEqualTo(ExitMode.WAIT);
      assertThat(scope.errorMode()).isEqualTo(ErrorMode.CANCEL);
    }
  }

  @Test
  void waitMode_closeWaitsForEveryFork() {
    CountDownLatch release = new CountDownLatch(1);
    DelayedResult<Integer> slow;
    DelayedResult<Integer> fast;
    try (AsyncScope scope = AsyncScope.open()) {
      slow = scope.fork(() -> {
        release.await();
        return 1;
      });
      fast = scope.fork(() -> {
        release.countDown();
        return 2;
      });
    }
    assertThat(slow.state()).isEqualTo(DelayedResult.State.SUCCEEDED);
    assertThat(slow.value() + fast.value()).isEqualTo(3);
  }

  @Test
  void value_beforeItArrives_saysNotYetAvailable_thenBlockWaits() {
    CountDownLatch release = new CountDownLatch(1);
    try (AsyncScope scope = AsyncScope.open()) {
      DelayedResult<Integer> r = scope.fork(() -> {
        release.await();
        return 7;
      });
      assertThatThrownBy(r::value).isInstanceOf(IllegalStateException.class).hasMessageContaining("not yet available");
      assertThat(r.state()).isEqualTo(DelayedResult.State.PENDING);
      release.countDown();
      assertThat(r.block()).isEqualTo(7);
      assertThat(r.value()).isEqualTo(7);
    }
  }

  @Test
  void weftCalls_forkThroughTheScopeOrTheHandle_andPassAsInputs() {
    var twice = Weft.fn(AsyncScopeTest::twice);
    try (AsyncScope scope = AsyncScope.open()) {
      DelayedResult<Integer> a = scope.fork(twice.future(3));
      DelayedResult<Integer> b = twice.in(scope, 4);
      DelayedResult<Integer> sum = Weft.fn(AsyncScopeTest::add).in(scope, a, b);
      assertThat(sum.block()).isEqualTo(14);
      assertThat(a.awaited()).isTrue();
    }
  }

  @Test
  void failure_deliveredAtBlock_isNotReportedAgainAtClose() {
    try (AsyncScope scope = AsyncScope.open()) {
      DelayedResult<Integer> r = scope.fork(() -> {
        throw new Boom("once");
      });
      assertThatThrownBy(r::block).isInstanceOf(Boom.class).hasMessage("once");
    }
  }

  @Test
  void value_ofAFailedResult_isACompletionExceptionWithTheCause() {
    AtomicReference<DelayedResult<Integer>> ref = new AtomicReference<>();
    assertThatThrownBy(() -> {
      try (AsyncScope scope = AsyncScope.open(ExitMode.WAIT, ErrorMode.CONTINUE)) {
        ref.set(scope.fork(() -> {
          throw new Boom("late");
        }));
      }
    }).isInstanceOf(Boom.class);
    assertThatThrownBy(() -> ref.get().value())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(Boom.class)
        .hasMessageContaining("failed");
    assertThat(ref.get().state()).isEqualTo(DelayedResult.State.FAILED);
  }

  @Test
  void unawaitedFailures_areThrownAtClose_firstPrimaryRestSuppressed() {
    CountDownLatch firstFailed = new CountDownLatch(1);
    Throwable thrown = catchThrowable(() -> {
      try (AsyncScope scope = AsyncScope.open(ExitMode.WAIT, ErrorMode.CONTINUE)) {
        scope.fork(() -> {
          firstFailed.countDown();
          throw new Boom("first");
        });
        scope.fork(() -> {
          firstFailed.await();
          throw new Boom("second");
        });
      }
    });
    assertThat(thrown).isInstanceOf(Boom.class).hasMessage("first");
    assertThat(thrown.getSuppressed()).singleElement().satisfies(s -> assertThat(s).hasMessage("second"));
  }

  @Test
  void errorModeCancel_cancelsSiblingsOnAFailure() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicReference<DelayedResult<Integer>> sibling = new AtomicReference<>();
    assertThatThrownBy(() -> {
      try (AsyncScope scope = AsyncScope.open()) {
        sibling.set(scope.fork(() -> blockUntilInterrupted(started, interrupted)));
        started.await();
        scope.fork(() -> {
          throw new Boom("fails");
        });
      }
    }).isInstanceOf(Boom.class).hasMessage("fails");
    assertThat(interrupted).isTrue();
    assertThat(sibling.get().state()).isEqualTo(DelayedResult.State.CANCELLED);
  }

  @Test
  void errorModeContinue_letsSiblingsFinish() {
    AtomicReference<DelayedResult<Integer>> sibling = new AtomicReference<>();
    CountDownLatch failed = new CountDownLatch(1);
    assertThatThrownBy(() -> {
      try (AsyncScope scope = AsyncScope.open(ExitMode.WAIT, ErrorMode.CONTINUE)) {
        scope.fork(() -> {
          failed.countDown();
          throw new Boom("fails");
        });
        sibling.set(scope.fork(() -> {
          failed.await();
          return 5;
        }));
      }
    }).isInstanceOf(Boom.class);
    assertThat(sibling.get().value()).isEqualTo(5);
  }

  @Test
  void exitModeCancel_cancelsUnfinishedForksAtClose() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    DelayedResult<Integer> endless;
    try (AsyncScope scope = AsyncScope.open(ExitMode.CANCEL, ErrorMode.CANCEL)) {
      endless = scope.fork(() -> blockUntilInterrupted(started, interrupted));
      started.await();
    }
    assertThat(interrupted).isTrue();
    assertThat(endless.state()).isEqualTo(DelayedResult.State.CANCELLED);
    assertThatThrownBy(endless::value).isInstanceOf(CancellationException.class);
  }

  /** Regression: close() returned as soon as cancelled forks' results were set, while their threads still ran. */
  @Test
  void closeAfterCancel_waitsUntilCancelledForksHaveReallyEnded() throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      CountDownLatch running = new CountDownLatch(2);
      CountDownLatch ended = new CountDownLatch(2);
      try (AsyncScope scope = AsyncScope.open(ExitMode.CANCEL, ErrorMode.CANCEL)) {
        scope.fork(() -> {
          running.countDown();
          try {
            new CountDownLatch(1).await();
          } finally {
            Thread.sleep(5); // cleanup that outlasts the interrupt
            ended.countDown();
          }
          return null;
        });
        Weft.fn(AsyncScopeTest::sleepsThenEnds).in(scope, running, ended);
        running.await();
      }
      assertThat(ended.getCount()).as("forks still running after close, round " + i).isZero();
    }
  }

  @Function static int sleepsThenEnds(CountDownLatch running, CountDownLatch ended) throws InterruptedException {
    running.countDown();
    try {
      new CountDownLatch(1).await();
      return 0;
    } finally {
      Thread.sleep(5);
      ended.countDown();
    }
  }

  @Test
  void exitModeRaise_failsNamingWhereTheUnawaitedResultWasForked() {
    Throwable thrown = catchThrowable(() -> {
      try (AsyncScope scope = AsyncScope.open(ExitMode.RAISE, ErrorMode.CANCEL)) {
        DelayedResult<Integer> awaited = scope.fork(() -> 1);
        awaited.block();
        scope.fork(() -> 2);
      }
    });
    assertThat(thrown).isInstanceOf(UnawaitedResultException.class).hasMessageContaining("never awaited");
    assertThat(((UnawaitedResultException) thrown).forks()).hasSize(1);
    assertThat(thrown.getSuppressed()).singleElement().satisfies(site -> assertThat(site.getStackTrace())
        .anySatisfy(f -> assertThat(f.getMethodName()).contains("exitModeRaise")));
  }

  @Test
  void bodyThrows_exitModeStillApplies_andForkFailuresRideAlong() {
    CountDownLatch started = new CountDownLatch(1);
    Throwable thrown = catchThrowable(() -> {
      try (AsyncScope scope = AsyncScope.open(ExitMode.WAIT, ErrorMode.CONTINUE)) {
        scope.fork(() -> {
          started.countDown();
          throw new Boom("fork");
        });
        started.await();
        throw new IllegalStateException("body");
      }
    });
    assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("body");
    assertThat(thrown.getSuppressed()).singleElement().satisfies(s -> assertThat(s).hasMessage("fork"));
  }

  @Test
  void interruptingTheClosingThread_cancelsForks_andThrowsCancellation() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean forkInterrupted = new AtomicBoolean();
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    AtomicBoolean flagKept = new AtomicBoolean();
    Thread owner = Thread.ofVirtual().start(() -> {
      try (AsyncScope scope = AsyncScope.open()) {
        scope.fork(() -> blockUntilInterrupted(started, forkInterrupted));
      } catch (Throwable t) {
        outcome.set(t);
        flagKept.set(Thread.currentThread().isInterrupted());
        return;
      }
      outcome.set(new AssertionError("close returned normally"));
    });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    owner.interrupt();
    owner.join(Duration.ofSeconds(10));
    assertThat(outcome.get()).isInstanceOf(CancellationException.class);
    assertThat(flagKept).isTrue();
    assertThat(forkInterrupted).isTrue();
  }

  static volatile CountDownLatch loopForkStarted;
  static final AtomicBoolean LOOP_FORK_INTERRUPTED = new AtomicBoolean();
  static final AtomicReference<Throwable> LOOP_CLOSE_OUTCOME = new AtomicReference<>();

  /** Sits in close() on its event loop while a plain fork blocks for 30 s. */
  @Function(retries = 0, timeout = "1h")
  static CompletionStage<Integer> closesScopeOnItsLoop(int x) {
    try (AsyncScope scope = AsyncScope.open()) {
      scope.fork(() -> blockUntilInterrupted(loopForkStarted, LOOP_FORK_INTERRUPTED));
    } catch (Throwable t) {
      LOOP_CLOSE_OUTCOME.set(t);
      throw t;
    }
    LOOP_CLOSE_OUTCOME.set(new AssertionError("close returned normally"));
    return CompletableFuture.completedFuture(x);
  }

  /** Like {@link #closesScopeOnItsLoop} but times out after 1 s. */
  @Function(retries = 0, timeout = "1s")
  static CompletionStage<Integer> closesScopeOnItsLoopAndTimesOut(int x) {
    return closesScopeOnItsLoop(x);
  }

  private static void resetLoopScope() {
    loopForkStarted = new CountDownLatch(1);
    LOOP_FORK_INTERRUPTED.set(false);
    LOOP_CLOSE_OUTCOME.set(null);
  }

  /** Regression: an async function in close() ignored its own cancel; the fork ran on and close returned. */
  @Test
  void asyncFunctionCancelledWhileInClose_cancelsTheForks_andCloseThrows() throws InterruptedException {
    resetLoopScope();
    Future<Integer> call = Weft.asyncFn(AsyncScopeTest::closesScopeOnItsLoop).future(1).run();
    assertThat(loopForkStarted.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(call.cancel()).isTrue();

    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> LOOP_CLOSE_OUTCOME.get() != null);
    assertThat(LOOP_CLOSE_OUTCOME.get()).isInstanceOf(CancellationException.class)
        .hasMessageContaining("cancelled");
    assertThat(LOOP_FORK_INTERRUPTED).isTrue();
  }

  @Test
  void asyncFunctionTimingOutWhileInClose_cancelsTheForks_andCloseThrows() throws InterruptedException {
    resetLoopScope();
    Future<Integer> call = Weft.asyncFn(AsyncScopeTest::closesScopeOnItsLoopAndTimesOut).future(1).run();
    assertThat(loopForkStarted.await(10, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(call::result).isInstanceOf(FunctionTimeoutException.class);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> LOOP_CLOSE_OUTCOME.get() != null);
    assertThat(LOOP_CLOSE_OUTCOME.get()).isInstanceOf(CancellationException.class);
    assertThat(LOOP_FORK_INTERRUPTED).isTrue();
  }

  @Test
  void fork_afterClose_isRejected() {
    AsyncScope scope = AsyncScope.open();
    scope.close();
    assertThatThrownBy(() -> scope.fork(() -> 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    scope.close(); // idempotent
  }

  @Test
  void deadline_cancelsForksAndFailsTheClose() {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    assertThatThrownBy(() -> {
      try (AsyncScope scope = AsyncScope.builder().deadline(Duration.ofMillis(100)).open()) {
        scope.fork(() -> blockUntilInterrupted(started, interrupted));
      }
    }).isInstanceOf(DeadlineExceededException.class);
    assertThat(interrupted).isTrue();
  }

  @Test
  void maxConcurrency_limitsForksRunningAtOnce() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    try (AsyncScope scope = AsyncScope.builder().maxConcurrency(3).open()) {
      for (int i = 0; i < 30; i++) {
        scope.fork(() -> {
          int now = running.incrementAndGet();
          peak.accumulateAndGet(now, Math::max);
          Thread.sleep(5);
          running.decrementAndGet();
          return null;
        });
      }
    }
    assertThat(peak.get()).isBetween(1, 3);
  }

  @Test
  void builder_rejectsBadOptions() {
    assertThatThrownBy(() -> AsyncScope.builder().maxConcurrency(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AsyncScope.builder().deadline(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AsyncScope.builder().exitMode(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void nestedScopes_innerClosesBeforeWorkAfterIt() {
    StringBuffer order = new StringBuffer();
    CountDownLatch innerDone = new CountDownLatch(1);
    try (AsyncScope outer = AsyncScope.open()) {
      outer.fork(() -> {
        innerDone.await();
        order.append("outer-waiter;");
        return null;
      });
      try (AsyncScope inner = AsyncScope.open()) {
        inner.fork(() -> order.append("inner;"));
      }
      order.append("after-inner;");
      innerDone.countDown();
    }
    assertThat(order.toString()).isEqualTo("inner;after-inner;outer-waiter;");
  }

  @Function static CompletionStage<Integer> asyncSum(int n) {
    return AsyncScope.async(scope -> {
      DelayedResult<Integer> a = scope.forkAsync(() -> CompletableFuture.completedFuture(n));
      DelayedResult<Integer> b = Weft.fn(AsyncScopeTest::twice).in(scope, n);
      return a.thenCombine(b, Integer::sum);
    });
  }

  @Test
  void async_nonBlockingForm_returnsTheBodysValueAfterClosing() {
    assertThat(Weft.asyncFn(AsyncScopeTest::asyncSum).call(5)).isEqualTo(15);
  }

  @Test
  void async_unawaitedFailure_failsTheStage() {
    CompletionStage<Integer> stage = AsyncScope.async(scope -> {
      scope.fork(() -> {
        throw new Boom("unseen");
      });
      return CompletableFuture.completedFuture(1);
    });
    assertThatThrownBy(() -> stage.toCompletableFuture().join()).hasCauseInstanceOf(Boom.class);
  }

  @Test
  void async_cancellingTheStage_cancelsTheForks() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    CompletionStage<Integer> stage = AsyncScope.async(scope -> {
      DelayedResult<Integer> r = scope.fork(() -> blockUntilInterrupted(started, interrupted));
      return r;
    });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    stage.toCompletableFuture().cancel(true);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilTrue(interrupted);
  }

  @Test
  void closeAsync_completesWhenForksFinish() {
    AsyncScope scope = AsyncScope.open();
    DelayedResult<Integer> r = scope.fork(() -> 3);
    scope.closeAsync().toCompletableFuture().join();
    assertThat(r.value()).isEqualTo(3);
  }

  private static Throwable catchThrowable(ThrowingRunnable r) {
    try {
      r.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
