package dev.weft.examples.kubetorch;

import dev.weft.Function;
import dev.weft.examples.Check;
import dev.weft.examples.Example;
import dev.weft.remote.Compute;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteFn1;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * K6: where code runs on the worker. A sync function runs on one of the worker's virtual threads
 * ({@code weft-call}); an async one (returning a {@code CompletionStage}) runs on its event loop
 * ({@code weft-loop-0}); an async function that blocks its loop is reported by the worker's
 * blocked-loop watchdog, and the report reaches the caller with the call's log lines. Prints the
 * thread each function saw, the report, then a summary.
 *
 * <p>Mirrors seed 004's server-side execution and its best practices:
 *
 * <pre>{@code
 * async def fetch_data(url): ...     # runs in the server's async event loop
 * def compute_heavy(data): ...       # runs in a thread pool
 *
 * async def bad_example():
 *     time.sleep(5)                  # Blocks event loop!
 * }</pre>
 *
 * <p>As in Kubetorch, this is independent of how the caller calls: {@code call} and
 * {@code callAsync} reach the same code on the same kind of thread. Unlike Kubetorch, blocking
 * the loop does not go unnoticed: the watchdog (100 ms) names the thread, the function and its
 * stack, in the worker's log and to a caller that asked for logs.
 */
public final class K6ServerSide implements Example {

  @Function
  static String computeHeavy(String data) {
    Thread t = Thread.currentThread();
    return t.getName() + (t.isVirtual() ? " (virtual)" : " (platform)");
  }

  @Function
  static CompletionStage<String> fetchData(String url) {
    return CompletableFuture.completedFuture(Thread.currentThread().getName());
  }

  /** Don't do this: a blocking sleep inside an async function holds its event loop. */
  @Function
  static CompletionStage<String> badExample(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return CompletableFuture.completedFuture("slept " + millis + " ms on " + Thread.currentThread().getName());
  }

  @Override
  public String id() {
    return "K6";
  }

  @Override
  public String title() {
    return "server side: async on the event loop, sync on worker threads, blocking reported";
  }

  @Override
  public void run(PrintStream out) {
    Compute compute = Compute.builder().cpus("1").memory("256m").inactivityTtl("10m").build();
    CompletableFuture<RemoteFn1<String, String>> heavy = Remote.fn(K6ServerSide::computeHeavy).toAsync(compute);
    CompletableFuture<RemoteFn1<String, String>> fetch = Remote.asyncFn(K6ServerSide::fetchData).toAsync(compute);
    CompletableFuture<RemoteFn1<Long, String>> bad = Remote.asyncFn(K6ServerSide::badExample).toAsync(compute);
    try {
      String syncThread = heavy.join().call("data");
      out.println("computeHeavy (sync) ran on " + syncThread);
      String asyncThread = fetch.join().callAsync("local://data").join();
      out.println("fetchData (async) ran on " + asyncThread);

      List<String> logs = new CopyOnWriteArrayList<>();
      out.println("badExample (async, blocking): " + bad.join().withLogs(logs::add).call(300L));
      String report = logs.stream().filter(l -> l.startsWith("[weft] ")).findFirst().orElse("(no report)");
      out.println("reported: " + report.lines().findFirst().orElse(""));

      String result = "sync on " + syncThread + ", async on " + asyncThread + ", blocked loop reported: "
          + report.contains("was blocked");
      out.println(result);
      Check.expect("where code ran", result, "sync on weft-call (virtual), async on weft-loop-0, blocked loop reported: true");
    } finally {
      Teardown.whenDeployed(heavy);
      Teardown.whenDeployed(fetch);
      Teardown.whenDeployed(bad);
    }
  }
}
