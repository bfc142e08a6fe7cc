package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests: output, id, context, state, progress, metrics, cancellation and how failures arrive. */
final class RequestTest {
  static final AtomicReference<String> SEEN_ID = new AtomicReference<>();
  static volatile CountDownLatch started;
  static volatile CountDownLatch release;
  static volatile CountDownLatch interrupted;

  private WeftRuntime runtime;

  static final class ShipmentLost extends RuntimeException {
    ShipmentLost(String message) {
      super(message);
    }
  }

  @Application @Function
  static String greet(String name) {
    return "hello " + name;
  }

  @Application @Function
  static String ownRequestId(int x) {
    String id = RequestContext.current().requestId();
    SEEN_ID.set(id);
    return id;
  }

  @Function static String putState(String value) {
    RequestContext.current().state().set("k", value);
    return value;
  }

  @Function static String readState(String key) {
    return RequestContext.current().state().get(key, String.class).orElse("<none>");
  }

  @Application @Function
  static String writeThenRead(String value) {
    Weft.fn(RequestTest::putState).call(value);
    return Weft.fn(RequestTest::readState).call("k");
  }

  @Application @Function
  static String readOnly(String key) {
    return Weft.fn(RequestTest::readState).call(key);
  }

  @Application @Function
  static int reportsProgress(int steps) throws InterruptedException {
    if (!release.await(30, TimeUnit.SECONDS)) { // until the test has registered its listener
      throw new IllegalStateException("the test never released the request");
    }
    for (int i = 1; i <= steps; i++) {
      RequestContext.current().progress().update(i, steps, "step " + i);
    }
    return steps;
  }

  @Function static int countsInChild(int x) {
    RequestContext.Metrics metrics = RequestContext.current().metrics();
    metrics.counter("items", 3);
    metrics.counter("calls");
    metrics.timer("work", Duration.ofMillis(15));
    return x;
  }

  @Application @Function
  static int countsInParentAndChild(int x) {
    RequestContext.Metrics metrics = RequestContext.current().metrics();
    metrics.counter("items", 2);
    metrics.timer("work", Duration.ofMillis(10));
    return Weft.fn(RequestTest::countsInChild).call(x);
  }

  @Function static int notAnApplication(int x) {
    return x;
  }

