package dev.weft.server;

import dev.weft.Application;
import dev.weft.Backoff;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.RequestContext;
import dev.weft.Weft;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

/** The applications the dashboard's browser tests look at. */
final class DashboardApps {
  private DashboardApps() {}

  /** Counted down when {@link #waits} has started; reset by {@link #reset()}. */
  static volatile CountDownLatch waiting = new CountDownLatch(1);

  static void reset() {
    waiting = new CountDownLatch(1);
  }

  /** Squares 1..n in parallel (a map of n calls) and adds the squares up (a reduce). */
  @Application(description = "Sums the squares of 1..n: a map of n calls and a reduce")
  @Function
  static Future<Integer> sumOfSquares(int n) {
    Future<List<Integer>> squares = Weft.fn(DashboardApps::square).map(IntStream.rangeClosed(1, n).boxed().toList());
    return Weft.fn(DashboardApps::add).reduce(squares, 0);
  }

  @Function
  static int square(int x) {
    return x * x;
  }

  @Function
  static int add(int a, int b) {
    return a + b;
  }

  /** Calls {@link #fetch}, which fails on every attempt. */
  @Application(description = "Fetches a page from a host that is down")
  @Function
  static String crawl(String url) {
    return Weft.fn(DashboardApps::fetch).call(url);
  }

  /** Fails every time: three attempts, then the call (and its request) fails. */
  @Function(retries = 2, backoff = @Backoff(initial = "10ms", max = "20ms"))
  static String fetch(String url) {
    throw new IllegalStateException("connection refused: " + url);
  }

  /** Reports progress, then waits until it is cancelled. */
  @Application(description = "Waits until it is cancelled")
  @Function
  static int waits(int steps) throws InterruptedException {
    RequestContext.current().progress().update(1, steps, "waiting to be cancelled");
    waiting.countDown();
    new CountDownLatch(1).await();
    return steps;
  }
}
