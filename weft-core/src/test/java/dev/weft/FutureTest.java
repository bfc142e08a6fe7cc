package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class FutureTest {
  static final AtomicInteger CALLS = new AtomicInteger();
  static volatile CountDownLatch started;
  static volatile CountDownLatch release;
  static volatile CountDownLatch interrupted;

  static final class Oops extends RuntimeException {
    Oops(String m) { super(m); }
  }

  @Function static int counted(int x) { CALLS.incrementAndGet(); return x + 1; }
  @Function static int fails(int x) { throw new Oops("bad " + x); }
  @Function static int failsChecked(int x) throws IOException { throw new IOException("disk " + x); }

  @Function static int blocks(int x) {
    started.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      interrupted.countDown();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
    return x;
  }

  @BeforeEach
  void reset() {
    CALLS.set(0);
    started = new CountDownLatch(1);
    release = new CountDownLatch(1);
    interrupted = new CountDownLatch(1);
  }

  @Test
  void future_isLazy_untilRun() {
    Future<Integer> f = Weft.fn(FutureTest::counted).future(1);
    assertThat(f.started()).isFalse();
    assertThat(f.done()).isFalse();
    assertThat(CALLS).hasValue(0);
    assertThat((Object) f.run()).isSameAs(f);
    assertThat(f.result()).isEqualTo(2);
    assertThat(CALLS).hasValue(1);
  }

  @Test
  void run_twice_isAUsageError() {
    Future<Integer> f = Weft.fn(FutureTest::counted).future(1).run();
    assertThatThrownBy(f::run).isInstanceOf(UsageException.class).hasMessageContaining("already started");
    assertThat(f.result()).isEqualTo(2);
    assertThat(f.result()).isEqualTo(2); // observing again is fine
    assertThat(CALLS).hasValue(1);
  }

  @Test
  void result_startsAnUnstartedFuture() {
    assertThat(Weft.fn(FutureTest::counted).future(41).result()).isEqualTo(42);
  }

  @Test
  void result_withTimeout_throwsWaitTimeoutAndLeavesTheCallRunning() {
    Future<Integer> f = Weft.fn(FutureTest::blocks).future(7);
    assertThatThrownBy(() -> f.result(Duration.ofMillis(50))).isInstanceOf(WaitTimeoutException.class);
    assertThat(f.done()).isFalse();
    release.countDown();
    assertThat(f.result(Duration.ofSeconds(10))).isEqualTo(7);
  }

  @Test
  void exception_isEmptyUntilFailed_thenTheFunctionsOwn() {
    Future<Integer> ok = Weft.fn(FutureTest::counted).future(1);
    assertThat(ok.exception()).isEmpty();
    ok.result();
    assertThat(ok.exception()).isEmpty();
    Future<Integer> bad = Weft.fn(FutureTest::fails).future(3);
    assertThatThrownBy(bad::result).isInstanceOf(Oops.class).hasMessage("bad 3");
    assertThat(bad.exception()).containsInstanceOf(Oops.class);
  }

  @Test
  void result_rethrowsTheFunctionsExceptionWithItsTypeAndStack() {
    assertThatThrownBy(() -> Weft.fn(FutureTest::fails).call(5))
        .isInstanceOf(Oops.class)
        .hasMessage("bad 5")
        .satisfies(e -> assertThat(e.getStackTrace())
            .anySatisfy(frame -> assertThat(frame.getMethodName()).isEqualTo("fails")));
  }

  @Test
  void result_wrapsACheckedExceptionInFunctionException() {
    assertThatThrownBy(() -> Weft.fn(FutureTest::failsChecked).call(5))
        .isInstanceOf(FunctionException.class)
        .hasCauseInstanceOf(IOException.class)
        .satisfies(e -> assertThat(((FunctionException) e).function()).isEqualTo("FutureTest.failsChecked"));
  }

  @Test
  void cancel_unstarted_neverRuns() {
    Future<Integer> f = Weft.fn(FutureTest::counted).future(1);
    assertThat(f.cancel()).isTrue();
    assertThat(f.done()).isTrue();
    assertThatThrownBy(f::result).isInstanceOf(CancellationException.class);
    assertThat(f.exception()).containsInstanceOf(CancellationException.class);
    assertThat(CALLS).hasValue(0);
    assertThatThrownBy(f::run).isInstanceOf(UsageException.class);
  }

  @Test
  void cancel_running_interruptsTheCall() throws InterruptedException {
    Future<Integer> f = Weft.fn(FutureTest::blocks).future(1).run();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(f.cancel()).isTrue();
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(f::result).isInstanceOf(CancellationException.class);
    assertThat(f.cancel()).isFalse();
  }

  @Test
  void completionStage_observationStartsIt() {
    Future<Integer> f = Weft.fn(FutureTest::counted).future(1);
    CompletableFuture<Integer> plusTen = f.thenApply(v -> v + 10).toCompletableFuture();
    assertThat(f.started()).isTrue();
    assertThat(plusTen.join()).isEqualTo(12);
  }

  @Test
  void completionStage_failureIsWrappedAsTheJdkDoes() {
    CompletableFuture<Integer> cf = Weft.fn(FutureTest::fails).future(1).toCompletableFuture();
    assertThatThrownBy(cf::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(Oops.class);
  }

  @Test
  void toCompletableFuture_cancelCancelsTheCall() throws InterruptedException {
    Future<Integer> f = Weft.fn(FutureTest::blocks).future(1);
    CompletableFuture<Integer> view = f.toCompletableFuture();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    view.cancel(true);
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(f.exception()).containsInstanceOf(CancellationException.class);
  }

  @Test
  void toCompletableFuture_completingTheViewDoesNotTouchTheCall() {
    Future<Integer> f = Weft.fn(FutureTest::counted).future(1);
    CompletableFuture<Integer> view = f.toCompletableFuture();
    view.complete(99);
    assertThat(f.result()).isEqualTo(2);
  }
}
