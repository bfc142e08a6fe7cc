package dev.weft.bench;

import dev.weft.remote.Compute;
import dev.weft.remote.ComputeBackend;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteFn1;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Items per second of a streamed remote result ({@code Remote.fn(RemoteTrivial::range)}, a
 * function returning {@code Stream<Integer>}, read item by item by the caller) against the same
 * items as one whole value ({@code RemoteTrivial::rangeList}, a {@code List<Integer>}) in the
 * same run, and the time to the stream's first item. One worker JVM on loopback.
 *
 * <p>Run (from the repository root, after {@code mvn -B -q -DskipTests install}; about 30 s):
 *
 * <pre>{@code
 * java -cp weft-bench/target/benchmarks.jar dev.weft.bench.RemoteStreaming            # items=200000 rounds=5
 * java -Ditems=1000000 -Drounds=3 -cp weft-bench/target/benchmarks.jar dev.weft.bench.RemoteStreaming
 * }</pre>
 */
public final class RemoteStreaming {
  private RemoteStreaming() {}

  public static void main(String[] args) throws Exception {
    int items = Integer.getInteger("items", 200_000);
    int rounds = Integer.getInteger("rounds", 5);
    if (items < 1 || rounds < 1) {
      throw new IllegalArgumentException("items and rounds must be at least 1; were " + items + " and " + rounds);
    }
    System.out.printf(Locale.ROOT, "java %s, %d CPUs; items=%d rounds=%d%n", System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), items, rounds);
    Path registry = Files.createTempDirectory("weft-remote-streaming");
    ComputeBackend backend = ComputeBackend.localProcesses(registry);
    Compute compute = Compute.builder().cpus(2).memory("1g").build();
    RemoteFn1<Integer, Stream<Integer>> range = Remote.fn(RemoteTrivial::range).name("bench-range").backend(backend).to(compute);
    RemoteFn1<Integer, List<Integer>> rangeList = Remote.fn(RemoteTrivial::rangeList).name("bench-range-list")
        .backend(backend).to(compute);
    try {
      for (int i = 0; i < 3; i++) { // warm-up: both JVMs' JIT
        streamOnce(range, items);
        rangeList.call(items);
      }
      double[] streamed = new double[rounds];
      double[] whole = new double[rounds];
      double[] firstItemMs = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        firstItemMs[r] = streamOnce(range, items) / 1e6;
        streamed[r] = items / ((System.nanoTime() - t0) / 1e9);
        long t1 = System.nanoTime();
        int n = rangeList.call(items).size();
        whole[r] = n / ((System.nanoTime() - t1) / 1e9);
        System.out.printf(Locale.ROOT, "round %d  stream %,12.0f items/s (first item after %.2f ms)   whole list %,12.0f items/s%n",
            r + 1, streamed[r], firstItemMs[r], whole[r]);
      }
      Arrays.sort(streamed);
      Arrays.sort(whole);
      Arrays.sort(firstItemMs);
      System.out.printf(Locale.ROOT, "%n| %,d items, %d rounds | median items/s | min..max | first item, median |%n", items, rounds);
      System.out.println("|---|---:|---:|---:|");
      System.out.printf(Locale.ROOT, "| stream (`Stream<Integer>`, item by item) | %,.0f | %,.0f..%,.0f | %.2f ms |%n",
          streamed[rounds / 2], streamed[0], streamed[rounds - 1], firstItemMs[rounds / 2]);
      System.out.printf(Locale.ROOT, "| whole value (`List<Integer>`) | %,.0f | %,.0f..%,.0f | (all at the end) |%n",
          whole[rounds / 2], whole[0], whole[rounds - 1]);
    } finally {
      range.teardown();
      rangeList.teardown();
    }
    System.exit(0);
  }

  /**
   * Reads one whole stream on a virtual thread, as Weft code runs (reading it on the main thread
   * measured the same); returns the nanoseconds to its first item.
   */
  private static long streamOnce(RemoteFn1<Integer, Stream<Integer>> range, int items) throws Exception {
    java.util.concurrent.CompletableFuture<Long> f = new java.util.concurrent.CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        f.complete(readAll(range, items));
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f.get();
  }

  private static long readAll(RemoteFn1<Integer, Stream<Integer>> range, int items) {
    long start = System.nanoTime();
    long[] first = {-1};
    long[] count = {0};
    try (Stream<Integer> s = range.call(items)) {
      s.forEach(i -> {
        if (count[0]++ == 0) {
          first[0] = System.nanoTime() - start;
        }
      });
    }
    if (count[0] != items) {
      throw new IllegalStateException("streamed " + count[0] + " items, expected " + items);
    }
    return first[0];
  }
}
