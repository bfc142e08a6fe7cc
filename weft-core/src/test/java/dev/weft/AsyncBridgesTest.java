package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.lang.reflect.Proxy;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

final class AsyncBridgesTest {
  @Function static CompletionStage<Integer> asyncTwice(int x) {
    return CompletableFuture.supplyAsync(() -> x * 2);
  }

  @Function static int syncTwice(int x) { return x * 2; }

  /** An async function that waits, on its own loop, for another async function. */
  @Application @Function
  static CompletionStage<Integer> syncOnTheLoop(int x) {
    int v = Async.sync(() -> Weft.asyncFn(AsyncBridgesTest::asyncTwice).future(x));
    return CompletableFuture.completedFuture(v);
  }

  @Test
  void sync_ofAStage_returnsItsValue() {
    assertThat(Async.sync(CompletableFuture.completedFuture(4))).isEqualTo(4);
    assertThat(Async.sync(() -> Weft.asyncFn(AsyncBridgesTest::asyncTwice).future(21))).isEqualTo(42);
  }

  @Test
  void sync_onAnEventLoopThread_returnsWithoutDeadlock() {
    try (WeftRuntime runtime = WeftRuntime.builder().eventLoops(1).build()) {
      assertThat(runtime.run(Weft.asyncFn(AsyncBridgesTest::syncOnTheLoop), 5)).isEqualTo(10);
    }
  }

  @Test
  void sync_propagatesEveryKindOfFailure() {
    assertThatThrownBy(() -> Async.sync(CompletableFuture.failedFuture(new IllegalStateException("x"))))
        .isInstanceOf(IllegalStateException.class).hasMessage("x");
    assertThatThrownBy(() -> Async.sync(CompletableFuture.failedFuture(new StackOverflowError("deep"))))
        .isInstanceOf(StackOverflowError.class);
    CompletableFuture<Integer> cancelled = new CompletableFuture<>();
    cancelled.cancel(true);
    assertThatThrownBy(() -> Async.sync(cancelled)).isInstanceOf(CancellationException.class);
    assertThatThrownBy(() -> Async.sync(() -> null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("returned null");
  }

  @Test
  void sync_returnsANullValueOnlyWhenTheValueIsNull() {
    assertThat(Async.<Object>sync(CompletableFuture.completedFuture(null))).isNull();
  }

  @Test
  void desync_runsOffTheCallersThread() {
    Thread caller = Thread.currentThread();
    CompletionStage<Thread> ran = Async.desync(Thread::currentThread);
    Thread worker = ran.toCompletableFuture().join();
    assertThat(worker).isNotSameAs(caller);
    assertThat(worker.isVirtual()).isTrue();
  }

  @Test
  void desync_propagatesErrorsAndFlattensWithCompose() {
    CompletionStage<Integer> failing = Async.desync(() -> {
      throw new AssertionError("error, not exception");
    });
    assertThatThrownBy(() -> failing.toCompletableFuture().join())
        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(AssertionError.class);
    CompletionStage<Integer> flat = Async.desyncCompose(() -> CompletableFuture.completedFuture(8));
    assertThat(flat.toCompletableFuture().join()).isEqualTo(8);
  }

  @Test
  void delay_completesAfterAboutTheDelay_withoutBlocking() {
    long start = System.nanoTime();
    CompletionStage<Void> later = Async.delay(java.time.Duration.ofMillis(50));
    assertThat(later.toCompletableFuture().isDone()).isFalse();
    later.toCompletableFuture().join();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50));
    assertThatThrownBy(() -> Async.delay(java.time.Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStage_treatsValuesAndStagesAlike() {
    assertThat(Async.<Integer>toStage(3).toCompletableFuture().join()).isEqualTo(3);
    assertThat(Async.<Integer>toStage(CompletableFuture.completedFuture(4)).toCompletableFuture().join()).isEqualTo(4);
    Future<Integer> lazy = Weft.fn(AsyncBridgesTest::syncTwice).future(5);
    assertThat(Async.<Integer>toStage(lazy).toCompletableFuture().join()).isEqualTo(10);
  }

  interface AsyncTask {
    CompletionStage<String> run();
  }

  interface SerializableSupplier<T> extends Supplier<T>, Serializable {}

  static final class Doubler implements Callable<CompletionStage<Integer>> {
    @Override
    public CompletionStage<Integer> call() {
      return CompletableFuture.completedFuture(2);
    }
  }

  record Wrapped(Object inner) implements Async.Wrapper {
    @Override
    public Object unwrap() {
      return inner;
    }
  }

  @Test
  void isAsync_seesThroughWrappersProxiesAndCallableObjects() {
    AsyncTask task = () -> CompletableFuture.completedFuture("x");
    Callable<Integer> blocking = () -> 1;
    assertThat(Async.isAsync(task)).isTrue();
    assertThat(Async.isAsync(new Doubler())).isTrue();
    assertThat(Async.isAsync(blocking)).isFalse();
    assertThat(Async.isAsync(new Wrapped(new Wrapped(new Wrapped(task))))).isTrue();
    assertThat(Async.isAsync(new Wrapped(new Wrapped(blocking)))).isFalse();

    Object viaHandler = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Runnable.class},
        new WrappingHandler(new Wrapped(task)));
    assertThat(Async.isAsync(viaHandler)).isTrue();
    Object viaInterface = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AsyncTask.class},
        (p, m, a) -> CompletableFuture.completedFuture("y"));
    assertThat(Async.isAsync(viaInterface)).isTrue();

    SerializableSupplier<CompletableFuture<String>> lambda = () -> CompletableFuture.completedFuture("z");
    assertThat(Async.isAsync(lambda)).isTrue();
    SerializableSupplier<String> plain = () -> "z";
    assertThat(Async.isAsync(plain)).isFalse();

    assertThat(Async.isAsync(Weft.asyncFn(AsyncBridgesTest::asyncTwice))).isTrue();
    assertThat(Async.isAsync(Weft.fn(AsyncBridgesTest::syncTwice))).isFalse();
    assertThat(Async.isAsync(null)).isFalse();
  }

  record WrappingHandler(Object target) implements java.lang.reflect.InvocationHandler, Async.Wrapper {
    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) {
      return null;
    }

    @Override
    public Object unwrap() {
      return target;
    }
  }
}
