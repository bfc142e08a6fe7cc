package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class TailCallTest {
  static volatile CountDownLatch callerReturned;
  static volatile boolean sawCallerReturned;

  @Function static int twice(int x) throws InterruptedException {
    // the tail call runs only after its caller's attempt has ended
    sawCallerReturned = callerReturned.await(10, TimeUnit.SECONDS);
    return x * 2;
  }

  @Function static int plain(int x) { return x * 2; }
  @Function static int add(int a, int b) { return a + b; }

  @Application @Function
  static Future<Integer> app(int x) {
    Future<Integer> next = Weft.fn(TailCallTest::twice).future(x);
    Thread.ofVirtual().start(() -> {
      // count down once app's own thread has finished: it is the thread that returned
      callerReturned.countDown();
    });
    return next;
  }

  @Function static Future<Integer> startedTail(int x) {
    return Weft.fn(TailCallTest::plain).future(x).run();
  }

  @Function static CompletionStage<Integer> asyncTail(int x) {
    return Weft.fn(TailCallTest::plain).future(x);
  }

  @Function static CompletionStage<Integer> asyncAwaitsStarted(int x) {
    return Weft.fn(TailCallTest::plain).future(x).run();
  }

  @Application @Function
  static Future<Integer> sumOfDoubles(List<Integer> numbers) {
    return Weft.fn(TailCallTest::add).reduce(Weft.fn(TailCallTest::plain).map(numbers), 0);
  }

  @BeforeEach
  void reset() {
    callerReturned = new CountDownLatch(1);
    sawCallerReturned = false;
  }

  @Test
  void tailCall_resultBecomesTheCallersResult() {
    assertThat(Weft.run(Weft.asyncFn(TailCallTest::app), 7)).isEqualTo(14);
    assertThat(sawCallerReturned).isTrue();
  }

  @Test
  void tailCall_ofAStartedFuture_isAUsageError() {
    assertThatThrownBy(() -> Weft.asyncFn(TailCallTest::startedTail).call(1))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("already started")
        .hasMessageContaining("unstarted");
  }

  @Test
  void asyncFunction_returningAnUnstartedFuture_isATailCall() {
    assertThat(Weft.asyncFn(TailCallTest::asyncTail).call(4)).isEqualTo(8);
  }

  @Test
  void asyncFunction_returningAStartedFuture_awaitsIt() {
    assertThat(Weft.asyncFn(TailCallTest::asyncAwaitsStarted).call(4)).isEqualTo(8);
  }

  @Test
  void tailCall_ofAReduceOverAMap() {
    assertThat(Weft.run(Weft.asyncFn(TailCallTest::sumOfDoubles), List.of(1, 2, 3, 4))).isEqualTo(20);
  }

  @Test
  void asyncFunction_completedStage_isItsResult() {
    assertThat(Weft.asyncFn(TailCallTest::done).call(3)).isEqualTo(3);
  }

  @Function static CompletableFuture<Integer> done(int x) { return CompletableFuture.completedFuture(x); }
}
