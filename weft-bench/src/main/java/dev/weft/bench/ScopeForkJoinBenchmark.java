package dev.weft.bench;

import dev.weft.AsyncScope;
import dev.weft.DelayedResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of forking {@code n} trivial tasks into an {@link AsyncScope} and joining them, next
 * to raw virtual threads doing the same, measured in the same run.
 *
 * <p>Run (from the repository root, after {@code mvn -B -q -DskipTests install}; about 4 minutes
 * on two cores, together with the {@code StructuredTaskScope} baseline):
 *
 * <pre>{@code
 * java -jar weft-bench/target/benchmarks.jar ScopeForkJoin
 * java -jar weft-bench/target/benchmarks.jar ScopeForkJoinBenchmark.asyncScope -prof gc   # allocation per op
 * }</pre>
 *
 * <p>Each operation opens a scope, forks {@code n} callables returning {@code i * 2}, closes the
 * scope (which waits for them) and sums the results with {@link DelayedResult#value()}:
 * {@link #asyncScope}. The baseline {@link #rawVirtualThreads} starts {@code n} virtual threads
 * that write {@code i * 2} into an array, joins them all and sums the array. The JDK's own
 * structured concurrency ({@code StructuredTaskScope}, a preview API in JDK 25) is measured by
 * {@code ScopeForkJoinStsBenchmark}, which lives in {@code src/jdk25/java} because it is
 * compiled with {@code --release 25 --enable-preview} (its forks run with
 * {@code --enable-preview}); the regexp {@code ScopeForkJoin} runs all three. The goal is
 * {@code asyncScope / rawVirtualThreads <= 1.5} for every {@code n}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class ScopeForkJoinBenchmark {
  /** Tasks forked and joined per operation. */
  @Param({"1", "10", "100"})
  int n;

  @Benchmark
  public long asyncScope() {
    @SuppressWarnings("unchecked")
    DelayedResult<Integer>[] results = new DelayedResult[n];
    try (AsyncScope scope = AsyncScope.open()) {
      for (int i = 0; i < n; i++) {
        int x = i;
        results[i] = scope.fork(() -> x * 2);
      }
    }
    long sum = 0;
    for (DelayedResult<Integer> r : results) {
      sum += r.value();
    }
    return sum;
  }

  @Benchmark
  public long rawVirtualThreads() throws InterruptedException {
    int[] out = new int[n];
    Thread[] threads = new Thread[n];
    for (int i = 0; i < n; i++) {
      int x = i;
      threads[i] = Thread.startVirtualThread(() -> out[x] = x * 2);
    }
    for (Thread t : threads) {
      t.join();
    }
    long sum = 0;
    for (int v : out) {
      sum += v;
    }
    return sum;
  }
}
