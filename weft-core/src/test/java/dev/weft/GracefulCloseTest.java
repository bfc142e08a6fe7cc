package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.journal.InMemoryJournal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class GracefulCloseTest {
  static final AtomicInteger STEP_RUNS = new AtomicInteger();
  static final AtomicInteger APP_RUNS = new AtomicInteger();
  /** Holds the first run of {@link #app} until the test opens it. */
  static volatile CountDownLatch gate;
  /** Opened when the first run of {@link #app} has its step's result and waits at the gate. */
  static volatile CountDownLatch atGate;

  @Function static int step(int x) { STEP_RUNS.incrementAndGet(); return x + 1; }

  @Application @Function
  static int app(int x) throws InterruptedException {
    boolean first = APP_RUNS.incrementAndGet() == 1;
    int a = Weft.fn(GracefulCloseTest::step).call(x);
    if (first) {
      atGate.countDown(); // the step's output is in the journal once its call has returned
      gate.await(30, TimeUnit.SECONDS);
    }
    return a * 100;
  }

  @Application @Function static int quick(int x) { return x; }

  @BeforeEach
  void reset() {
    STEP_RUNS.set(0);
    APP_RUNS.set(0);
    gate = new CountDownLatch(1);
    atGate = new CountDownLatch(1);
  }

  @Test
  void closeWithGrace_refusesNewRequests_andWaitsForRunningOnes() throws Exception {
    InMemoryJournal journal = new InMemoryJournal();
    WeftRuntime runtime = WeftRuntime.builder().journal(journal).build();
    Request<Integer> running = runtime.submit(Weft.fn(GracefulCloseTest::app), 1);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> STEP_RUNS.get() == 1);

    CompletableFuture<List<String>> closed = CompletableFuture.supplyAsync(() -> runtime.close(Duration.ofSeconds(30)));
    Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreException(IllegalStateException.class).until(() -> {
      try {
        runtime.submit(Weft.fn(GracefulCloseTest::quick), 1).result();
        return false;
      } catch (RejectedExecutionException refused) {
        assertThat(refused).hasMessageContaining("shutting down");
        return true;
      }
    });
    assertThat(closed).isNotDone();

    gate.countDown();
    assertThat(closed.get(10, TimeUnit.SECONDS)).as("nothing was given up").isEmpty();
    assertThat(running.result()).isEqualTo(200);
    assertThat(journal.info(running.id()).orElseThrow().state()).isEqualTo(RequestState.SUCCEEDED);
  }

  @Test
  void closeWithGrace_requestOutlivingIt_staysRunningInTheJournal_andResumesElsewhere() throws Exception {
    InMemoryJournal journal = new InMemoryJournal();
    WeftRuntime first = WeftRuntime.builder().journal(journal).build();
    Request<Integer> request = first.submit(Weft.fn(GracefulCloseTest::app), 2);
    assertThat(atGate.await(10, TimeUnit.SECONDS)).as("the first run reached the gate").isTrue();

    assertThat(first.close(Duration.ofMillis(50))).containsExactly(request.id());
    assertThatThrownBy(request::result).isInstanceOf(CancellationException.class)
        .hasStackTraceContaining("stays recorded as running");
    assertThat(journal.unfinished()).extracting(i -> i.id()).containsExactly(request.id());

    try (WeftRuntime second = WeftRuntime.builder().journal(journal).build()) {
      assertThat(second.resumeUnfinished(Applications.of(GracefulCloseTest.class))).isEqualTo(1);
      // The resumed request may end before a look at what runs: wait for its record instead.
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> journal.info(request.id()).orElseThrow().state() == RequestState.SUCCEEDED);
      assertThat(journal.output(request.id(), Integer.class)).contains(300);
    }
    assertThat(STEP_RUNS).as("the step came from the journal").hasValue(1);
    assertThat(journal.info(request.id()).orElseThrow().state()).isEqualTo(RequestState.SUCCEEDED);
    gate.countDown();
  }

  @Test
  void closeWithGrace_negative_isRejected() {
    try (WeftRuntime runtime = WeftRuntime.builder().build()) {
      assertThatThrownBy(() -> runtime.close(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Duration.ZERO");
    }
  }
}
