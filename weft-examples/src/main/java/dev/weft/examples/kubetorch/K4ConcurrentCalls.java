package dev.weft.examples.kubetorch;

import static java.util.concurrent.TimeUnit.SECONDS;

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
import java.util.stream.IntStream;

/**
 * K4: concurrent remote calls run in parallel. Three calls gathered take about one call's time,
 * and so do twenty: a remote async function that waits 1 s, called 20 times at once, answers all
 * of them in about 1 s. Prints both timings and the twenty answers.
 *
 * <p>Mirrors seed 004's concurrent calls, and Kubetorch's own concurrency test (20 concurrent
 * awaited calls to a remote async function that sleeps 1 s, which it requires to finish in
 * under 9 s):
 *
 * <pre>{@code
 * remote_fn = kt.fn(slow_process).to(kt.Compute(cpus="0.5"))
 * results = await asyncio.gather(
 *     remote_fn(1, async_=True),
 *     remote_fn(2, async_=True),
 *     remote_fn(3, async_=True),
 * )
 * }</pre>
 *
 * <p>{@code slowProcess} returns a stage that a timer completes a second later, so on the worker
 * it runs on the event loop and holds no thread while it waits: one loop serves all twenty.
 */
public final class K4ConcurrentCalls implements Example {

  @Function
  static CompletionStage<Integer> slowProcess(int x) {
    return CompletableFuture.supplyAsync(() -> x * 10, CompletableFuture.delayedExecutor(1, SECONDS));
  }

  @Override
  public String id() {
    return "K4";
  }

  @Override
  public String title() {
    return "concurrent remote calls: 3 gathered, then 20 at once, each 1 s";
  }

  @Override
  public void run(PrintStream out) {
    RemoteFn1<Integer, Integer> slowProcess = Remote.asyncFn(K4ConcurrentCalls::slowProcess)
        .to(Compute.builder().cpus("0.5").memory("256m").inactivityTtl("10m").build());
    try {
      long start = System.nanoTime();
      List<Integer> three = gather(slowProcess, 3);
      out.println("3 calls gathered: " + three + " in " + Elapsed.since(start) + " ms");
      Check.expect("the 3 gathered calls", three, List.of(10, 20, 30));

      start = System.nanoTime();
      List<Integer> twenty = gather(slowProcess, 20);
      out.println("elapsed: " + Elapsed.since(start) + " ms");
      out.println("20 concurrent calls: " + twenty);
      Check.expect("the 20 concurrent calls", twenty, IntStream.rangeClosed(1, 20).mapToObj(i -> i * 10).toList());
    } finally {
      slowProcess.teardown();
    }
  }

  /** Calls {@code fn(1)} to {@code fn(n)} at once and waits for all: {@code asyncio.gather}. */
  private static List<Integer> gather(RemoteFn1<Integer, Integer> fn, int n) {
    List<CompletableFuture<Integer>> calls = IntStream.rangeClosed(1, n).mapToObj(fn::callAsync).toList();
    return calls.stream().map(CompletableFuture::join).toList();
  }
}
