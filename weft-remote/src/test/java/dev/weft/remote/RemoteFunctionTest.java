package dev.weft.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.FunctionException;
import dev.weft.FunctionTimeoutException;
import dev.weft.UsageException;
import dev.weft.remote.wire.Wire;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls to functions deployed on real worker processes: values, errors, dispatch, logs, timeouts, cancel, security. */
class RemoteFunctionTest {
  @TempDir static Path registry;
  @TempDir Path scratch;

  static RemoteFn1<Integer, Integer> twice;
  static RemoteFn1<String, String> threadName;
  static RemoteFn1<String, String> loopThreadName;
  static RemoteFn1<Integer, Integer> withdraw;
  static RemoteFn1<String, Integer> fail;
  static RemoteFn1<Fixtures.SleepOrder, String> sleep;
  static RemoteFn1<Integer, List<String>> logLines;
  static RemoteFn1<Long, String> blockingAsync;
  static RemoteFn1<String, Integer> flaky;
  static RemoteFn1<String, Integer> workerOnlyType;

  @BeforeAll
  static void deploy() {
    ComputeBackend backend = Workers.at(registry);
    Compute compute = Compute.builder().cpus(2).memory("256m").build();
    var deployments = List.of(
        Remote.fn(Fixtures::twice).backend(backend).toAsync(compute),
        Remote.fn(Fixtures::threadName).backend(backend).toAsync(compute),
        Remote.asyncFn(Fixtures::loopThreadName).backend(backend).toAsync(compute),
        Remote.fn(Fixtures::withdraw).backend(backend).toAsync(compute),
        Remote.fn(Fixtures::fail).backend(backend).toAsync(compute),
        Remote.fn(Fixtures::sleep).backend(backend).toAsync(compute),
        Remote.fn(Fixtures::logLines).backend(backend).toAsync(compute),
        Remote.asyncFn(Fixtures::blockingAsync).backend(backend).toAsync(compute),
        Remote.fn(Fixtures::flaky).backend(backend).toAsync(compute),
        Remote.fn(Fixtures::failWithWorkerOnlyType).backend(backend).toAsync(compute));
    CompletableFuture.allOf(deployments.toArray(CompletableFuture[]::new)).join();
    twice = cast(deployments.get(0).join());
    threadName = cast(deployments.get(1).join());
    loopThreadName = cast(deployments.get(2).join());
    withdraw = cast(deployments.get(3).join());
    fail = cast(deployments.get(4).join());
    sleep = cast(deployments.get(5).join());
    logLines = cast(deployments.get(6).join());
    blockingAsync = cast(deployments.get(7).join());
    flaky = cast(deployments.get(8).join());
    workerOnlyType = cast(deployments.get(9).join());
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  @AfterAll
  static void teardown() {
    for (RemoteFunction f : new RemoteFunction[] {twice, threadName, loopThreadName, withdraw, fail, sleep, logLines, blockingAsync, flaky, workerOnlyType}) {
      if (f != null) {
        f.teardown();
      }
    }
  }

  @Test
  void callsRunInAnotherProcessAndReturnTheirValue() {
    assertThat(twice.call(21)).isEqualTo(42);
    assertThat(twice.processIds()).doesNotContain(ProcessHandle.current().pid());
    assertThat(twice.serviceName()).isEqualTo("fixtures-twice");
    assertThat(Workers.endpoint(twice).uri().getHost()).isEqualTo("127.0.0.1");
  }

  /**
   * Many callers sharing the pooled connections: a call must never disturb a connection another
   * call is using (closing a response before its end once closed connections already reused).
   */
  @Test
  void sixtyFourConcurrentCallersAllGetTheirOwnAnswers() throws Exception {
    int callers = 64;
    int callsEach = 150;
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<Integer>> done = new java.util.ArrayList<>();
      for (int c = 0; c < callers; c++) {
        int first = c * callsEach;
        done.add(threads.submit(() -> {
          for (int i = first; i < first + callsEach; i++) {
            assertThat(twice.call(i)).isEqualTo(2 * i);
          }
          return callsEach;
        }));
      }
      int total = 0;
      for (var f : done) {
        total += f.get();
      }
      assertThat(total).isEqualTo(callers * callsEach);
    }
  }

  @Test
  void syncByDefault_asyncPerCall_defaultSwitch_perCallOverrideWins() throws Exception {
    var order = new Fixtures.SleepOrder(300, null);
    assertThat(sleep.invoke(order).isDone()).isTrue(); // sync default: invoke blocked
    CompletableFuture<String> perCall = sleep.callAsync(order);
    assertThat(perCall.isDone()).isFalse();
    RemoteFn1<Fixtures.SleepOrder, String> asyncByDefault = sleep.withAsyncDefault(true);
    CompletableFuture<String> byDefault = asyncByDefault.invoke(order);
    assertThat(byDefault.isDone()).isFalse();
    assertThat(asyncByDefault.call(order)).isEqualTo("slept 300"); // the per-call form wins
    assertThat(perCall.get()).isEqualTo("slept 300");
    assertThat(byDefault.get()).isEqualTo("slept 300");
    assertThat(sleep.asyncDefault()).isFalse();
    assertThat(asyncByDefault.asyncDefault()).isTrue();
  }

  @Test
  void syncFunctionsRunOnVirtualWorkerThreads_asyncOnesOnTheEventLoop() {
    assertThat(threadName.call("x")).isEqualTo("weft-call");
    assertThat(loopThreadName.call("x")).startsWith("weft-loop-");
  }

