package dev.weft.bench;

import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Subtask;
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
 * The JDK's structured concurrency doing what {@link ScopeForkJoinBenchmark} measures: open a
 * {@code StructuredTaskScope}, fork {@code n} callables returning {@code i * 2}, join, sum.
 *
 * <p>{@code StructuredTaskScope} is a preview API in JDK 25 (JEP 505), so this file sits in
 * {@code src/jdk25/java}, which weft-bench compiles in a second compiler execution with
 * {@code --release 25 --enable-preview}, and its forks run with {@code --enable-preview}. Needs
 * a JDK 25 both to build and to run; {@code -Dweft.bench.skipJdk25} builds without it. Run it
 * with the other two in one JMH run:
 *
 * <pre>{@code
 * java -jar weft-bench/target/benchmarks.jar ScopeForkJoin
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = "--enable-preview")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class ScopeForkJoinStsBenchmark {
  /** Tasks forked and joined per operation. */
  @Param({"1", "10", "100"})
  int n;

  @Benchmark
  public long structuredTaskScope() throws InterruptedException {
    @SuppressWarnings("unchecked")
    Subtask<Integer>[] tasks = new Subtask[n];
    try (var scope = StructuredTaskScope.open()) {
      for (int i = 0; i < n; i++) {
        int x = i;
        tasks[i] = scope.fork(() -> x * 2);
      }
      scope.join();
    }
    long sum = 0;
    for (Subtask<Integer> t : tasks) {
      sum += t.get();
    }
    return sum;
  }
}
