package dev.weft.bench;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Weft;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one Weft call of a trivial sync function, next to the raw JDK ways of running the
 * same work on another thread and waiting for it, all measured in the same run.
 *
 * <p>Run (from the repository root, after {@code mvn -B -q -DskipTests install}; about 3 minutes
 * on two cores):
 *
 * <pre>{@code
 * java -jar weft-bench/target/benchmarks.jar CallOverhead
 * java -jar weft-bench/target/benchmarks.jar CallOverhead -prof gc   # allocation per call
 * }</pre>
 *
 * <p>Baselines. A local call ({@link #weftLocal}: {@code Weft.fn(Trivial::inc).future(x).result()}
 * from the JMH platform thread, not journaled) is compared with {@link #rawVirtualThreadJoin}
 * ({@code Thread.startVirtualThread} then {@code join}), {@link #rawVirtualThreadFuture} (a
 * {@code CompletableFuture} completed from a new virtual thread, which is what Weft's own waiting
 * amounts to) and {@link #commonPoolSupplyAsync} ({@code CompletableFuture.supplyAsync(...).join()}
 * on the common pool). The goal is {@code weftLocal / rawVirtualThreadFuture <= 1.5}.
 *
 * <p>A journaled call ({@link #weftInRequest}: 1,000 calls made one after another from the body
 * of a running request) is compared with {@link #rawInVirtualThread} (the same 1,000 fork+joins
 * made from inside one virtual thread); both report the time per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class CallOverheadBenchmark {
  /** Calls per request (and per raw loop) in the in-request variants. */
  static final int CALLS = 1_000;

  private int x = 41;

  /**
   * An application whose body makes {@code n} calls of {@link Trivial#inc} one after another,
   * each waited for before the next; every call is journaled in the request's in-memory log.
   */
  @Application
  @Function
  static int chainOfCalls(Integer n) {
    var inc = Weft.fn(Trivial::inc);
    int acc = 0;
    for (int i = 0; i < n; i++) {
      acc = inc.future(acc).result();
    }
    return acc;
  }

  @Benchmark
  public int weftLocal() {
    return Weft.fn(Trivial::inc).future(x).result();
  }

  @Benchmark
  public int rawVirtualThreadJoin() throws InterruptedException {
    int[] out = new int[1];
    int in = x;
    Thread t = Thread.startVirtualThread(() -> out[0] = Trivial.inc(in));
    t.join();
    return out[0];
  }

  @Benchmark
  public int rawVirtualThreadFuture() {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    int in = x;
    Thread.startVirtualThread(() -> f.complete(Trivial.inc(in)));
    return f.join();
  }

  @Benchmark
  public int commonPoolSupplyAsync() {
    int in = x;
    return CompletableFuture.supplyAsync(() -> Trivial.inc(in)).join();
  }

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public int weftInRequest() {
    return Weft.run(Weft.fn(CallOverheadBenchmark::chainOfCalls), CALLS);
  }

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public int rawInVirtualThread() throws InterruptedException {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    Thread.startVirtualThread(() -> {
      int acc = 0;
      for (int i = 0; i < CALLS; i++) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        int in = acc;
        Thread.startVirtualThread(() -> f.complete(Trivial.inc(in)));
        acc = f.join();
      }
      done.complete(acc);
    });
    return done.join();
  }
}
