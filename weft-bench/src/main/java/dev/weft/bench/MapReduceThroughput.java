package dev.weft.bench;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.Weft;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;

/**
 * Throughput and peak heap of a map of a million trivial items followed by a reduce, through
 * Weft and through a raw virtual-thread fan-out of the same items, in the same run.
 *
 * <p>Not JMH: it measures peak heap per phase, which JMH does not. Run (from the repository
 * root, after {@code mvn -B -q -DskipTests install}; about a minute on two cores):
 *
 * <pre>{@code
 * java -cp weft-bench/target/benchmarks.jar dev.weft.bench.MapReduceThroughput
 * java -Xmx2g -Ditems=1000000 -Dwarmup=2 -Drounds=5 -Dphases=raw-vthreads,weft-local \
 *     -cp weft-bench/target/benchmarks.jar dev.weft.bench.MapReduceThroughput
 * }</pre>
 *
 * <p>Phases, interleaved round by round:
 * <ul>
 *   <li>{@code raw-vthreads} (the baseline): one {@code Thread.startVirtualThread} per item, each
 *       completing its own {@code CompletableFuture} with {@code twice(item)}; then a sequential
 *       sum of the futures in order.
 *   <li>{@code weft-local}: {@code Weft.fn(Trivial::add).reduce(Weft.fn(Trivial::twice).map(items), 0)}
 *       outside any request (not journaled).
 *   <li>{@code weft-request}: the same map and reduce as the body of an {@code @Application} run
 *       with {@code Weft.run}, so every item call and every fold step is journaled in memory.
 * </ul>
 *
 * <p>Each phase starts after {@code System.gc()}; a sampler thread reads heap used
 * ({@code totalMemory - freeMemory}) every 2 ms, and the table reports the peak above the
 * post-GC baseline (the shared input list is in the baseline). The goal is for
 * {@code weft-local} to reach at least 50% of {@code raw-vthreads}' median items/s.
 */
public final class MapReduceThroughput {
  private MapReduceThroughput() {}

  /** The README's example shape, as a request. */
  @Application
  @Function
  static Future<Integer> sumOfDoubles(List<Integer> items) {
    Future<List<Integer>> doubled = Weft.fn(Trivial::twice).map(items);
    return Weft.fn(Trivial::add).reduce(doubled, 0);
  }

  static int weftLocal(List<Integer> items) {
    return Weft.fn(Trivial::add).reduce(Weft.fn(Trivial::twice).map(items), 0).result();
  }

  static int weftRequest(List<Integer> items) {
    return Weft.run(Weft.asyncFn(MapReduceThroughput::sumOfDoubles), items);
  }

  static int rawVirtualThreads(List<Integer> items) {
    int n = items.size();
    @SuppressWarnings("unchecked")
    CompletableFuture<Integer>[] results = new CompletableFuture[n];
    for (int i = 0; i < n; i++) {
      CompletableFuture<Integer> f = new CompletableFuture<>();
      results[i] = f;
      Integer item = items.get(i);
      Thread.startVirtualThread(() -> f.complete(Trivial.twice(item)));
    }
    int acc = 0;
    for (CompletableFuture<Integer> f : results) {
      acc = Trivial.add(acc, f.join());
    }
    return acc;
  }

  /** One phase's samples over the measured rounds. */
  private static final class Samples {
    final List<Double> itemsPerSecond = new ArrayList<>();
    final List<Long> peakBytes = new ArrayList<>();
    final List<Long> gcCount = new ArrayList<>();
    final List<Long> gcMillis = new ArrayList<>();
  }