  @Test
  void aBlockingAsyncFunctionIsReportedToTheCaller() {
    List<String> lines = new CopyOnWriteArrayList<>();
    assertThat(blockingAsync.withLogs(lines::add).call(300L)).isEqualTo("blocked for 300");
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("[weft] weft-loop-").contains("was blocked")
        .contains("Fixtures.blockingAsync"));
  }

  @Test
  void aCheckedExceptionKeepsItsType_remoteStackAndOrigin() {
    CompletableFuture<Integer> f = withdraw.callAsync(50);
    assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(Fixtures.InsufficientFunds.class).hasMessage("cannot withdraw 50: balance is 10");
    Throwable remote = f.handle((v, e) -> e).join();
    assertThat(Arrays.stream(remote.getStackTrace()).map(StackTraceElement::toString))
        .anySatisfy(s -> assertThat(s).contains("Fixtures.withdraw"))
        .anySatisfy(s -> assertThat(s).contains("service fixtures-withdraw, replica 0, pid " + withdraw.processIds().get(0)));
    // The blocking form wraps a checked exception as local calls do.
    assertThatThrownBy(() -> withdraw.call(50)).isInstanceOf(FunctionException.class)
        .cause().isInstanceOf(Fixtures.InsufficientFunds.class);
  }

  @Test
  void anExceptionTypeTheCallerCannotLoadComesBackAsARemoteExceptionNamingIt() {
    assertThatThrownBy(() -> workerOnlyType.call("a type of the worker's own"))
        .isInstanceOf(dev.weft.transport.RemoteException.class)
        .hasMessageContaining("a type of the worker's own")
        .satisfies(t -> {
          dev.weft.transport.RemoteException r = (dev.weft.transport.RemoteException) t;
          assertThat(r.remoteType()).startsWith(Fixtures.InsufficientFunds.class.getName() + "/"); // a hidden class's name
          assertThat(r.origin()).contains("pid " + workerOnlyType.processIds().get(0));
          assertThat(Arrays.stream(r.getStackTrace()).map(StackTraceElement::toString))
              .anySatisfy(s -> assertThat(s).contains("Fixtures.failWithWorkerOnlyType"));
        });
  }

  @Test
  void anUncheckedExceptionIsThrownAsItself() {
    assertThatThrownBy(() -> fail.call("boom")).isInstanceOf(IllegalStateException.class).hasMessage("boom");
  }

  @Test
  void aRetryableFailureIsRetriedPerTheFunctionsPolicy() {
    assertThat(flaky.call("a")).isEqualTo(3); // two failures, then the third attempt answers
    assertThatThrownBy(() -> flaky.withTimeout(Duration.ofMillis(30)).call("b")) // no time left for a retry
        .isInstanceOf(IllegalStateException.class).hasMessage("attempt 1 of b fails");
  }

  @Test
  void logLinesStreamBackWhileTheCallRuns() {
    List<String> lines = new CopyOnWriteArrayList<>();
    assertThat(logLines.withLogs(lines::add).call(3)).containsExactly("done");
    assertThat(lines).containsExactly("line 1", "line 2", "line 3");

    List<String> early = new CopyOnWriteArrayList<>();
    CompletableFuture<String> running = sleep.withLogs(early::add).callAsync(new Fixtures.SleepOrder(3000, null));
    await().atMost(Duration.ofSeconds(2)).until(() -> !early.isEmpty());
    assertThat(running).isNotDone();
    assertThat(early).containsExactly("sleeping 3000 ms");
    running.cancel(true);
  }

  @Test
  void aTimeoutFailsTheCallerAndCancelsTheCallOnTheWorker() throws Exception {
    Path marker = scratch.resolve("timed-out");
    long start = System.nanoTime();
    assertThatThrownBy(() -> sleep.withTimeout(Duration.ofSeconds(1)).call(new Fixtures.SleepOrder(20_000, marker.toString())))
        .isInstanceOf(FunctionTimeoutException.class).hasMessageContaining("Fixtures.sleep");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(marker)); // the worker interrupted it
  }

  @Test
  void cancellingTheFutureCancelsTheCallOnTheWorker() {
    Path marker = scratch.resolve("cancelled");
    CompletableFuture<String> f = sleep.callAsync(new Fixtures.SleepOrder(20_000, marker.toString()));
    await().atMost(Duration.ofSeconds(5)).until(() -> Workers.inFlight(Workers.endpoint(sleep)) > 0);
    assertThat(f.cancel(true)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(marker));
  }

  @Test
  void anUnknownFunctionNameIsRejected_noClassNamedOnTheWireIsLoaded() throws Exception {
    Endpoint e = Workers.endpoint(twice);
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(e.uri().resolve(Wire.path("java.lang.Runtime.exec")))
        .header("Authorization", "Bearer " + e.token()).POST(HttpRequest.BodyPublishers.ofString("[\"id\"]")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("unknown_function").contains("does not serve 'java.lang.Runtime.exec'")
        .contains("Fixtures.twice");
  }

  @Test
  void aRequestWithoutTheServiceTokenIsRefused() throws Exception {
    Endpoint e = Workers.endpoint(twice);
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(e.uri().resolve(Wire.path("Fixtures.twice"))).POST(HttpRequest.BodyPublishers.ofString("[1]")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void badArgumentsAreRejectedWithTheJsonPath() throws Exception {
    Endpoint e = Workers.endpoint(twice);
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(e.uri().resolve(Wire.path("Fixtures.twice"))).header("Authorization", "Bearer " + e.token())
            .POST(HttpRequest.BodyPublishers.ofString("[\"x\"]")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("bad_arguments");
  }

  @Test
  void misuseIsReportedOnTheCallersThread() {
    assertThatThrownBy(() -> twice.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> Remote.fn(Fixtures::twice).initArgs(1)).isInstanceOf(UsageException.class)
        .hasMessageContaining("initArgs are for classes");
    assertThatThrownBy(() -> Remote.fn(Fixtures::twice).name("Not_A_Label")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DNS label");
  }
}
