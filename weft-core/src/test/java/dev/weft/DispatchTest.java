package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which thread runs which kind of function, and the detector of async functions that block their loop. */
final class DispatchTest {
  static final AtomicReference<Thread> RAN_ON = new AtomicReference<>();
  static final AtomicInteger ATTEMPTS = new AtomicInteger();

  private final List<BlockedEventLoopException> reports = new CopyOnWriteArrayList<>();
  private WeftRuntime runtime;

  @Function static int onSync(int x) {
    RAN_ON.set(Thread.currentThread());
    return x + 1;
  }

  @Function static CompletionStage<Integer> onAsync(int x) {
    RAN_ON.set(Thread.currentThread());
    return CompletableFuture.completedFuture(x + 1);
  }

  @Function static Future<Integer> tailCall(int x) {
    RAN_ON.set(Thread.currentThread());
    return Weft.fn(DispatchTest::plus100).future(x);
  }

  @Function static int plus100(int x) {
    return x + 100;
  }

  @Application @Function
  static CompletionStage<Integer> sleepsOnLoop(int millis) throws InterruptedException {
    Thread.sleep(millis); // what an async function must never do
    return CompletableFuture.completedFuture(millis);
  }

  @Application @Function(retries = 2, backoff = @Backoff(initial = "10ms", max = "20ms"))
  static CompletionStage<Integer> sleepsOnLoopWithRetries(int millis) throws InterruptedException {
    ATTEMPTS.incrementAndGet();
    Thread.sleep(millis);
    return CompletableFuture.completedFuture(millis);
  }

  @Application @Function
  static CompletionStage<Integer> quickOnLoop(int x) {
    return CompletableFuture.completedFuture(x * 2);
  }

  @Function static CompletionStage<Integer> sleepsOnLoopChild(int millis) throws InterruptedException {
    Thread.sleep(millis);
    return CompletableFuture.completedFuture(millis);
  }

  /** A sync application: its async child must run on the loops of the request's runtime. */
  @Application @Function
  static int callsSleepingAsyncChild(int millis) {
    return Weft.asyncFn(DispatchTest::sleepsOnLoopChild).call(millis);
  }

  @BeforeEach
  void reset() {
    RAN_ON.set(null);
    ATTEMPTS.set(0);
    reports.clear();
  }

  @AfterEach
  void closeRuntime() {
    if (runtime != null) {
      runtime.close();
      runtime = null;
    }
  }

  private WeftRuntime watchedRuntime(boolean failOnBlockedLoop) {
    runtime = WeftRuntime.builder()
        .eventLoops(1)
        .blockedLoopThreshold(Duration.ofMillis(50))
        .failOnBlockedLoop(failOnBlockedLoop)
        .onBlockedLoop(reports::add)
        .build();
    return runtime;
  }

  @Test
  void syncFunction_runsOnAVirtualThread() {
    assertThat(Weft.fn(DispatchTest::onSync).call(1)).isEqualTo(2);

    assertThat(RAN_ON.get().isVirtual()).isTrue();
  }

  @Test
  void asyncFunction_isInvokedOnAnEventLoopThread() {
    assertThat(Weft.asyncFn(DispatchTest::onAsync).call(1)).isEqualTo(2);

    Thread t = RAN_ON.get();
    assertThat(t.isVirtual()).isFalse();
    assertThat(t.getName()).matches("weft-loop-\\d+");
  }

  @Test
  void futureReturningFunction_takenAsAsync_runsOnAVirtualThread() {
    assertThat(Weft.asyncFn(DispatchTest::tailCall).call(1)).isEqualTo(101);

    assertThat(RAN_ON.get().isVirtual()).isTrue();
    assertThat(RAN_ON.get().getName()).doesNotStartWith("weft-loop-");
  }

  @Test
  void blockedLoop_asyncFunctionSleeps_reportNamesFunctionAndHasItsStack() {
    WeftRuntime rt = watchedRuntime(false);

    assertThat(rt.run(Weft.asyncFn(DispatchTest::sleepsOnLoop), 300)).isEqualTo(300);

    await().atMost(Duration.ofSeconds(30)).until(() -> !reports.isEmpty());
    BlockedEventLoopException report = reports.get(0);
    assertThat(report.getMessage())
        .contains("DispatchTest.sleepsOnLoop")
        .contains("weft-loop-0")
        .contains("threshold 50 ms");
    assertThat(Arrays.asList(report.getStackTrace()))
        .anySatisfy(e -> {
          assertThat(e.getClassName()).isEqualTo(DispatchTest.class.getName());
          assertThat(e.getMethodName()).isEqualTo("sleepsOnLoop");
        });
    assertThat(reports).hasSize(1); // one blocked task, one report
  }

  @Test
  void blockedLoop_failOnBlockedLoop_callFailsWithBlockedEventLoopException() {
    WeftRuntime rt = watchedRuntime(true);

    long start = System.nanoTime();
    assertThatThrownBy(() -> rt.run(Weft.asyncFn(DispatchTest::sleepsOnLoop), 300))
        .isInstanceOf(BlockedEventLoopException.class)
        .hasMessageContaining("DispatchTest.sleepsOnLoop")
        .satisfies(e -> assertThat(Arrays.asList(e.getStackTrace()))
            .anySatisfy(el -> assertThat(el.getMethodName()).isEqualTo("sleepsOnLoop")));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(reports).hasSize(1);
  }

  @Test
  void blockedLoop_nonBlockingAsyncFunction_noReport() {
    WeftRuntime rt = watchedRuntime(false);

    for (int i = 0; i < 20; i++) {
      assertThat(rt.run(Weft.asyncFn(DispatchTest::quickOnLoop), i)).isEqualTo(i * 2);
    }

    // the watchdog looks every ~12 ms; give it several thresholds' worth of chances to (wrongly) report
    await().during(Duration.ofMillis(250)).atMost(Duration.ofSeconds(2)).until(reports::isEmpty);
  }

  @Test
  void blockedLoop_asyncChildOfRequest_runsOnTheRequestsRuntimeLoops() {
    WeftRuntime rt = watchedRuntime(false);

    assertThat(rt.run(Weft.fn(DispatchTest::callsSleepingAsyncChild), 200)).isEqualTo(200);

    // only this runtime has the listener: a report proves the child ran on one of its loops
    await().atMost(Duration.ofSeconds(30)).until(() -> !reports.isEmpty());
    assertThat(reports.get(0)).hasMessageContaining("DispatchTest.sleepsOnLoopChild");
  }

  @Test
  void blockedLoop_failOnBlockedLoop_notRetriedDespiteRetries() {
    WeftRuntime rt = watchedRuntime(true);

    assertThatThrownBy(() -> rt.run(Weft.asyncFn(DispatchTest::sleepsOnLoopWithRetries), 150))
        .isInstanceOf(BlockedEventLoopException.class);

    // a retry would be invoked once the loop is free again (~150 ms); none comes
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> ATTEMPTS.get() == 1);
    assertThat(reports).hasSize(1);
  }
}
