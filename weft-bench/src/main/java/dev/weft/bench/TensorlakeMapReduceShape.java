package dev.weft.bench;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.Request;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Tensorlake's published map-reduce benchmark shape: 5 concurrent requests, each mapping 100
 * calls of a function that sleeps 1 s and then reducing their results to a sum; the figure is
 * the wall time until all 5 requests have finished.
 *
 * <p>Run (from the repository root, after {@code mvn -B -q -DskipTests install}; a few seconds):
 *
 * <pre>{@code
 * java -cp weft-bench/target/benchmarks.jar dev.weft.bench.TensorlakeMapReduceShape
 * java -Druns=3 -Drequests=5 -Dcalls=100 -DsleepMillis=1000 -cp weft-bench/target/benchmarks.jar dev.weft.bench.TensorlakeMapReduceShape
 * }</pre>
 *
 * <p>Baselines: the ideal is one sleep (1 s), since all 500 sleeps can overlap; Tensorlake
 * reported 64 s for this shape on its own runtime. The goal is at most 1.2 s per run. No raw JDK
 * phase is run: a raw fan-out of 500 sleeping virtual threads takes the same 1 s sleep plus
 * well under a millisecond, which the first figure already bounds.
 */
public final class TensorlakeMapReduceShape {
  private TensorlakeMapReduceShape() {}

  static final long SLEEP_MILLIS = Long.getLong("sleepMillis", 1_000);

  @Function
  static int sleepThenEcho(int x) throws InterruptedException {
    Thread.sleep(SLEEP_MILLIS);
    return x;
  }

  /** One request: map the items through the sleeping function, then sum them. */
  @Application
  @Function
  static Future<Integer> sleepyMapReduce(List<Integer> items) {
    Future<List<Integer>> slept = Weft.fn(TensorlakeMapReduceShape::sleepThenEcho).map(items);
    return Weft.fn(Trivial::add).reduce(slept, 0);
  }

  public static void main(String[] args) {
    int runs = Integer.getInteger("runs", 3);
    int requests = Integer.getInteger("requests", 5);
    int calls = Integer.getInteger("calls", 100);
    List<Integer> items = IntStream.range(0, calls).boxed().toList();
    int expected = calls * (calls - 1) / 2;
    var app = Weft.asyncFn(TensorlakeMapReduceShape::sleepyMapReduce);

    System.out.printf(Locale.ROOT, "java %s, %d CPUs; %d concurrent requests x %d calls sleeping %d ms, then a sum%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), requests, calls, SLEEP_MILLIS);
    List<Double> seconds = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      long t0 = System.nanoTime();
      List<Request<Integer>> submitted = new ArrayList<>();
      for (int r = 0; r < requests; r++) {
        submitted.add(Weft.submit(app, items));
      }
      for (Request<Integer> req : submitted) {
        int sum = req.result();
        if (sum != expected) {
          throw new AssertionError("request " + req.id() + " summed " + sum + ", expected " + expected);
        }
      }
      double s = (System.nanoTime() - t0) / 1e9;
      seconds.add(s);
      System.out.printf(Locale.ROOT, "run %d: %.3f s for %d requests (%d calls)%n", run, s, requests, requests * calls);
    }
    double worst = seconds.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    System.out.printf(Locale.ROOT, "worst %.3f s; goal <= 1.2 s: %s; Tensorlake reported 64 s%n",
        worst, worst <= 1.2 ? "met" : "MISSED");
  }
}