  public static void main(String[] args) throws Exception {
    int items = Integer.getInteger("items", 1_000_000);
    int warmup = Integer.getInteger("warmup", 2);
    int rounds = Integer.getInteger("rounds", 5);

    List<Integer> input = IntStream.range(0, items).boxed().toList();
    int expected = 0;
    for (int v : input) {
      expected += 2 * v; // int arithmetic, wrapping exactly as the functions do
    }

    Map<String, ToIntFunction<List<Integer>>> phases = new LinkedHashMap<>();
    phases.put("raw-vthreads", MapReduceThroughput::rawVirtualThreads);
    phases.put("weft-local", MapReduceThroughput::weftLocal);
    phases.put("weft-request", MapReduceThroughput::weftRequest);
    String only = System.getProperty("phases");
    if (only != null) {
      phases.keySet().retainAll(List.of(only.split(",")));
    }
    Map<String, Samples> samples = new LinkedHashMap<>();
    phases.keySet().forEach(k -> samples.put(k, new Samples()));

    Runtime rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "java %s (%s), %d CPUs, max heap %d MiB, GC %s%n",
        System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.availableProcessors(),
        rt.maxMemory() >> 20, gcNames());
    System.out.printf(Locale.ROOT, "%,d items, %d warm-up rounds, %d measured rounds per phase%n%n",
        items, warmup, rounds);

    HeapSampler sampler = new HeapSampler();
    sampler.start();
    for (int r = 0; r < warmup + rounds; r++) {
      boolean measured = r >= warmup;
      for (var phase : phases.entrySet()) {
        settle();
        long baseline = used();
        long gcCount0 = gcCount();
        long gcMillis0 = gcMillis();
        sampler.reset();
        long t0 = System.nanoTime();
        int sum = phase.getValue().applyAsInt(input);
        long nanos = System.nanoTime() - t0;
        long peak = sampler.peak() - baseline;
        long gcs = gcCount() - gcCount0;
        long gcMs = gcMillis() - gcMillis0;
        if (sum != expected) {
          throw new AssertionError(phase.getKey() + " summed " + sum + ", expected " + expected);
        }
        double ips = items / (nanos / 1e9);
        System.out.printf(Locale.ROOT, "%-8s %-13s %8.0f ms %,12.0f items/s  peak heap +%,6d MiB  GCs %3d (%,d ms)%n",
            measured ? "round " + (r - warmup + 1) : "warm-up", phase.getKey(), nanos / 1e6, ips, peak >> 20, gcs, gcMs);
        if (measured) {
          Samples s = samples.get(phase.getKey());
          s.itemsPerSecond.add(ips);
          s.peakBytes.add(peak);
          s.gcCount.add(gcs);
          s.gcMillis.add(gcMs);
        }
      }
    }
    sampler.interrupt();

    Samples raw = samples.get("raw-vthreads");
    double rawMedian = raw == null ? Double.NaN : median(raw.itemsPerSecond);
    System.out.printf(Locale.ROOT, "%n| phase | median items/s | min..max items/s | vs raw | median peak heap | max peak heap | GCs per round (median) | GC ms per round (median) |%n");
    System.out.printf("|---|---:|---:|---:|---:|---:|---:|---:|%n");
    for (var e : samples.entrySet()) {
      Samples s = e.getValue();
      double med = median(s.itemsPerSecond);
      System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f..%,.0f | %.0f%% | %,d MiB | %,d MiB | %d | %d |%n",
          e.getKey(), med, min(s.itemsPerSecond), max(s.itemsPerSecond), 100 * med / rawMedian,
          (long) median(s.peakBytes) >> 20, (long) max(s.peakBytes) >> 20,
          (long) median(s.gcCount), (long) median(s.gcMillis));
    }
    System.exit(0); // the default runtime's threads are daemons, but say so plainly
  }

  /** Reads heap used every 2 ms and keeps the highest value since the last reset. */
  private static final class HeapSampler extends Thread {
    private volatile long peak;

    HeapSampler() {
      super("heap-sampler");
      setDaemon(true);
    }

    void reset() {
      peak = used();
    }

    long peak() {
      long u = used();
      return Math.max(peak, u);
    }

    @Override
    public void run() {
      while (!isInterrupted()) {
        long u = used();
        if (u > peak) {
          peak = u;
        }
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private static long used() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static void settle() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
  }

  private static String gcNames() {
    return String.join("+", ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(GarbageCollectorMXBean::getName).toList());
  }

  private static long gcCount() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
  }

  private static double median(List<? extends Number> xs) {
    double[] a = xs.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }

  private static double min(List<? extends Number> xs) {
    return xs.stream().mapToDouble(Number::doubleValue).min().orElse(Double.NaN);
  }

  private static double max(List<? extends Number> xs) {
    return xs.stream().mapToDouble(Number::doubleValue).max().orElse(Double.NaN);
  }
}
