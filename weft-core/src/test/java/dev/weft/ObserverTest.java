package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.observe.Observation;
import dev.weft.observe.ObservedAttempt;
import dev.weft.observe.ObservedRequest;
import dev.weft.observe.Outcome;
import dev.weft.observe.RuntimeGauges;
import dev.weft.observe.WeftObserver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a runtime tells its observers, and in which parent each attempt is reported. */
final class ObserverTest {
  static volatile CountDownLatch started = new CountDownLatch(1);

  @Function static int twice(int x) { return x * 2; }

  @Application @Function
  static int forks(int x) {
    try (AsyncScope scope = AsyncScope.open()) {
      DelayedResult<Integer> a = scope.fork(Weft.fn(ObserverTest::twice).future(x));
      DelayedResult<Integer> b = scope.fork(Weft.fn(ObserverTest::twice).future(x + 1));
      return a.block() + b.block();
    }
  }

  @Application @Function
  static int waits(int x) throws InterruptedException {
    started.countDown();
    new CountDownLatch(1).await(); // until cancelled
    return x;
  }

  /** One request or attempt as recorded: its label, its parent's label, and how it ended. */
  static final class Node implements Observation {
    final String label;
    final String parent;
    volatile Outcome outcome;
    volatile Optional<Throwable> failure;

    Node(String label, String parent) {
      this.label = label;
      this.parent = parent;
    }

    @Override
    public void ended(Outcome outcome, Optional<Throwable> failure) {
      this.failure = failure;
      this.outcome = outcome;
    }
  }

  static final class Recording implements WeftObserver {
    final List<Node> nodes = new CopyOnWriteArrayList<>();
    volatile RuntimeGauges gauges;

    @Override
    public Observation requestStarted(ObservedRequest request) {
      Node n = new Node("request " + request.application(), "-");
      nodes.add(n);
      return n;
    }

    @Override
    public Observation attemptStarted(Observation parent, ObservedAttempt attempt) {
      Node n = new Node(attempt.function() + "#" + attempt.attempt(),
          parent instanceof Node p ? p.label : parent == Observation.NONE ? "NONE" : "foreign");
      nodes.add(n);
      return n;
    }

    @Override
    public void runtimeStarted(RuntimeGauges gauges) {
      this.gauges = gauges;
    }

    Node only(String label) {
      List<Node> found = nodes.stream().filter(n -> n.label.equals(label)).toList();
      assertThat(found).as(label + " in " + nodes.stream().map(n -> n.label).toList()).hasSize(1);
      return found.getFirst();
    }
  }

  @Test
  void scopeForks_areChildrenOfTheAttemptThatOpenedTheScope() {
    Recording rec = new Recording();
    try (WeftRuntime runtime = WeftRuntime.builder().eventLoops(1).observer(rec).build()) {
      assertThat(runtime.run(Weft.fn(ObserverTest::forks), 3)).isEqualTo(14);
      await().atMost(Duration.ofSeconds(5)).until(() -> rec.only("request ObserverTest.forks").outcome != null);
    }
    assertThat(rec.only("ObserverTest.forks#1").parent).isEqualTo("request ObserverTest.forks");
    assertThat(rec.nodes).filteredOn(n -> n.label.equals("ObserverTest.twice#1")).hasSize(2)
        .allSatisfy(n -> {
          assertThat(n.parent).isEqualTo("ObserverTest.forks#1");
          assertThat(n.outcome).isEqualTo(Outcome.SUCCEEDED);
        });
    assertThat(rec.only("request ObserverTest.forks").outcome).isEqualTo(Outcome.SUCCEEDED);
    assertThat(rec.gauges.eventLoops()).isEqualTo(1);
  }

  @Test
  void cancel_endsTheRunningAttemptAndTheRequestAsCancelled() throws InterruptedException {
    started = new CountDownLatch(1);
    Recording rec = new Recording();
    try (WeftRuntime runtime = WeftRuntime.builder().eventLoops(1).observer(rec).build()) {
      Request<Integer> r = runtime.submit(Weft.fn(ObserverTest::waits), 1);
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(rec.gauges.runningRequests()).isEqualTo(1);
      r.cancel();
      await().atMost(Duration.ofSeconds(5)).until(() -> rec.only("request ObserverTest.waits").outcome != null);
      await().atMost(Duration.ofSeconds(5)).until(() -> rec.only("ObserverTest.waits#1").outcome != null);
    }
    assertThat(rec.only("ObserverTest.waits#1").outcome).isEqualTo(Outcome.CANCELLED);
    assertThat(rec.only("request ObserverTest.waits").outcome).isEqualTo(Outcome.CANCELLED);
  }

  @Test
  void twoObservers_eachSeesEveryEventWithItsOwnParents() {
    Recording first = new Recording();
    Recording second = new Recording();
    try (WeftRuntime runtime = WeftRuntime.builder().eventLoops(1).observer(first, second).build()) {
      assertThat(runtime.run(Weft.fn(ObserverTest::forks), 1)).isEqualTo(6);
      await().atMost(Duration.ofSeconds(5)).until(() -> second.only("request ObserverTest.forks").outcome != null);
    }
    for (Recording rec : List.of(first, second)) {
      assertThat(rec.nodes).hasSize(4);
      assertThat(rec.nodes).filteredOn(n -> n.label.equals("ObserverTest.twice#1"))
          .allSatisfy(n -> assertThat(n.parent).isEqualTo("ObserverTest.forks#1"));
    }
  }

  @Test
  void observerThatThrows_isLoggedAndTheWorkGoesOn() {
    WeftObserver throwing = new WeftObserver() {
      @Override
      public Observation requestStarted(ObservedRequest request) {
        throw new IllegalStateException("observer bug");
      }

      @Override
      public Observation attemptStarted(Observation parent, ObservedAttempt attempt) {
        return (outcome, failure) -> {
          throw new IllegalStateException("observer bug at the end");
        };
      }
    };
    try (WeftRuntime runtime = WeftRuntime.builder().eventLoops(1).observer(throwing).build()) {
      assertThat(runtime.run(Weft.fn(ObserverTest::forks), 2)).isEqualTo(10);
    }
  }

  @Test
  void noObserverGiven_nothingIsObservedEvenWithProvidersOnTheClassPath() {
    Recording rec = new Recording();
    try (WeftRuntime runtime = WeftRuntime.builder().eventLoops(1).observer().build()) {
      assertThat(runtime.run(Weft.fn(ObserverTest::forks), 2)).isEqualTo(10);
    }
    assertThat(rec.nodes).isEmpty();
  }
}
