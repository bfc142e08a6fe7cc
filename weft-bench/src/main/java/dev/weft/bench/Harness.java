package dev.weft.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The three shapes every peer runs, copied from ../shared/peers/Harness.java (only the package
 * differs; keep them in step). Originally: identical in each project (this file is copied verbatim into
 * dbos/, weft/ and temporal/; edit peers/Harness.java and copy). Options (system properties):
 * -Dshapes=latency,throughput,fanout -Dwarmup=500 -Dn=500 -DlatSteps=3 -Dclients=16 -DwarmSecs=3 -Dsecs=10
 * -Dsteps=10 -Dfanout=1000 -DfanRuns=3.
 */
final class Harness {
  private Harness() {}

  /** One unit of work: runs a workflow for input i and returns its result (checked by the caller). */
  @FunctionalInterface
  interface Op {
    long run(int i) throws Exception;
  }

  static final String PEER = System.getProperty("peer", "?");
  static final int WARMUP = Integer.getInteger("warmup", 500);
  static final int N = Integer.getInteger("n", 500);
  static final int CLIENTS = Integer.getInteger("clients", 16);
  static final int WARM_SECS = Integer.getInteger("warmSecs", 3);
  static final int SECS = Integer.getInteger("secs", 10);
  static final int STEPS = Integer.getInteger("steps", 10);
  static final int LAT_STEPS = Integer.getInteger("latSteps", 3);
  static final int FANOUT = Integer.getInteger("fanout", 1000);
  static final int FAN_RUNS = Integer.getInteger("fanRuns", 3);
  static final List<String> SHAPES = List.of(System.getProperty("shapes", "latency,throughput,fanout").split(","));
  static final List<String> ROWS = new ArrayList<>();

  static boolean wants(String shape) {
    return SHAPES.contains(shape);
  }

  /** The 1-, 5- and 15-minute load averages. */
  static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return "load " + f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return "load ?";
    }
  }

  static void check(long got, long expected, String what) {
    if (got != expected) {
      throw new AssertionError(what + ": got " + got + ", expected " + expected);
    }
  }

  /** (a) Sequential latency: warm-up, then n runs one after the other; p50, p99, mean in ms. */
  static void latency(String variant, Op op, java.util.function.IntToLongFunction expected) throws Exception {
    for (int i = 0; i < WARMUP; i++) {
      check(op.run(i), expected.applyAsLong(i), "warm-up " + i);
    }
    String before = load();
    long[] ns = new long[N];
    for (int i = 0; i < N; i++) {
      long t0 = System.nanoTime();
      long r = op.run(WARMUP + i);
      ns[i] = System.nanoTime() - t0;
      check(r, expected.applyAsLong(WARMUP + i), "run " + i);
    }
    Arrays.sort(ns);
    double p50 = ns[N / 2] / 1e6;
    double p99 = ns[Math.min(N - 1, (int) Math.ceil(N * 0.99) - 1)] / 1e6;
    double mean = Arrays.stream(ns).average().orElse(0) / 1e6;
    String line = String.format(Locale.ROOT, "| %s | (a) latency, %d steps, sequential x%d | p50 %.2f ms, p99 %.2f ms, mean %.2f ms | %s -> %s |",
        PEER + variant, LAT_STEPS, N, p50, p99, mean, before, load());
    System.out.println(line);
    ROWS.add(line);
  }

  /** (b) Throughput: CLIENTS threads run workflows back to back; warm-up, then SECS measured. */
  static void throughput(String variant, Op op, java.util.function.IntToLongFunction expected) throws Exception {
    long warm = runClients(op, expected, WARM_SECS);
    String before = load();
    long t0 = System.nanoTime();
    long done = runClients(op, expected, SECS);
    double secs = (System.nanoTime() - t0) / 1e9;
    String line = String.format(Locale.ROOT, "| %s | (b) throughput, %d steps, %d clients, %d s | %,.0f workflows/s (%,d done; %,.0f steps/s) | %s -> %s |",
        PEER + variant, STEPS, CLIENTS, SECS, done / secs, done, done * STEPS / secs, before, load());
    System.out.println(line);
    System.out.println("#   throughput warm-up: " + warm + " workflows in " + WARM_SECS + " s");
    ROWS.add(line);
  }

  private static long runClients(Op op, java.util.function.IntToLongFunction expected, int secs) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicLong next = new AtomicLong(1_000_000);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      Thread t = new Thread(() -> {
        try {
          while (!stop.get()) {
            int i = (int) next.getAndIncrement();
            check(op.run(i), expected.applyAsLong(i), "client run " + i);
            done.incrementAndGet();
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
          stop.set(true);
        }
      }, "client-" + c);
      t.start();
      threads.add(t);
    }
    Thread.sleep(secs * 1000L);
    stop.set(true);
    long counted = done.get();
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new RuntimeException("a client failed", failure.get());
    }
    return counted;
  }

  /** (c) Fan-out: one workflow starts FANOUT children in parallel and sums them; 1 warm-up run, FAN_RUNS measured. */
  static void fanout(String variant, Op op, long expected) throws Exception {
    check(op.run(FANOUT), expected, "fan-out warm-up");
    String before = load();
    double[] ms = new double[FAN_RUNS];
    for (int r = 0; r < FAN_RUNS; r++) {
      long t0 = System.nanoTime();
      long sum = op.run(FANOUT);
      ms[r] = (System.nanoTime() - t0) / 1e6;
      check(sum, expected, "fan-out");
    }
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    StringBuilder all = new StringBuilder();
    for (double m : ms) {
      all.append(all.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", m));
    }
    String line = String.format(Locale.ROOT, "| %s | (c) fan-out, %d children, sum | median %.0f ms (runs: %s ms) | %s -> %s |",
        PEER + variant, FANOUT, sorted[FAN_RUNS / 2], all, before, load());
    System.out.println(line);
    ROWS.add(line);
  }

  static void header(String details) {
    Runtime rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "# %s: java %s, %d CPUs, max heap %d MiB; %s; %s%n", PEER, System.getProperty("java.version"),
        rt.availableProcessors(), rt.maxMemory() >> 20, details, load());
  }

  static void summary() {
    System.out.println();
    System.out.println("| peer | shape | figure | load (1/5/15 min) before -> after |");
    System.out.println("|---|---|---|---|");
    ROWS.forEach(System.out::println);
  }

  /** Sum of twice(i) for i in [0, n). */
  static long fanSum(int n) {
    return (long) n * (n - 1);
  }
}
