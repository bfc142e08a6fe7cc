package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Clients that hang up while the server waits for them (a {@code ?wait=true} submit, an event
 * stream): the server notices within 2 s and lets go of the exchange's thread and the request's
 * progress listener; the request itself goes on.
 */
final class HangUpTest extends ServerTestSupport {
  private static final Duration NOTICED = Duration.ofSeconds(2);

  private HttpWeftServer impl() {
    return (HttpWeftServer) server;
  }

  private Socket send(String request) throws IOException {
    Socket s = new Socket(server.uri().getHost(), server.port());
    s.setSoTimeout(10_000);
    s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
    return s;
  }

  /** Reads until {@code marker} has arrived (the headers, an event). */
  private static void readUntil(Socket s, String marker) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder seen = new StringBuilder();
    while (!seen.toString().contains(marker)) {
      int b = in.read();
      assertThat(b).as("stream ended before '%s' in: %s", marker, seen).isNotNegative();
      seen.append((char) b);
    }
  }

  private String startBlocking() throws InterruptedException {
    String id = post("/v1/applications/TestApps.blocks", "1").json().get("request_id").asText();
    assertThat(TestApps.started.await(10, TimeUnit.SECONDS)).isTrue();
    return id;
  }

  @Test
  void waitTrue_clientHangsUp_exchangeReleasedWithin2sAndRequestGoesOn() throws Exception {
    Socket client = send("POST /v1/applications/TestApps.blocks?wait=true HTTP/1.1\r\nHost: x\r\n"
        + "Content-Length: 1\r\nIdempotency-Key: dropped-wait\r\n\r\n1");
    assertThat(TestApps.started.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> impl().activeExchanges() == 1);

    client.close();
    long start = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).until(() -> impl().activeExchanges() == 0);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(NOTICED);
    var request = runtime.running("dropped-wait").orElseThrow();
    assertThat(request.done()).isFalse();
    TestApps.release.countDown();
    assertThat(request.result()).isEqualTo(1);
  }

  @Test
  void progressStream_clientHangsUp_listenerAndThreadReleasedWithin2s() throws Exception {
    String id = startBlocking();
    Socket client = send("GET /v1/requests/" + id + "/progress HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
    readUntil(client, "event: progress");
    assertThat(impl().openWatches()).isEqualTo(1);

    client.close();
    long start = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).until(() -> impl().openWatches() == 0 && impl().activeExchanges() == 0);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(NOTICED);
    assertThat(runtime.running(id)).hasValueSatisfying(r -> assertThat(r.done()).isFalse());
  }

  @Test
  void submitStream_clientHangsUp_released() throws Exception {
    Socket client = send("POST /v1/applications/TestApps.blocks HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
        + "Content-Length: 1\r\n\r\n1");
    readUntil(client, "event: accepted");
    assertThat(TestApps.started.await(10, TimeUnit.SECONDS)).isTrue();

    client.close();

    await().atMost(NOTICED.plusSeconds(3)).until(() -> impl().openWatches() == 0 && impl().activeExchanges() == 0);
  }

  @Test
  void progressStreams_manyDropped_everyListenerAndThreadReleased() throws Exception {
    String id = startBlocking();
    List<Socket> clients = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Socket s = send("GET /v1/requests/" + id + "/progress HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
      clients.add(s);
    }
    for (Socket s : clients) {
      readUntil(s, "event: progress");
    }
    assertThat(impl().openWatches()).isEqualTo(200);

    for (Socket s : clients) {
      s.close();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> impl().openWatches() == 0 && impl().activeExchanges() == 0);
    assertThat(get("/v1/requests/" + id).json().get("state").asText()).isEqualTo("RUNNING");
  }

  @Test
  void waitTrue_serverCloses_503ShuttingDownAndRequestGoesOn() throws Exception {
    Socket client = send("POST /v1/applications/TestApps.blocks?wait=true HTTP/1.1\r\nHost: x\r\n"
        + "Content-Length: 1\r\nIdempotency-Key: closing\r\n\r\n1");
    assertThat(TestApps.started.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> impl().activeExchanges() == 1);

    server.close();
    RawResponse r = readRaw(client.getInputStream());

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.json().path("code").asText()).isEqualTo("shutting_down");
    assertThat(runtime.running("closing")).hasValueSatisfying(req -> assertThat(req.done()).isFalse());
    client.close();
  }

  @Test
  void waitTrue_twoLongRequestsOnOneKeepAliveConnection_bothAnswered() throws Exception {
    // Regression: the second watch of the same socket registered it again while the first key
    // was cancelled but not yet dropped, failed, and took the client for gone.
    try (Socket client = send("")) {
      for (int i = 1; i <= 3; i++) {
        TestApps.reset();
        client.getOutputStream().write(("POST /v1/applications/TestApps.blocks?wait=true HTTP/1.1\r\nHost: x\r\n"
            + "Content-Length: 1\r\n\r\n" + i).getBytes(StandardCharsets.UTF_8));
        assertThat(TestApps.started.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> impl().activeExchanges() == 1);
        await().pollDelay(Duration.ofMillis(100)).until(() -> true); // past the moment watching starts
        TestApps.release.countDown();

        RawResponse r = readRaw(client.getInputStream());

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("output").asInt()).isEqualTo(i);
      }
    }
  }

  @Test
  void waitTrue_clientStays_getsTheOutput() throws Exception {
    Socket client = send("POST /v1/applications/TestApps.blocks?wait=true HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n7");
    assertThat(TestApps.started.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> impl().activeExchanges() == 1);

    TestApps.release.countDown();
    RawResponse r = readRaw(client.getInputStream());

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("output").asInt()).isEqualTo(7);
    client.close();
  }
}
