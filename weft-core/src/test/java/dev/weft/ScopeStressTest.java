package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs thousands of random {@link AsyncScope} trees and checks the structural promises of the
 * class comment as properties, never as exact outputs.
 *
 * <p>Each tree is planned up front from its own {@code new Random(seed)} (nesting depth up to 4,
 * random exit and error modes, fan-out, concurrency limits and deadlines; forks of three kinds:
 * a {@code fork(Callable)} that sleeps and returns or throws, a {@code forkAsync} whose stage a
 * timer completes, and a {@code fork(Callable)} that opens a nested scope; each awaited by
 * {@code block()}, {@code block(timeout)}, {@code value()}, a callback, a sibling, or not at
 * all; sometimes the thread in the root scope is interrupted after a random delay), then run.
 * Only the timing is random; a failing tree prints its seed, and {@code -Dweft.stress.seed=N}
 * runs that tree alone. The properties:
 *
 * <ol>
 *   <li>every failure a fork ends with is reported exactly once: delivered where it was awaited,
 *       or thrown or suppressed at close (counted by identity; failures of forks that ended
 *       cancelled are reported nowhere);
 *   <li>no fork outlives its scope: when {@code close()} returns or throws, each fork's body has
 *       ended (its {@code finally} ran; for {@code forkAsync}, its stage is done), no fork is
 *       pending, and none starts afterwards;
 *   <li>a scope whose closing thread was interrupted throws {@link CancellationException} and
 *       leaves the interrupt status set;
 *   <li>no leaks: the count of running fork bodies returns to 0 and the platform thread count
 *       does not grow;
 *   <li>a scope held open past its deadline throws {@link DeadlineExceededException} (maybe with
 *       failures suppressed), never before the deadline; an {@link ExitMode#RAISE} scope with a
 *       result nobody awaited throws {@link UnawaitedResultException}; values arrive intact.
 * </ol>
 *
 * <p>A wait that ends without a result (a {@code block(timeout)} that times out, a {@code block()}
 * whose thread is interrupted) once marked the result awaited, so its later failure was reported
 * nowhere (bug 2, fixed; see the regression tests below). {@code -Dweft.stress.strict=false}
 * counts such losses instead of failing, for bisecting.
 *
 * <pre>{@code
 * mvn -B -q install -pl weft-core                                          # 200 trees
 * mvn -B -q -Pstress install -pl weft-core -Dtest=ScopeStressTest          # + 20,000 trees
 * mvn -B -q -Pstress install -pl weft-core -Dtest=ScopeStressTest -Dweft.stress.seed=1000042
 * }</pre>
 */
final class ScopeStressTest {
  /** Bug 2 is fixed, so losing a failure after an abandoned wait fails the run unless this is false. */
  private static final boolean STRICT = !"false".equals(System.getProperty("weft.stress.strict"));
  /** How many trees run at once. */
  private static final int PARALLEL_TREES = 4;
  /** Platform threads the run may leave behind (carrier threads of the virtual-thread pool). */
  private static final int THREAD_SLACK = 6;

  @Test
  void randomTrees_200Seeds_holdScopeProperties() throws Exception {
    runTrees(0L, 200, Duration.ofSeconds(60));
  }

  @Tag("stress")
  @Test
  void randomTrees_20000Seeds_holdScopeProperties() throws Exception {
    runTrees(1_000_000L, Integer.getInteger("weft.stress.trees", 20_000), Duration.ofMinutes(15));
  }

  // ---------------------------------------------------------------------------------------------
  // Regression tests for bugs the stress run found. The disabled ones fail on the engine today;
  // enable each once it is fixed (for known bug 2, also drop its allowance in account()).

  /** Was a bug: a cancelled fork counted as finished at once, so close did not wait for its thread. */
  @Test
  void close_cancelledForkStillRunning_waitsForItsThread() throws Exception {
    AtomicInteger ended = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    try (AsyncScope scope = AsyncScope.open(ExitMode.CANCEL, ErrorMode.CANCEL)) {
      scope.fork(() -> {
        started.countDown();
        try {
          Thread.sleep(10_000);
        } finally {
          spin(Duration.ofMillis(50)); // cleanup that takes a while, as real code may
          ended.incrementAndGet();
        }
        return 1;
      });
      started.await();
    }
    assertThat(ended).as("forks ended when close() returned").hasValue(1);
  }

  /** Known bug 2: a wait that ends without a result (timeout, interrupt) still marks the result awaited. */
  @Test
  void blockWithTimeout_timesOutThenForkFails_failureThrownAtClose() {
    RuntimeException boom = new RuntimeException("boom");
    Throwable thrown = null;
    try (AsyncScope scope = AsyncScope.open(ExitMode.WAIT, ErrorMode.CONTINUE)) {
      DelayedResult<Integer> r = scope.fork(() -> {
        Thread.sleep(50);
        throw boom;
      });
      try {
        r.block(Duration.ofMillis(1));
      } catch (WaitTimeoutException expected) {
        // nothing was delivered here, so close must report boom
      }
    } catch (RuntimeException e) {
      thrown = e;
    }
    assertThat(thrown).isSameAs(boom);
  }

  /** Regression (bug 3): starting queued forks recursed once per fork that completed while starting. */
  @Test
  void maxConcurrency_manyForksCompletingSynchronously_allSucceed() throws Exception {
    CompletableFuture<Integer> gate = new CompletableFuture<>();
    List<DelayedResult<Integer>> results = new ArrayList<>();
    CompletableFuture<Long> sum = CompletableFuture.supplyAsync(() -> {
      try (AsyncScope scope = AsyncScope.builder().maxConcurrency(1).open()) {
        results.add(scope.forkAsync(() -> gate));
        for (int i = 0; i < 5_000; i++) {
          results.add(scope.forkAsync(() -> CompletableFuture.completedFuture(1)));
        }
        gate.complete(0);
        return results.stream().mapToLong(DelayedResult::block).sum();
      }
    }, task -> Thread.ofPlatform().daemon(true).start(task));
    assertThat(sum.get(10, TimeUnit.SECONDS)).isEqualTo(5_000L);
  }

  /**
   * Regression (bug 4): a fork given a slot (running++) and cancelled before start() marks it started is
   * never counted as finished running; RAISE close cancels without stopping the queue, so the
   * lost slot leaves the awaited queued fork pending and close hangs.
   */
  @Test
  void raiseClose_cancelsForkBetweenSlotAndStart_queuedForksStillRun() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      for (int i = 0; i < 2_000; i++) {
        CountDownLatch go = new CountDownLatch(1);
        AsyncScope scope = AsyncScope.builder().exitMode(ExitMode.RAISE).maxConcurrency(1).open();
        scope.fork(() -> {
          go.await();
          return 1;
        }).whenComplete((v, e) -> { }); // awaited
        scope.fork(() -> 2); // queued, never awaited: close cancels it, racing with its start
        scope.fork(() -> 3).whenComplete((v, e) -> { }); // queued, awaited: must still run
        go.countDown();
        try {
          scope.close();
        } catch (UnawaitedResultException expected) {
          // the second fork was never awaited
        }
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // The plan of a tree: made up front from the seed, so a seed always means the same tree.

  enum Kind {
    /** {@code fork(Callable)}: maybe await a sibling, sleep (or spin), return or throw. */
    CALL,
    /** {@code forkAsync}: a stage a timer completes (or complete at once). */
    ASYNC,
    /** {@code fork(Callable)} that runs a nested scope, then returns or throws. */
    NESTED,
    /** Sleeps 10 s unless cancelled: holds a deadline-probe scope open past its deadline. */
    SLEEPER,
    /** A stage that never completes: holds an interrupted root scope open until it is cancelled. */
    SENTINEL
  }

  enum Outcome { RETURN, THROW, THROW_CHECKED }

  enum Await { NONE, BLOCK_NOW, BLOCK_LATER, BLOCK_TIMEOUT, VALUE_LATER, CALLBACK, BY_SIBLING }

  static final class ForkPlan {
    final String path;
    final Kind kind;
    final Outcome outcome;
    final int value;
    final int workMicros;
    final boolean ignoresInterrupt;
    final int pauseMicrosBefore;
    final int timeoutMicros;
    final Optional<ScopePlan> nested;
    Await await;
    int awaitsSibling = -1;

    ForkPlan(String path, Kind kind, Outcome outcome, int value, int workMicros, boolean ignoresInterrupt,
        int pauseMicrosBefore, int timeoutMicros, Await await, Optional<ScopePlan> nested) {
      this.path = path;
      this.kind = kind;
      this.outcome = outcome;
      this.value = value;
      this.workMicros = workMicros;
      this.ignoresInterrupt = ignoresInterrupt;
      this.pauseMicrosBefore = pauseMicrosBefore;
      this.timeoutMicros = timeoutMicros;
      this.await = await;
      this.nested = nested;
    }
  }

  record ScopePlan(String path, ExitMode exit, ErrorMode error, Optional<Duration> deadline,
      OptionalInt maxConcurrency, boolean deadlineProbe, boolean interruptTarget, boolean bodyThrows,
      List<ForkPlan> forks) {}

  /** Makes a random tree; every draw comes from the one seeded Random, in a fixed order. */
  static final class Planner {
    private static final int MAX_DEPTH = 4;
    private static final int FORK_BUDGET = 60;
    private final Random rnd;
    private int budget = FORK_BUDGET;

    Planner(long seed) {
      this.rnd = new Random(seed);
    }

    ScopePlan root(boolean interruptTarget) {
      return scope("r", 1, interruptTarget);
    }

    private ScopePlan scope(String path, int depth, boolean interruptTarget) {
      boolean deadlineProbe = !interruptTarget && rnd.nextInt(8) == 0;
      boolean fixedModes = interruptTarget || deadlineProbe; // nothing but the interrupt / deadline may cancel
      ExitMode exit = fixedModes ? ExitMode.WAIT : pick(ExitMode.values());
      ErrorMode error = fixedModes ? ErrorMode.CONTINUE : pick(ErrorMode.values());
      Optional<Duration> deadline = Optional.empty();
      if (deadlineProbe) {
        deadline = Optional.of(Duration.ofMillis(2 + rnd.nextInt(20)));
      } else if (!interruptTarget && rnd.nextInt(8) == 0) {
        deadline = Optional.of(Duration.ofMillis(1 + rnd.nextInt(30)));
      }
      OptionalInt max = rnd.nextInt(4) == 0 ? OptionalInt.of(1 + rnd.nextInt(3)) : OptionalInt.empty();
      boolean bodyThrows = rnd.nextInt(10) == 0;
      int fanOut = Math.min(budget, rnd.nextInt(depth == 1 ? 7 : 5));
      budget -= fanOut;
      List<ForkPlan> forks = new ArrayList<>();
      for (int i = 0; i < fanOut; i++) {
        forks.add(fork(path + "." + i, depth));
      }
      if (interruptTarget || deadlineProbe) {
        Kind kind = interruptTarget ? Kind.SENTINEL : Kind.SLEEPER;
        forks.add(rnd.nextInt(forks.size() + 1),
            new ForkPlan(path + "." + kind.name().toLowerCase(), kind, Outcome.RETURN, 0, 0, false, 0, 0, Await.NONE,
                Optional.empty()));
      }
      for (int j = 0; j < forks.size(); j++) { // some CALL forks block on an earlier, otherwise unawaited sibling
        ForkPlan f = forks.get(j);
        if (f.kind == Kind.CALL && j > 0 && rnd.nextInt(5) == 0) {
          int i = rnd.nextInt(j);
          if (forks.get(i).await == Await.NONE && forks.get(i).kind != Kind.SENTINEL
              && forks.get(i).kind != Kind.SLEEPER) {
            forks.get(i).await = Await.BY_SIBLING;
            f.awaitsSibling = i;
          }
        }
      }
      return new ScopePlan(path, exit, error, deadline, max, deadlineProbe, interruptTarget, bodyThrows,
          List.copyOf(forks));
    }

    private ForkPlan fork(String path, int depth) {
      int k = rnd.nextInt(100);
      Kind kind = depth < MAX_DEPTH && budget > 0 && k < 25 ? Kind.NESTED : k < 55 ? Kind.ASYNC : Kind.CALL;
      int o = rnd.nextInt(100);
      Outcome outcome = o < 50 ? Outcome.RETURN : o < 85 ? Outcome.THROW : Outcome.THROW_CHECKED;
      int value = rnd.nextInt(1_000);
      int workMicros = switch (rnd.nextInt(6)) {
        case 0 -> 0;
        case 1 -> 5_000 + rnd.nextInt(5_000);
        default -> rnd.nextInt(3_000);
      };
      boolean ignoresInterrupt = kind == Kind.CALL && rnd.nextInt(10) == 0;
      if (ignoresInterrupt) {
        workMicros = Math.min(workMicros, 500);
      }
      int pause = rnd.nextInt(3) == 0 ? rnd.nextInt(1_000) : 0;
      int timeoutMicros = rnd.nextInt(3_000);
      Await await = pick(Await.values());
      if (await == Await.BY_SIBLING) {
        await = Await.NONE;
      }
      Optional<ScopePlan> nested = kind == Kind.NESTED ? Optional.of(scope(path, depth + 1, false)) : Optional.empty();
      return new ForkPlan(path, kind, outcome, value, workMicros, ignoresInterrupt, pause, timeoutMicros, await,
          nested);
    }

    private <E> E pick(E[] values) {
      return values[rnd.nextInt(values.length)];
    }

    int interruptDelayMicros() {
      return rnd.nextInt(20_000);
    }

    boolean coin(int oneIn) {
      return rnd.nextInt(oneIn) == 0;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Failures made by forks: each instance is created once and counted by identity.

  static final class ForkFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ForkFailure(String path, Throwable cause) {
      super("fork " + path + " failed", cause);
    }
  }

  static final class CheckedForkFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CheckedForkFailure(String path, Throwable cause) {
      super("fork " + path + " failed (checked)", cause);
    }
  }

  static final class BodyFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyFailure(String path) {
      super("body of scope " + path + " failed");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One run of many trees.

  /** What all trees of one test share: the async timer, counters, and the collected violations. */
  static final class Harness {
    final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
        Thread.ofPlatform().name("stress-timer").daemon(true).factory());
    /** Fork bodies (and pending async completions) running now, across all trees. */
    final AtomicInteger running = new AtomicInteger();
    final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    final Map<String, AtomicLong> stats = Collections.synchronizedMap(new TreeMap<>());

    Harness() {
      timer.prestartAllCoreThreads();
      timer.setRemoveOnCancelPolicy(true);
    }

    void count(String what) {
      stats.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }
  }

  private void runTrees(long firstSeed, int trees, Duration timeLimit) throws Exception {
    Long only = Long.getLong("weft.stress.seed");
    List<Long> seeds = new ArrayList<>();
    if (only != null) {
      seeds.add(only);
    } else {
      for (int i = 0; i < trees; i++) {
        seeds.add(firstSeed + i);
      }
    }
    Harness h = new Harness();
    try {
      long startNanos = System.nanoTime();
      long deadline = startNanos + timeLimit.toNanos();
      // Warm up what starts threads lazily (the engine's timer and loops, carrier threads), then
      // take the platform thread count that must not grow.
      int warmup = Math.min(8, seeds.size());
      List<TreeRun> runs = new ArrayList<>(runAll(h, seeds.subList(0, warmup), deadline));
      int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
      runs.addAll(runAll(h, seeds.subList(warmup, seeds.size()), deadline));
      long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;

      System.out.printf("ScopeStressTest: %d trees in %d ms (strict=%s); %s%n", runs.size(), elapsedMs, STRICT,
          h.stats);
      List<String> failed = runs.stream().filter(r -> !r.violations.isEmpty())
          .map(r -> "seed " + r.seed + ":\n    " + String.join("\n    ", r.violations.stream().limit(10).toList()))
          .toList();
      assertThat(failed).as("trees that broke a scope property (rerun one with -Dweft.stress.seed=N)").isEmpty();
      assertThat(h.violations).isEmpty();

      await("fork bodies still running after the last tree").atMost(Duration.ofSeconds(30)).pollInSameThread()
          .until(h.running::get, n -> n == 0);
      await("platform threads back to at most " + threadsBefore + " + " + THREAD_SLACK)
          .atMost(Duration.ofSeconds(10)).pollInSameThread()
          .until(() -> ManagementFactory.getThreadMXBean().getThreadCount(), n -> n <= threadsBefore + THREAD_SLACK);
      System.out.printf("ScopeStressTest: platform threads %d before, %d after%n", threadsBefore,
          ManagementFactory.getThreadMXBean().getThreadCount());
    } finally {
      h.timer.shutdownNow();
    }
  }

  private static List<TreeRun> runAll(Harness h, List<Long> seeds, long deadlineNanos) throws InterruptedException {
    Semaphore slots = new Semaphore(PARALLEL_TREES);
    List<TreeRun> runs = new ArrayList<>();
    for (long seed : seeds) {
      if (!slots.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        break; // hung trees hold every slot; reported below
      }
      TreeRun run = new TreeRun(h, seed);
      runs.add(run);
      run.start(slots::release);
    }
    for (TreeRun run : runs) {
      if (!run.done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        run.violations.add("tree did not finish in time; root thread at:\n      "
            + Arrays.stream(run.rootThread.getStackTrace()).map(Object::toString)
                .collect(Collectors.joining("\n      ")));
      }
    }
    if (runs.size() < seeds.size()) {
      h.violations.add("only " + runs.size() + " of " + seeds.size() + " trees started before the time limit");
    }
    return runs;
  }

  // ---------------------------------------------------------------------------------------------
  // One tree.

  /** A fork as the test sees it: what was planned, what happened, how often its failure was reported. */
  static final class Rec {
    final ForkPlan plan;
    final ScopeRun scope;
    volatile DelayedResult<Integer> result;
    volatile boolean started;
    volatile boolean ended;
    volatile boolean startedAfterClose;
    volatile boolean abandonedWait;
    volatile CompletableFuture<Integer> stage;
    volatile Throwable failure;
    final AtomicInteger reported = new AtomicInteger();

    Rec(ForkPlan plan, ScopeRun scope) {
      this.plan = plan;
      this.scope = scope;
    }

    boolean bodyEnded() {
      return switch (plan.kind) {
        case ASYNC, SENTINEL -> stage == null || stage.isDone();
        default -> !started || ended;
      };
    }
  }

  static final class ScopeRun {
    final ScopePlan plan;
    final List<Rec> recs = new ArrayList<>(); // only the scope's body thread adds, before close
    volatile boolean closed;

    ScopeRun(ScopePlan plan) {
      this.plan = plan;
    }
  }

  static final class TreeRun {
    final Harness h;
    final long seed;
    final Planner planner;
    final ScopePlan plan;
    final int interruptDelayMicros;
    final boolean rootIsVirtual;
    final CountDownLatch done = new CountDownLatch(1);
    final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Rec> recs = new ConcurrentLinkedQueue<>();
    final Map<Throwable, Rec> owners = Collections.synchronizedMap(new IdentityHashMap<>());
    /** This tree's fork bodies running now. */
    final AtomicInteger running = new AtomicInteger();
    volatile Thread rootThread;

    TreeRun(Harness h, long seed) {
      this.h = h;
      this.seed = seed;
      this.planner = new Planner(seed);
      boolean interrupt = planner.coin(4);
      this.plan = planner.root(interrupt);
      this.interruptDelayMicros = interrupt ? planner.interruptDelayMicros() : -1;
      this.rootIsVirtual = planner.coin(2);
    }

    void start(Runnable whenDone) {
      Runnable body = () -> {
        try {
          run();
        } catch (Throwable t) {
          violation("the tree's driver failed: " + stack(t));
        } finally {
          done.countDown();
          whenDone.run();
        }
      };
      Thread.Builder builder = rootIsVirtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true);
      rootThread = builder.name("stress-root-" + seed).unstarted(body);
      rootThread.start();
      if (interruptDelayMicros >= 0) {
        Thread target = rootThread;
        h.timer.schedule(target::interrupt, interruptDelayMicros, TimeUnit.MICROSECONDS);
      }
    }

    private void run() {
      h.count("trees");
      try {
        runScope(plan);
      } catch (Throwable t) {
        reportedAtClose(t);
      }
      Thread.interrupted(); // checked by the probe; the accounting below must not be cut short
      long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (running.get() > 0 && System.nanoTime() < limit) {
        LockSupport.parkNanos(100_000);
      }
      if (running.get() > 0) {
        violation(running.get() + " fork bodies still running 10 s after the root scope closed");
        return;
      }
      account();
    }

    void violation(String what) {
      violations.add(what);
    }

    // -- running a scope ------------------------------------------------------------------------

    void runScope(ScopePlan p) {
      h.count("scopes");
      ScopeRun sr = new ScopeRun(p);
      AsyncScope.Builder b = AsyncScope.builder().exitMode(p.exit()).errorMode(p.error());
      p.deadline().ifPresent(b::deadline);
      p.maxConcurrency().ifPresent(b::maxConcurrency);
      try (Probe probe = new Probe(b.open(), sr, System.nanoTime())) {
        body(probe.scope, sr);
        if (p.bodyThrows()) {
          h.count("bodiesThrew");
          throw new BodyFailure(p.path());
        }
      }
    }

    /** Closes the scope and checks it the moment close returns or throws. */
    final class Probe implements AutoCloseable {
      final AsyncScope scope;
      final ScopeRun sr;
      final long openedAt;

      Probe(AsyncScope scope, ScopeRun sr, long openedAt) {
        this.scope = scope;
        this.sr = sr;
        this.openedAt = openedAt;
      }

      @Override
      public void close() {
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        RuntimeException thrown = null;
        try {
          scope.close();
        } catch (RuntimeException e) {
          thrown = e;
        }
        sr.closed = true;
        long elapsedNanos = System.nanoTime() - openedAt;
        boolean interruptedAfter = Thread.currentThread().isInterrupted();
        checkClosed(sr, thrown, interruptedBefore, interruptedAfter, elapsedNanos);
        if (thrown == null && !interruptedAfter) {
          try {
            scope.close(); // idempotent: does nothing
          } catch (CancellationException e) {
            // Unless the thread was interrupted since (a parent cancelling this fork): then a second
            // close throws CancellationException again. Counted; the contract does not say.
            if (!Thread.currentThread().isInterrupted()) {
              violation(sr.plan.path() + ": a second close() threw " + stack(e));
            }
            h.count("secondCloseCancelledAfterLateInterrupt");
          } catch (RuntimeException e) {
            violation(sr.plan.path() + ": a second close() threw " + stack(e));
          }
        }
        if (thrown != null) {
          throw thrown;
        }
      }
    }

    void checkClosed(ScopeRun sr, RuntimeException thrown, boolean interruptedBefore, boolean interruptedAfter,
        long elapsedNanos) {
      ScopePlan p = sr.plan;
      String where = p.path();
      for (Rec r : sr.recs) {
        DelayedResult.State state = r.result.state();
        if (state == DelayedResult.State.PENDING) {
          violation(where + ": fork " + r.plan.path + " still pending after close");
        }
        if (!r.bodyEnded()) {
          violation(where + ": fork " + r.plan.path + " (" + r.plan.kind + ", " + state
              + ") had not ended when close returned");
        }
        if (state == DelayedResult.State.CANCELLED) {
          h.count("forksCancelled");
        }
      }
      boolean cancelled = thrown instanceof CancellationException;
      if (cancelled) {
        h.count("closeCancelled");
      }
      if (interruptedBefore || p.interruptTarget()) {
        if (!cancelled) {
          violation(where + ": close on an interrupted thread "
              + (thrown == null ? "returned normally" : "threw " + stack(thrown)));
        }
      }
      if (cancelled && !interruptedAfter) {
        violation(where + ": close threw CancellationException but cleared the interrupt status");
      }
      boolean deadlineExceeded = contains(thrown, DeadlineExceededException.class);
      if (deadlineExceeded) {
        h.count("deadlineExceeded");
        if (p.deadline().isEmpty()) {
          violation(where + ": DeadlineExceededException from a scope without a deadline");
        } else if (elapsedNanos < p.deadline().get().toNanos()) {
          violation(where + ": DeadlineExceededException after " + elapsedNanos / 1_000 + " us, before the deadline "
              + p.deadline().get());
        }
      }
      if (p.deadlineProbe() && !cancelled && !deadlineExceeded) {
        violation(where + ": a scope held open past its deadline " + p.deadline().get() + " closed with "
            + (thrown == null ? "no exception" : stack(thrown)));
      }
      boolean unawaitedRaised = contains(thrown, UnawaitedResultException.class);
      if (unawaitedRaised) {
        h.count("unawaitedRaised");
        if (p.exit() != ExitMode.RAISE) {
          violation(where + ": UnawaitedResultException from a scope with exit mode " + p.exit());
        }
      } else if (p.exit() == ExitMode.RAISE) {
        for (Rec r : sr.recs) {
          if (r.plan.await == Await.NONE && r.result.state() != DelayedResult.State.FAILED) {
            violation(where + ": RAISE scope closed without UnawaitedResultException though " + r.plan.path
                + " (" + r.result.state() + ") was never awaited; close threw " + stack(thrown));
            break;
          }
        }
      }
    }

    void body(AsyncScope s, ScopeRun sr) {
      for (ForkPlan f : sr.plan.forks()) {
        if (f.pauseMicrosBefore > 0) {
          LockSupport.parkNanos(f.pauseMicrosBefore * 1_000L); // keeps the interrupt status
        }
        Rec r = new Rec(f, sr);
        Rec target = f.awaitsSibling >= 0 ? sr.recs.get(f.awaitsSibling) : null;
        r.result = switch (f.kind) {
          case CALL -> s.fork(() -> call(r, target));
          case NESTED -> s.fork(() -> nested(r));
          case SLEEPER -> s.fork(() -> sleeper(r));
          case ASYNC -> s.forkAsync(() -> async(r));
          case SENTINEL -> s.forkAsync(() -> {
            r.started = true;
            CompletableFuture<Integer> never = new CompletableFuture<>();
            r.stage = never;
            return never;
          });
        };
        sr.recs.add(r);
        recs.add(r);
        h.count("forks");
        if (f.await == Await.CALLBACK) {
          r.result.whenComplete((v, e) -> {
            if (e == null) {
              checkValue(r, v);
            } else if (!(e instanceof CancellationException)) {
              delivered(r, e instanceof CompletionException ? e.getCause() : e);
            }
          });
        } else if (f.await == Await.BLOCK_NOW) {
          awaitBlock(r, Optional.empty());
        }
      }
      for (Rec r : sr.recs) {
        switch (r.plan.await) {
          case BLOCK_LATER -> awaitBlock(r, Optional.empty());
          case BLOCK_TIMEOUT -> awaitBlock(r, Optional.of(Duration.ofNanos(r.plan.timeoutMicros * 1_000L)));
          case VALUE_LATER -> awaitValue(r);
          default -> { }
        }
      }
    }

    // -- the forks' bodies ----------------------------------------------------------------------

    private void begin(Rec r) {
      running.incrementAndGet();
      h.running.incrementAndGet();
      r.started = true;
      if (r.scope.closed) {
        r.startedAfterClose = true;
      }
    }

    private void end(Rec r) {
      r.ended = true;
      h.running.decrementAndGet();
      running.decrementAndGet();
    }

    private Integer call(Rec r, Rec sibling) throws Exception {
      begin(r);
      try {
        if (sibling != null) {
          awaitBlock(sibling, Optional.empty());
        }
        work(r.plan);
        return outcome(r, null);
      } finally {
        end(r);
      }
    }

    private Integer nested(Rec r) throws Exception {
      begin(r);
      try {
        Throwable nestedFailure = null;
        try {
          runScope(r.plan.nested.orElseThrow());
        } catch (RuntimeException | Error e) {
          nestedFailure = e;
          reportedAtClose(e);
        }
        if (nestedFailure != null && r.plan.outcome == Outcome.RETURN) {
          return r.plan.value; // swallow it: it has been counted where the nested scope threw it
        }
        return outcome(r, nestedFailure);
      } finally {
        end(r);
      }
    }

    private Integer sleeper(Rec r) {
      begin(r);
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        end(r);
      }
      return r.plan.value;
    }

    private CompletableFuture<Integer> async(Rec r) {
      begin(r);
      CompletableFuture<Integer> stage = new CompletableFuture<>();
      r.stage = stage;
      Runnable complete = () -> {
        try {
          switch (r.plan.outcome) {
            case RETURN -> stage.complete(r.plan.value);
            case THROW -> stage.completeExceptionally(fail(r, new ForkFailure(r.plan.path, null)));
            case THROW_CHECKED -> stage.completeExceptionally(fail(r, new CheckedForkFailure(r.plan.path, null)));
          }
        } finally {
          end(r); // the body of an async fork ends when its completion has run, cancelled or not
        }
      };
      if (r.plan.workMicros == 0) {
        complete.run();
      } else {
        h.timer.schedule(complete, r.plan.workMicros, TimeUnit.MICROSECONDS);
      }
      return stage;
    }

    private static void work(ForkPlan f) {
      if (f.ignoresInterrupt) {
        spin(Duration.ofNanos(f.workMicros * 1_000L));
      } else if (f.workMicros > 0) {
        try {
          Thread.sleep(Duration.ofNanos(f.workMicros * 1_000L));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // cancelled: what it returns or throws no longer counts
        }
      }
    }

    private Integer outcome(Rec r, Throwable cause) throws CheckedForkFailure {
      return switch (r.plan.outcome) {
        case RETURN -> r.plan.value;
        case THROW -> throw fail(r, new ForkFailure(r.plan.path, cause));
        case THROW_CHECKED -> throw fail(r, new CheckedForkFailure(r.plan.path, cause));
      };
    }

    private <E extends Throwable> E fail(Rec r, E failure) {
      r.failure = failure;
      owners.put(failure, r);
      h.count("failuresCreated");
      return failure;
    }

    // -- awaiting -------------------------------------------------------------------------------

    void awaitBlock(Rec r, Optional<Duration> timeout) {
      try {
        Integer v = timeout.isPresent() ? r.result.block(timeout.get()) : r.result.block();
        checkValue(r, v);
      } catch (WaitTimeoutException e) {
        r.abandonedWait = true;
        h.count("waitsTimedOut");
      } catch (CancellationException e) {
        if (Thread.currentThread().isInterrupted()) {
          r.abandonedWait = true; // the waiting thread was interrupted (or the fork cancelled, or both)
        } else if (r.result.state() != DelayedResult.State.CANCELLED) {
          violation("block() on " + r.plan.path + " threw CancellationException though the fork is "
              + r.result.state() + " and the thread is not interrupted: " + stack(e));
        }
      } catch (FunctionException e) {
        delivered(r, e.getCause());
      } catch (ForkFailure e) {
        delivered(r, e);
      } catch (RuntimeException | Error e) {
        violation("block() on " + r.plan.path + " threw " + stack(e));
      }
    }

    void awaitValue(Rec r) {
      try {
        checkValue(r, r.result.value());
      } catch (CancellationException e) { // before IllegalStateException, its superclass
        if (r.result.state() != DelayedResult.State.CANCELLED) {
          violation("value() on " + r.plan.path + " threw CancellationException though it is " + r.result.state());
        }
      } catch (IllegalStateException e) {
        h.count("valueNotYetAvailable"); // not awaited: a later failure is reported at close
      } catch (CompletionException e) {
        delivered(r, e.getCause());
      } catch (RuntimeException | Error e) {
        violation("value() on " + r.plan.path + " threw " + stack(e));
      }
    }

    void checkValue(Rec r, Integer v) {
      if (v == null || v != r.plan.value) {
        violation(r.plan.path + " delivered " + v + ", expected " + r.plan.value);
      }
    }

    /** A failure delivered to whoever awaited {@code r}. */
    void delivered(Rec r, Throwable failure) {
      Rec owner = owners.get(failure);
      if (owner != r) {
        violation("awaiting " + r.plan.path + " delivered " + stack(failure)
            + (owner == null ? ", not a failure a fork made" : ", which is " + owner.plan.path + "'s"));
        return;
      }
      h.count("deliveredWhereAwaited");
      r.reported.incrementAndGet();
    }

    /** Counts every fork failure in what a scope threw: the exception, its suppressed ones, recursively. */
    void reportedAtClose(Throwable thrown) {
      walk(thrown, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private void walk(Throwable t, Set<Throwable> visited) {
      if (t == null || !visited.add(t)) {
        return;
      }
      if (t instanceof ForkFailure || t instanceof CheckedForkFailure) {
        Rec owner = owners.get(t);
        if (owner == null) {
          violation("a scope threw a failure no fork of this tree made: " + stack(t));
        } else {
          owner.reported.incrementAndGet();
          h.count("reportedAtClose");
        }
      } else if (t instanceof FunctionException) {
        walk(t.getCause(), visited); // a checked failure rethrown by close
      } else if (t instanceof UnawaitedResultException) {
        return; // its suppressed exceptions are fork sites, not failures
      } else if (!(t instanceof CancellationException || t instanceof DeadlineExceededException
          || t instanceof BodyFailure)) {
        violation("a scope threw an unexpected " + stack(t));
      }
      for (Throwable s : t.getSuppressed()) {
        walk(s, visited);
      }
    }

    // -- after the tree -------------------------------------------------------------------------

    /** Property (a) and the late-start half of (b), once every fork body of the tree has ended. */
    private void account() {
      for (Rec r : recs) {
        DelayedResult.State state = r.result.state();
        if (r.startedAfterClose) {
          violation(r.plan.path + " (" + state + ") started after its scope had closed");
        }
        int reported = r.reported.get();
        if (state == DelayedResult.State.FAILED) {
          Throwable failure = r.result.toCompletableFuture().handle((v, e) -> e).join();
          if (failure instanceof CompletionException c) {
            failure = c.getCause();
          }
          if (r.failure == null || failure != r.failure) {
            violation(r.plan.path + " failed with " + stack(failure) + ", not with the failure it threw");
          } else if (reported == 0 && r.abandonedWait && !STRICT) {
            h.count("knownBug2_failureLostAfterAbandonedWait");
          } else if (reported != 1) {
            violation(r.plan.path + "'s failure was reported " + reported + " times (awaited: " + r.plan.await
                + ", scope " + r.scope.plan.path() + " " + r.scope.plan.exit() + "/" + r.scope.plan.error() + ")");
          }
        } else if (reported != 0) {
          violation(r.plan.path + " ended " + state + " but its failure was reported " + reported + " times");
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  static boolean contains(Throwable t, Class<? extends Throwable> type) {
    return contains(t, type, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static boolean contains(Throwable t, Class<? extends Throwable> type, Set<Throwable> visited) {
    if (t == null || !visited.add(t)) {
      return false;
    }
    if (type.isInstance(t)) {
      return true;
    }
    if (t instanceof FunctionException && contains(t.getCause(), type, visited)) {
      return true;
    }
    for (Throwable s : t.getSuppressed()) {
      if (contains(s, type, visited)) {
        return true;
      }
    }
    return false;
  }

  static void spin(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  static String stack(Throwable t) {
    if (t == null) {
      return "nothing";
    }
    StringBuilder sb = new StringBuilder(t.toString());
    for (Throwable s : t.getSuppressed()) {
      sb.append(" [suppressed ").append(s).append(']');
    }
    return sb.toString();
  }
}
