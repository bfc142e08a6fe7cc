package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.journal.ForwardingJournal;
import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.Journal;
import dev.weft.journal.WorkQueue;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The engine's side of {@link Placement#FLEET}: which calls go through the journal's work queue,
 * with what, and how retries, timeouts and cancels reach it. The queue here runs work on its own
 * threads as a fleet node would; the PostgreSQL queue is tested in weft-postgres.
 */
final class PlacementTest {
  static final AtomicBoolean failFirst = new AtomicBoolean();
  static final CountDownLatch blocking = new CountDownLatch(1);

  @Function(placement = Placement.FLEET, cpus = 2, memory = "512m")
  static int square(int x) {
    return x * x;
  }

  @Function(placement = Placement.FLEET, retries = 2, backoff = @Backoff(initial = "10ms", jitter = 0))
  static int flaky(int x) {
    if (failFirst.getAndSet(false)) {
      throw new IllegalStateException("first attempt fails");
    }
    return x + 1;
  }

  @Function(placement = Placement.FLEET, timeout = "1s")
  static int hangs(int x) throws InterruptedException {
    blocking.await();
    return x;
  }

  @Function static int add(int a, int b) {
    return a + b;
  }

  @Function static int local(int x) {
    return -x;
  }

  @Application @Function
  static Future<Integer> sumOfSquares(List<Integer> xs) {
    return Weft.fn(PlacementTest::add).reduce(Weft.fn(PlacementTest::square).map(xs), 0);
  }

  @Application @Function
  static int retried(int x) {
    return Weft.fn(PlacementTest::flaky).call(x);
  }

  @Application @Function
  static int timesOut(int x) {
    return Weft.fn(PlacementTest::hangs).call(x);
  }

  @Application @Function
  static int onlyLocal(int x) {
    return Weft.fn(PlacementTest::local).call(x);
  }

  @Test
  void fleetCalls_inARequest_goThroughTheQueueWithTheirOptions() {
    Queue queue = new Queue();
    try (WeftRuntime runtime = WeftRuntime.builder().journal(new WithQueue(new InMemoryJournal(), queue)).build()) {
      List<Integer> xs = IntStream.rangeClosed(1, 20).boxed().toList();
      int sum = runtime.submit(Weft.asyncFn(PlacementTest::sumOfSquares), xs).result(Duration.ofSeconds(10));

      assertThat(sum).isEqualTo(2870);
      assertThat(queue.seen).hasSize(20).allSatisfy(w -> {
        assertThat(w.function()).isEqualTo("PlacementTest.square");
        assertThat(w.attempt()).isEqualTo(1);
        assertThat(w.cpus()).isEqualTo(2.0);
        assertThat(w.memoryBytes()).isEqualTo(512L << 20);
        assertThat(w.outputType()).isEqualTo(int.class);
      });
      assertThat(queue.seen.stream().map(WorkQueue.Work::key).distinct()).hasSize(20);
    }
  }

  @Test
  void fleetCall_retried_queuesEachAttemptUnderItsOwnNumber() {
    Queue queue = new Queue();
    failFirst.set(true);
    try (WeftRuntime runtime = WeftRuntime.builder().journal(new WithQueue(new InMemoryJournal(), queue)).build()) {
      assertThat(runtime.submit(Weft.fn(PlacementTest::retried), 4).result(Duration.ofSeconds(10))).isEqualTo(5);
      assertThat(queue.seen).extracting(WorkQueue.Work::attempt).containsExactly(1, 2);
      assertThat(queue.seen.stream().map(WorkQueue.Work::call).distinct()).hasSize(1);
    }
  }

  @Test
  void fleetCall_pastItsTimeout_interruptsTheWaitAndFailsWithATimeout() {
    Queue queue = new Queue();
    try (WeftRuntime runtime = WeftRuntime.builder().journal(new WithQueue(new InMemoryJournal(), queue)).build()) {
      assertThatThrownBy(() -> runtime.submit(Weft.fn(PlacementTest::timesOut), 1).result(Duration.ofSeconds(10)))
          .isInstanceOf(FunctionTimeoutException.class);
      assertThat(queue.interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void localCalls_andFleetCallsOutsideARequest_neverTouchTheQueue() {
    Queue queue = new Queue();
    try (WeftRuntime runtime = WeftRuntime.builder().journal(new WithQueue(new InMemoryJournal(), queue)).build()) {
      assertThat(runtime.submit(Weft.fn(PlacementTest::onlyLocal), 3).result(Duration.ofSeconds(10))).isEqualTo(-3);
      assertThat(Weft.fn(PlacementTest::square).call(3)).isEqualTo(9); // default runtime, no request
      assertThat(queue.seen).isEmpty();
    }
  }

  @Test
  void fleetCalls_onAJournalWithoutAQueue_runLocally() {
    try (WeftRuntime runtime = WeftRuntime.builder().journal(new InMemoryJournal()).build()) {
      assertThat(runtime.submit(Weft.asyncFn(PlacementTest::sumOfSquares), List.of(1, 2, 3)).result(Duration.ofSeconds(10)))
          .isEqualTo(14);
    }
  }

  static final class Instance {
    @Function(placement = Placement.FLEET)
    int twice(int x) {
      return 2 * x;
    }
  }

  @Test
  void fleetPlacement_onAnInstanceMethod_isRefusedNamingTheOption() {
    assertThatThrownBy(() -> Weft.fn(Instance::twice))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("'placement'")
        .hasMessageContaining("static method");
  }

  /** Runs each piece of work on a thread of its own, as another node would, and remembers it. */
  static final class Queue implements WorkQueue {
    final ConcurrentLinkedQueue<Work> seen = new ConcurrentLinkedQueue<>();
    final CountDownLatch interrupted = new CountDownLatch(1);

    @Override
    public Object run(Work work) throws Exception {
      seen.add(work);
      try {
        return work.method().invoke(null, work.args());
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof InterruptedException) {
          interrupted.countDown();
        }
        throw (Exception) e.getCause();
      }
    }
  }

  private record WithQueue(Journal delegate, WorkQueue queue) implements ForwardingJournal {
    @Override public Optional<WorkQueue> workQueue() { return Optional.of(queue); }
  }
}