  @Application @Function
  static int blocksUntilReleased(int x) {
    started.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      interrupted.countDown();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while blocked");
    }
    return x;
  }

  @Function static int throwsCustom(int x) {
    throw new ShipmentLost("shipment " + x + " lost");
  }

  @Application @Function
  static int callsThrowingChild(int x) {
    return Weft.fn(RequestTest::throwsCustom).call(x);
  }

  @Application @Function
  static int throwsChecked(int x) throws IOException {
    throw new IOException("disk " + x + " full");
  }

  static volatile CyclicBarrier bothWrote;
  static volatile CountDownLatch childInterrupted;
  static final AtomicReference<CompletableFuture<Integer>> STAGE = new AtomicReference<>();

  @Application @Function
  static String writeMeetThenRead(String value) throws Exception {
    Weft.fn(RequestTest::putState).call(value);
    bothWrote.await(30, TimeUnit.SECONDS); // the other request has written its value too
    return Weft.fn(RequestTest::readState).call("k");
  }

  @Function static int blockedChild(int x) {
    started.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      childInterrupted.countDown();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("child interrupted");
    }
    return x;
  }

  @Application @Function
  static int waitsForBlockedChild(int x) {
    return Weft.fn(RequestTest::blockedChild).call(x);
  }

  @Application @Function
  static CompletionStage<Integer> asyncNeverCompletes(int x) {
    CompletableFuture<Integer> stage = new CompletableFuture<>();
    STAGE.set(stage);
    started.countDown();
    return stage;
  }

  @BeforeEach
  void reset() {
    SEEN_ID.set(null);
    started = new CountDownLatch(1);
    release = new CountDownLatch(1);
    interrupted = new CountDownLatch(1);
    childInterrupted = new CountDownLatch(1);
    bothWrote = new CyclicBarrier(2);
    STAGE.set(null);
  }

  @AfterEach
  void closeRuntime() {
    release.countDown();
    if (runtime != null) {
      runtime.close();
      runtime = null;
    }
  }

  @Test
  void run_defaultRuntime_returnsOutput() {
    assertThat(Weft.run(Weft.fn(RequestTest::greet), "ada")).isEqualTo("hello ada");
  }

  @Test
  void run_dedicatedRuntime_returnsOutput() {
    runtime = WeftRuntime.builder().eventLoops(1).build();

    assertThat(runtime.run(Weft.fn(RequestTest::greet), "bob")).isEqualTo("hello bob");
  }

  @Test
  void context_insideFunction_requestIdMatchesSubmittedRequest() {
    Request<String> request = Weft.submit(Weft.fn(RequestTest::ownRequestId), 1);

    String fromInside = request.result();

    assertThat(fromInside).isNotBlank().isEqualTo(request.id()).isEqualTo(SEEN_ID.get());
    assertThat(request.application()).isEqualTo("RequestTest.ownRequestId");
  }

  @Test
  void context_eachRequest_hasItsOwnId() {
    String first = Weft.run(Weft.fn(RequestTest::ownRequestId), 1);
    String second = Weft.run(Weft.fn(RequestTest::ownRequestId), 1);

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void context_outsideAnyFunction_throwsUsageExceptionSayingWhereItWorks() {
    assertThatThrownBy(RequestContext::current)
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("only available while a Weft function runs")
        .hasMessageContaining("@Function");
  }

  @Test
  void state_setInOneFunction_visibleToLaterFunctionOfSameRequestOnly() {
    assertThat(Weft.run(Weft.fn(RequestTest::writeThenRead), "blue")).isEqualTo("blue");

    assertThat(Weft.run(Weft.fn(RequestTest::readOnly), "k")).isEqualTo("<none>");
  }

  @Test
  void progress_updates_seenByRequestAndListeners() {
    Request<Integer> request = Weft.submit(Weft.fn(RequestTest::reportsProgress), 3);
    List<ProgressUpdate> heard = new CopyOnWriteArrayList<>();
    request.onProgress(heard::add);
    assertThat(request.progress()).isEmpty();

    release.countDown();
    assertThat(request.result()).isEqualTo(3);

    assertThat(heard).extracting(ProgressUpdate::current, ProgressUpdate::total, ProgressUpdate::message)
        .containsExactly(
            tuple(1.0, 3.0, "step 1"),
            tuple(2.0, 3.0, "step 2"),
            tuple(3.0, 3.0, "step 3"));
    assertThat(request.progress()).hasValueSatisfying(p -> {
      assertThat(p.current()).isEqualTo(3.0);
      assertThat(p.total()).isEqualTo(3.0);
      assertThat(p.message()).isEqualTo("step 3");
      assertThat(p.at()).isNotNull();
    });
  }

  @Test
  void onProgress_subscriptionClosed_listenerHearsNothingMore() {
    Request<Integer> request = Weft.submit(Weft.fn(RequestTest::reportsProgress), 3);
    List<ProgressUpdate> kept = new CopyOnWriteArrayList<>();
    List<ProgressUpdate> dropped = new CopyOnWriteArrayList<>();
    Subscription keep = request.onProgress(kept::add);
    Subscription drop = request.onProgress(dropped::add);
    Subscription sameListenerAgain = request.onProgress(kept::add);

    drop.close();
    drop.close(); // idempotent
    sameListenerAgain.close(); // removes that registration only, not the first one of kept::add
    release.countDown();
    assertThat(request.result()).isEqualTo(3);

    assertThat(dropped).isEmpty();
    assertThat(kept).hasSize(3);
    keep.close();
  }

  @Test
  void metrics_countersAndTimers_summedOverTheRequestsCalls() {
    Request<Integer> request = Weft.submit(Weft.fn(RequestTest::countsInParentAndChild), 1);

    assertThat(request.result()).isEqualTo(1);

    assertThat(request.counters()).isEqualTo(Map.of("items", 5L, "calls", 1L));
    assertThat(request.timers()).isEqualTo(Map.of("work", Duration.ofMillis(25)));
  }

  @Test
  void run_functionNotAnApplication_throwsUsageExceptionNamingApplication() {
    runtime = WeftRuntime.builder().eventLoops(1).build();

    assertThatThrownBy(() -> runtime.run(Weft.fn(RequestTest::notAnApplication), 1))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("RequestTest.notAnApplication")
        .hasMessageContaining("@Application");
  }

  @Test
  void cancel_runningRequest_interruptsItsCallAndResultThrowsCancellation() throws InterruptedException {
    Request<Integer> request = Weft.submit(Weft.fn(RequestTest::blocksUntilReleased), 1);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    assertThat(request.cancel()).isTrue();

    assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("the body saw the interrupt").isTrue();
    assertThatThrownBy(request::result).isInstanceOf(CancellationException.class);
    assertThat(request.done()).isTrue();
    assertThat(request.cancel()).isFalse();
  }

  @Test
  void abandon_runningRequest_waiterGetsReasonAndJournalStillHasItRunning() throws InterruptedException {
    dev.weft.journal.InMemoryJournal journal = new dev.weft.journal.InMemoryJournal();
    runtime = WeftRuntime.builder().eventLoops(1).journal(journal).build();
    Request<Integer> request = runtime.submit(Weft.fn(RequestTest::blocksUntilReleased), 1);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    IllegalStateException moved = new IllegalStateException("runs elsewhere now");

    assertThat(runtime.abandon(request.id(), moved)).isTrue();

    assertThatThrownBy(request::result).isSameAs(moved);
    assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("its calls were cancelled").isTrue();
    assertThat(request.done()).as("not finished: it goes on elsewhere").isFalse();
    assertThat(request.state()).isEqualTo(RequestState.RUNNING);
    await().atMost(Duration.ofSeconds(30)).until(() -> runtime.running(request.id()).isEmpty());
    assertThat(journal.info(request.id()).orElseThrow().state()).as("no end recorded").isEqualTo(RequestState.RUNNING);
    assertThat(runtime.abandon(request.id(), moved)).as("no longer running here").isFalse();
  }

  @Test
  void abandon_finishedRequest_keepsItsOutcome() {
    runtime = WeftRuntime.builder().eventLoops(1).build();
    Request<String> request = runtime.submit(Weft.fn(RequestTest::greet), "ann");
    assertThat(request.result()).isEqualTo("hello ann");

    assertThat(runtime.abandon(request.id(), new IllegalStateException("late"))).isFalse();

    assertThat(request.state()).isEqualTo(RequestState.SUCCEEDED);
    assertThat(request.done()).isTrue();
  }

  @Test
  void failure_customRuntimeException_reachesCallerWithTypeMessageAndStack() {
    Request<Integer> request = Weft.submit(Weft.fn(RequestTest::callsThrowingChild), 9);

    assertThatThrownBy(request::result)
        .isExactlyInstanceOf(ShipmentLost.class)
        .hasMessage("shipment 9 lost")
        .satisfies(e -> assertThat(Arrays.asList(e.getStackTrace()))
            .anySatisfy(el -> {
              assertThat(el.getClassName()).isEqualTo(RequestTest.class.getName());
              assertThat(el.getMethodName()).isEqualTo("throwsCustom");
            }));
  }

  @Test
  void failure_checkedException_arrivesAsFunctionExceptionWithOriginalCause() {
    Request<Integer> request = Weft.submit(Weft.fn(RequestTest::throwsChecked), 4);

    assertThatThrownBy(request::result)
        .isInstanceOfSatisfying(FunctionException.class, e -> {
          assertThat(e.function()).isEqualTo("RequestTest.throwsChecked");
          assertThat(e.getCause()).isExactlyInstanceOf(IOException.class).hasMessage("disk 4 full");
        });
  }

  @Test
  void state_concurrentRequests_eachSeesOnlyItsOwn() {
    Request<String> red = Weft.submit(Weft.fn(RequestTest::writeMeetThenRead), "red");
    Request<String> green = Weft.submit(Weft.fn(RequestTest::writeMeetThenRead), "green");

    assertThat(red.result(Duration.ofSeconds(10))).isEqualTo("red");
    assertThat(green.result(Duration.ofSeconds(10))).isEqualTo("green");
  }

  @Test
  void cancel_requestWaitingOnChild_cancelsAndInterruptsTheChild() throws InterruptedException {
    Request<Integer> request = Weft.submit(Weft.fn(RequestTest::waitsForBlockedChild), 1);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    assertThat(request.cancel()).isTrue();

    assertThat(childInterrupted.await(30, TimeUnit.SECONDS)).as("the child's body saw the interrupt").isTrue();
    assertThatThrownBy(request::result).isInstanceOf(CancellationException.class);
  }

  @Test
  void cancel_asyncApplication_cancelsItsStage() throws InterruptedException {
    Request<Integer> request = Weft.submit(Weft.asyncFn(RequestTest::asyncNeverCompletes), 1);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(30)).until(() -> STAGE.get() != null);

    assertThat(request.cancel()).isTrue();

    await().atMost(Duration.ofSeconds(30)).until(() -> STAGE.get().isCancelled());
    assertThatThrownBy(request::result).isInstanceOf(CancellationException.class);
  }
}
