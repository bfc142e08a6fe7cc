package dev.weft.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.Application;
import dev.weft.Applications;
import dev.weft.Fn1;
import dev.weft.Function;
import dev.weft.FunctionException;
import dev.weft.FunctionTimeoutException;
import dev.weft.Future;
import dev.weft.Request;
import dev.weft.RequestState;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.journal.InMemoryJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Remote functions as Weft handles ({@code asFn()}): composition, dispatch, errors, timeouts and journaling. */
final class WeftHandleTest {
  @TempDir static Path registry;

  static RemoteFn1<Integer, Integer> twice;
  static RemoteFn1<Long, String> asyncSleep;
  static RemoteFn1<Integer, Integer> withdraw;
  static RemoteFn1<Fixtures.RunOrder, Integer> countRuns;
  static RemoteFn1<Fixtures.SleepOrder, String> sleep;

  /** Holds the first incarnation of {@link #durable} until the test is over: it stands for a dead process. */
  static final CountDownLatch FIRST_INCARNATION = new CountDownLatch(1);
  static final CountDownLatch FIRST_CALL_DONE = new CountDownLatch(1);
  static volatile int incarnations;

  @Function
  static int add(int a, int b) {
    return a + b;
  }

  /** Calls the remote function twice, the first incarnation dying (never returning) in between. */
  @Application
  @Function
  static int durable(String key) throws InterruptedException {
    boolean first = ++incarnations == 1;
    int a = countRuns.asFn().call(new Fixtures.RunOrder(key, 0));
    if (first) {
      FIRST_CALL_DONE.countDown();
      FIRST_INCARNATION.await(60, TimeUnit.SECONDS);
      throw new IllegalStateException("the first incarnation must never finish the request");
    }
    int b = countRuns.asFn().call(new Fixtures.RunOrder(key + "-second", 0));
    return a * 10 + b;
  }

  @BeforeAll
  static void deploy() {
    ComputeBackend backend = Workers.at(registry);
    Compute compute = Compute.builder().cpus(1).memory("256m").build();
    var t = Remote.fn(Fixtures::twice).backend(backend).toAsync(compute);
    var s = Remote.asyncFn(Fixtures::asyncSleep).backend(backend).toAsync(compute);
    var w = Remote.fn(Fixtures::withdraw).backend(backend).toAsync(compute);
    var c = Remote.fn(Fixtures::countRuns).backend(backend).toAsync(compute);
    var z = Remote.fn(Fixtures::sleep).backend(backend).toAsync(compute);
    CompletableFuture.allOf(t, s, w, c, z).join();
    twice = t.join();
    asyncSleep = s.join();
    withdraw = w.join();
    countRuns = c.join();
    sleep = z.join();
  }

  @AfterAll
  static void teardown() {
    FIRST_INCARNATION.countDown();
    for (RemoteFunction f : new RemoteFunction[] {twice, asyncSleep, withdraw, countRuns, sleep}) {
      if (f != null) {
        f.teardown();
      }
    }
  }

  @Test
  void asFn_mapsOnTheWorker_reducesLocally_takesFuturesAsArguments() {
    Fn1<Integer, Integer> remoteTwice = twice.asFn();
    Future<List<Integer>> doubled = remoteTwice.map(List.of(1, 2, 3, 4));
    assertThat(Weft.fn(WeftHandleTest::add).reduce(doubled, 0).result()).isEqualTo(20);
    Future<Integer> eight = remoteTwice.future(remoteTwice.future(2)); // a future as the argument
    assertThat(eight.result()).isEqualTo(8);
    assertThat(remoteTwice.name()).isEqualTo("Fixtures.twice");
    assertThat(twice.asFn()).isSameAs(remoteTwice);
  }

  @Test
  void asFn_ofAnAsyncFunction_runsTheCallsConcurrently() {
    long start = System.nanoTime();
    List<String> woke = asyncSleep.asFn().map(LongStream.range(0, 10).mapToObj(i -> 500L).toList()).result();
    assertThat(woke).hasSize(10).containsOnly("woke");
    // One after another, ten 500 ms calls would take 5 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
  }

  @Test
  void asFn_failsAsALocalCallDoes_withTheRemoteType() {
    assertThatThrownBy(() -> withdraw.asFn().call(50)).isInstanceOf(FunctionException.class)
        .cause().isInstanceOf(Fixtures.InsufficientFunds.class).hasMessage("cannot withdraw 50: balance is 10");
  }

  @Test
  void asFn_followsTheHandlesTimeout_andCancelsOnTheWorker(@TempDir Path scratch) {
    Path marker = scratch.resolve("timed-out");
    Fn1<Fixtures.SleepOrder, String> impatient = sleep.withTimeout(Duration.ofSeconds(1)).asFn();
    assertThatThrownBy(() -> impatient.call(new Fixtures.SleepOrder(20_000, marker.toString())))
        .isInstanceOf(FunctionTimeoutException.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> java.nio.file.Files.exists(marker));
  }

  @Test
  void asFn_inADurableRequest_isJournaled_soAResumedRequestDoesNotCallTheServiceAgain() throws Exception {
    InMemoryJournal journal = new InMemoryJournal();
    WeftRuntime first = WeftRuntime.builder().journal(journal).build();
    Request<Integer> request = first.submit(Weft.fn(WeftHandleTest::durable), "durable");
    assertThat(FIRST_CALL_DONE.await(30, TimeUnit.SECONDS)).isTrue();
    first.close(); // the process "dies": the request is still recorded as running

    try (WeftRuntime second = WeftRuntime.builder().journal(journal).build()) {
      assertThat(second.resumeUnfinished(Applications.of(WeftHandleTest.class))).isGreaterThanOrEqualTo(1);
      int out = second.running(request.id()).map(r -> (Integer) r.result()).orElseThrow();
      assertThat(out).as("the first call's 1 came from the journal; the second ran once").isEqualTo(11);
    }
    assertThat(journal.info(request.id()).orElseThrow().state()).isEqualTo(RequestState.SUCCEEDED);
    // The service ran the first call once: its next run of that key is its second.
    assertThat(countRuns.call(new Fixtures.RunOrder("durable", 0))).isEqualTo(2);
  }
}
