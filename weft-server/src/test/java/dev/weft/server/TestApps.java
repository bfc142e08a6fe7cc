package dev.weft.server;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.RequestContext;
import dev.weft.RequestError;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The applications the server tests serve; latches are reset by {@link #reset()} before each test. */
final class TestApps {
  private TestApps() {}

  record Order(String item, int quantity) {}

  record Receipt(String item, int quantity, List<String> notes) {}

  static final AtomicInteger ORDERS_RUN = new AtomicInteger();
  /** Counted down when {@link #blocks} starts. */
  static volatile CountDownLatch started;
  /** Releases {@link #blocks} and {@link #steps}. */
  static volatile CountDownLatch release;
  /** Counted down when {@link #blocks} is interrupted (cancelled). */
  static volatile CountDownLatch interrupted;

  static void reset() {
    ORDERS_RUN.set(0);
    started = new CountDownLatch(1);
    release = new CountDownLatch(1);
    interrupted = new CountDownLatch(1);
  }

  @Application(description = "Takes an order and returns its receipt.")
  @Function
  static Receipt order(Order order) {
    ORDERS_RUN.incrementAndGet();
    return new Receipt(order.item(), order.quantity(), List.of("thanks"));
  }

  @Application(description = "Doubles a number, asynchronously.")
  @Function
  static CompletableFuture<Integer> doubleAsync(int x) {
    return CompletableFuture.supplyAsync(() -> 2 * x);
  }

  @Application
  @Function
  static int inc(int x) {
    return x + 1;
  }

  /** Waits for {@link #release}, then reports progress {@code n} times and returns {@code n}. */
  @Application
  @Function
  static int steps(int n) throws InterruptedException {
    if (!release.await(20, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the test never released steps");
    }
    for (int i = 1; i <= n; i++) {
      RequestContext.current().progress().update(i, n, "step " + i);
    }
    return n;
  }

  /** Reports progress once, then waits for {@link #release} (or cancellation). */
  @Application
  @Function
  static int blocks(int x) {
    RequestContext.current().progress().update(1, 2, "waiting");
    started.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      interrupted.countDown();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while blocked");
    }
    return x;
  }

  /** Waits for {@link #release} (counting down {@link #started}), then returns {@code text} unchanged. */
  @Application
  @Function
  static String holdsText(String text) throws InterruptedException {
    started.countDown();
    release.await();
    return text;
  }

  /** Fails its request with exactly {@code reason}. */
  @Application
  @Function
  static String refuses(String reason) {
    throw new RequestError(reason);
  }
}
