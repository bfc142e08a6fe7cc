package dev.weft.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.remote.wire.Wire;
import java.lang.reflect.Type;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call id runs at most once per worker process: resends of a running call wait for it, resends
 * of a finished one get its kept outcome, and a caller whose reply was lost on the way gets it by
 * sending again, without a retry and without the function running twice. Real worker processes;
 * {@link Fixtures#countRuns} answers with how many times it ran for a key.
 */
class AtMostOnceTest {
  @TempDir static Path registry;

  static RemoteFn1<Fixtures.RunOrder, Integer> direct;
  static RemoteFn1<Fixtures.RunOrder, Integer> viaProxy;
  static ProxiedBackend proxied;
  static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void deploy() {
    proxied = new ProxiedBackend(Workers.at(registry));
    Compute compute = Compute.builder().memory("256m").build();
    var a = Remote.fn(Fixtures::countRuns).backend(Workers.at(registry)).toAsync(compute);
    var b = Remote.fn(Fixtures::countRuns).name("count-runs-proxied").backend(proxied).toAsync(compute);
    direct = a.join();
    viaProxy = b.join();
  }

  @AfterAll
  static void teardown() throws Exception {
    for (RemoteFunction f : new RemoteFunction[] {direct, viaProxy}) {
      if (f != null) {
        f.teardown();
      }
    }
    proxied.close();
  }

  // ---- the worker, over raw HTTP ----

  @Test
  void resendsOfARunningCallWaitForIt_andOneAfterItFinishedGetsItsKeptOutcome_itRunsOnce() throws Exception {
    Endpoint e = Workers.endpoint(direct);
    String id = UUID.randomUUID().toString();
    var order = new Fixtures.RunOrder("same-id", 1500);
    CompletableFuture<HttpResponse<String>> first = CLIENT.sendAsync(post(e, id, order, false), HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> Workers.inFlight(e) == 1);
    List<CompletableFuture<HttpResponse<String>>> resends = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      resends.add(CLIENT.sendAsync(post(e, id, order, i % 2 == 0), HttpResponse.BodyHandlers.ofString()));
    }
    assertThat(first.get().statusCode()).isEqualTo(200);
    assertThat(withoutPings(first.get().body())).isEqualTo("value 1\n"); // a reply silent for a second gets pings
    for (var r : resends) {
      // The outcome alone, logs asked for or not: they went to the first reply.
      assertThat(r.get().statusCode()).isEqualTo(200);
      assertThat(r.get().body()).isEqualTo("value 1\n");
    }
    assertThat(Workers.inFlight(e)).isZero();

    HttpResponse<String> later = CLIENT.send(post(e, id, order, true), HttpResponse.BodyHandlers.ofString());
    assertThat(later.body()).isEqualTo("value 1\n");
    assertThat(later.headers().firstValue("Content-Length")).hasValue("8"); // fixed length, not streamed
  }

  @Test
  void anotherCallIdIsAnotherCall_andRuns() throws Exception {
    Endpoint e = Workers.endpoint(direct);
    var order = new Fixtures.RunOrder("other-id", 0);
    String id = UUID.randomUUID().toString();
    assertThat(CLIENT.send(post(e, id, order, false), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("value 1\n");
    assertThat(CLIENT.send(post(e, id, order, false), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("value 1\n");
    String another = UUID.randomUUID().toString();
    assertThat(CLIENT.send(post(e, another, order, false), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("value 2\n");
  }

  @Test
  void aCancelReachesACallResendsWaitFor_andTheyAllGetItsOutcome() throws Exception {
    Endpoint e = Workers.endpoint(direct);
    String id = UUID.randomUUID().toString();
    var order = new Fixtures.RunOrder("cancelled", 60_000);
    var first = CLIENT.sendAsync(post(e, id, order, true), HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> Workers.inFlight(e) == 1);
    var resend = CLIENT.sendAsync(post(e, id, order, false), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> cancel = CLIENT.send(HttpRequest.newBuilder(e.uri().resolve(Wire.path(id)))
        .header("Authorization", "Bearer " + e.token()).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(cancel.statusCode()).isEqualTo(202);
    String outcome = resend.get().body();
    assertThat(outcome).startsWith("error ").contains("CancellationException");
    assertThat(first.get().body()).endsWith(outcome); // after the log line, if the call got to print it
    assertThat(CLIENT.send(post(e, id, order, false), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo(outcome);
  }

  // ---- the caller, through a proxy that loses replies ----

  @Test
  void aReplyLostAfterTheCallFinishedIsHadBySendingAgain_withoutARetryOrASecondRun() {
    LossyProxy proxy = proxied.proxyOf(viaProxy);
    long pid = viaProxy.processIds().get(0);
    int lostBefore = proxy.lost();
    proxy.loseReplies(1);
    // countRuns has no retries: before resends, this failed with ServiceUnavailableException.
    assertThat(viaProxy.call(new Fixtures.RunOrder("lost-reply", 0))).isEqualTo(1);
    assertThat(proxy.lost()).isEqualTo(lostBefore + 1);
    assertThat(viaProxy.call(new Fixtures.RunOrder("lost-reply", 0))).isEqualTo(2); // a new call runs
    assertThat(viaProxy.processIds()).containsExactly(pid);
  }

  @Test
  void aConnectionCutWhileTheCallRunsIsResentAndWaitsForThatCall() {
    LossyProxy proxy = proxied.proxyOf(viaProxy);
    int lostBefore = proxy.lost();
    List<String> lines = new CopyOnWriteArrayList<>();
    proxy.loseReplies(1); // with logs asked for, the reply starts while the call runs: that is what is cut
    assertThat(viaProxy.withLogs(lines::add).call(new Fixtures.RunOrder("cut-mid-call", 1000))).isEqualTo(1);
    assertThat(proxy.lost()).isEqualTo(lostBefore + 1);
    assertThat(lines).doesNotContain("run 2 of cut-mid-call");
    assertThat(viaProxy.call(new Fixtures.RunOrder("cut-mid-call", 0))).isEqualTo(2);
  }

  @Test
  void aPathThatLosesEveryReplyEndsWithServiceUnavailable_theCallHavingRunOnce() {
    LossyProxy proxy = proxied.proxyOf(viaProxy);
    long pid = viaProxy.processIds().get(0);
    int lostBefore = proxy.lost();
    proxy.loseReplies(Calls.MAX_RESENDS + 1);
    assertThatThrownBy(() -> viaProxy.call(new Fixtures.RunOrder("always-lost", 0)))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("were lost " + (Calls.MAX_RESENDS + 1) + " times in a row although it still answers")
        .hasMessageContaining("pid " + pid);
    assertThat(proxy.lost()).isEqualTo(lostBefore + Calls.MAX_RESENDS + 1);
    assertThat(viaProxy.call(new Fixtures.RunOrder("always-lost", 0))).isEqualTo(2);
    assertThat(viaProxy.processIds()).containsExactly(pid);
  }

  private static HttpRequest post(Endpoint e, String id, Fixtures.RunOrder order, boolean logs) {
    return HttpRequest.newBuilder(e.uri().resolve(Wire.path("Fixtures.countRuns")))
        .header("Authorization", "Bearer " + e.token())
        .header(Wire.CALL_ID, id)
        .header(Wire.LOGS, logs ? "1" : "0")
        .POST(HttpRequest.BodyPublishers.ofString(Wire.CODEC.encodeArgs(new Object[] {order}, new Type[] {Fixtures.RunOrder.class})))
        .build();
  }

  /** A streamed reply without the pings a worker writes on it after each silent second. */
  private static String withoutPings(String body) {
    return body.lines().filter(l -> !l.equals(Wire.PING)).map(l -> l + "\n").reduce("", String::concat);
  }
}
