package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** POST /v1/applications/{app}: inputs, idempotency, ?wait=true, event streams and every error. */
class SubmitTest extends ServerTestSupport {
  static final String ORDER = "/v1/applications/TestApps.order";

  @Test
  void submit_validInput_202ThenOutputIsReadable() {
    Response r = post(ORDER, "{\"item\":\"tea\",\"quantity\":2}", "Content-Type", "application/json");

    assertThat(r.status()).isEqualTo(202);
    JsonNode body = r.json();
    String id = body.get("request_id").asText();
    assertThat(body.get("application").asText()).isEqualTo("TestApps.order");
    assertThat(body.get("state").asText()).isIn("RUNNING", "SUCCEEDED");
    assertThat(body.get("duplicate").asBoolean()).isFalse();
    assertThat(r.headers().firstValue("Location")).hasValue("/v1/requests/" + id);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    await().until(() -> get("/v1/requests/" + id).json().get("state").asText().equals("SUCCEEDED"));
    Response output = get("/v1/requests/" + id + "/output");
    assertThat(output.status()).isEqualTo(200);
    assertThat(output.json()).isEqualTo(MAPPER.createObjectNode().put("item", "tea").put("quantity", 2)
        .set("notes", MAPPER.createArrayNode().add("thanks")));
  }

  @Test
  void submit_asyncApplication_outputArrives() {
    JsonNode done = run("TestApps.doubleAsync", "21");

    assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(done.get("output").asInt()).isEqualTo(42);
  }

  @Test
  void submit_wait_returnsOutputInOneRoundTrip() {
    JsonNode done = run("TestApps.inc", "41");

    assertThat(done.get("output").asInt()).isEqualTo(42);
    assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(done.get("duplicate").asBoolean()).isFalse();
    assertThat(done.has("error")).isFalse();
  }

  @Test
  void submit_waitOnRequestError_failedWithExactlyItsMessage() {
    JsonNode done = run("TestApps.refuses", "\"out of tea, sorry\"");

    assertThat(done.get("state").asText()).isEqualTo("FAILED");
    assertThat(done.get("error").get("code").asText()).isEqualTo("request_failed");
    assertThat(done.get("error").get("message").asText()).isEqualTo("out of tea, sorry");
    assertThat(done.has("output")).isFalse();
  }

  @Test
  void submit_waitFalse_sameAsWithout() {
    assertThat(post("/v1/applications/TestApps.inc?wait=false", "1").status()).isEqualTo(202);
  }

  @Test
  void submit_sameIdempotencyKey_sameRequestAndRunsOnce() {
    Response first = post(ORDER + "?wait=true", "{\"item\":\"tea\",\"quantity\":1}", "Idempotency-Key", "order-7");
    Response second = post(ORDER, "{\"item\":\"tea\",\"quantity\":1}", "Idempotency-Key", "order-7");

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().get("request_id").asText()).isEqualTo("order-7");
    assertThat(first.json().get("duplicate").asBoolean()).isFalse();
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().get("request_id").asText()).isEqualTo("order-7");
    assertThat(second.json().get("duplicate").asBoolean()).isTrue();
    assertThat(second.json().get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(TestApps.ORDERS_RUN.get()).isEqualTo(1);
  }

  @Test
  void submit_sameKeyWhileRunning_duplicateOfTheRunningRequest() throws Exception {
    Response first = post("/v1/applications/TestApps.blocks", "5", "Idempotency-Key", "k-running");
    TestApps.started.await();
    Response second = post("/v1/applications/TestApps.blocks", "5", "Idempotency-Key", "k-running");

    assertThat(first.status()).isEqualTo(202);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().get("duplicate").asBoolean()).isTrue();
    assertThat(second.json().get("state").asText()).isEqualTo("RUNNING");
    TestApps.release.countDown();
    assertThat(run("TestApps.blocks", "5", "Idempotency-Key", "k-running").get("output").asInt()).isEqualTo(5);
  }

  @Test
  void submit_sameKeyConcurrently_oneNewRequestAndOneRun() throws Exception {
    int clients = 8;
    List<Future<Response>> responses = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < clients; i++) {
        Callable<Response> c = () -> post(ORDER, "{\"item\":\"tea\",\"quantity\":3}", "Idempotency-Key", "same-key");
        responses.add(pool.submit(c));
      }
    }
    List<Integer> statuses = new ArrayList<>();
    for (Future<Response> f : responses) {
      statuses.add(f.get().status());
    }

    assertThat(statuses).containsOnlyOnce(202);
    assertThat(statuses).filteredOn(s -> s == 200).hasSize(clients - 1);
    await().until(() -> get("/v1/requests/same-key").json().get("state").asText().equals("SUCCEEDED"));
    assertThat(TestApps.ORDERS_RUN.get()).isEqualTo(1);
  }

  @Test
  void submit_keyOfAnotherApplication_409() {
    run("TestApps.inc", "1", "Idempotency-Key", "shared");

    Response r = post("/v1/applications/TestApps.doubleAsync", "1", "Idempotency-Key", "shared");

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.code()).isEqualTo("idempotency_key_reused");
    assertThat(r.message()).contains("TestApps.inc").contains("new key");
  }

  @Test
  void submit_invalidIdempotencyKey_400() {
    Response tooLong = post("/v1/applications/TestApps.inc", "1", "Idempotency-Key", "k".repeat(65));

    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.code()).isEqualTo("invalid_idempotency_key");
    assertThat(tooLong.message()).contains("1..64");
  }

  @Test
  void submit_wrongFieldType_400WithJsonPath() {
    Response r = post(ORDER, "{\"item\":\"tea\",\"quantity\":\"two\"}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("invalid_input");
    assertThat(r.message()).contains("$.quantity");
  }

  @Test
  void submit_malformedJson_400() {
    Response r = post(ORDER, "{\"item\":\"tea\",");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("invalid_input");
    assertThat(r.message()).contains("TestApps.order");
  }

  @Test
  void submit_emptyBody_400SaysWhatToSend() {
    Response r = post(ORDER, "");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("invalid_input");
    assertThat(r.message()).contains("empty").contains("Order");
  }

  @Test
  void submit_unknownApplication_404ListsHostedOnes() {
    Response r = post("/v1/applications/TestApps.nope", "1");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.code()).isEqualTo("unknown_application");
    assertThat(r.message()).contains("TestApps.nope").contains("TestApps.order").contains("TestApps.inc");
  }

  @Test
  void submit_nonJsonContentType_415() {
    Response r = post("/v1/applications/TestApps.inc", "1", "Content-Type", "text/plain");

    assertThat(r.status()).isEqualTo(415);
    assertThat(r.code()).isEqualTo("unsupported_media_type");
  }

  @Test
  void submit_badWaitFlag_400() {
    Response r = post("/v1/applications/TestApps.inc?wait=soon", "1");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("invalid_parameter");
    assertThat(r.message()).contains("wait").contains("soon");
  }

  @Test
  void submit_unknownQueryParameter_400() {
    Response r = post("/v1/applications/TestApps.inc?wiat=true", "1");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("invalid_parameter");
    assertThat(r.message()).contains("wiat").contains("wait");
  }

  @Test
  void submit_eventStream_acceptedProgressThenOutput() {
    try (EventStreamReader events = events(request("/v1/applications/TestApps.steps", "Accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString("3")).build())) {
      assertThat(events.status()).isEqualTo(200);
      assertThat(events.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
      EventStreamReader.Event accepted = events.next();
      assertThat(accepted.name()).isEqualTo("accepted");
      assertThat(accepted.json().get("application").asText()).isEqualTo("TestApps.steps");
      TestApps.release.countDown(); // the server follows the request now: no update can be missed

      List<EventStreamReader.Event> rest = events.rest();

      assertThat(rest).extracting(EventStreamReader.Event::name).containsExactly("progress", "progress", "progress", "output");
      assertThat(rest.get(0).json().get("current").asDouble()).isEqualTo(1.0);
      assertThat(rest.get(2).json().get("message").asText()).isEqualTo("step 3");
      assertThat(rest.get(2).json().get("total").asDouble()).isEqualTo(3.0);
      assertThat(rest.get(2).json().get("at").asText()).isNotEmpty();
      assertThat(rest.get(3).json().asInt()).isEqualTo(3);
    }
  }

  @Test
  void submit_eventStreamOfFailingRequest_endsWithError() {
    try (EventStreamReader events = events(request("/v1/applications/TestApps.refuses", "Accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString("\"no\\nway\"")).build())) {
      List<EventStreamReader.Event> all = events.rest();

      assertThat(all).extracting(EventStreamReader.Event::name).containsExactly("accepted", "error");
      assertThat(all.get(1).json().get("code").asText()).isEqualTo("request_failed");
      assertThat(all.get(1).json().get("message").asText()).isEqualTo("no\nway");
    }
  }

  @Test
  void submit_eventStreamOfFinishedDuplicate_acceptedThenOutput() {
    run("TestApps.inc", "1", "Idempotency-Key", "done-once");

    try (EventStreamReader events = events(request("/v1/applications/TestApps.inc", "Accept", "text/event-stream",
        "Idempotency-Key", "done-once").POST(HttpRequest.BodyPublishers.ofString("1")).build())) {
      List<EventStreamReader.Event> all = events.rest();

      assertThat(all).extracting(EventStreamReader.Event::name).containsExactly("accepted", "output");
      assertThat(all.get(0).json().get("duplicate").asBoolean()).isTrue();
      assertThat(all.get(1).data()).isEqualTo("2");
    }
  }

  @Test
  void submit_chunkedBodyOverLimit_413() {
    byte[] big = new byte[(int) WeftServer.Builder.DEFAULT_MAX_BODY_BYTES + 100];
    java.util.Arrays.fill(big, (byte) ' ');

    // ofInputStream has no length: the client sends it chunked, without Content-Length
    Response r = send(request(ORDER).POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build());

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.code()).isEqualTo("body_too_large");
  }

  /**
   * A declared length over the limit, checked over a raw socket: with a client that goes on
   * sending the body, the server's close after its 413 may reset the connection before the
   * client reads the response (a race in the test, not in the server).
   */
  @Test
  void submit_hugeDeclaredLength_413WithoutWaitingForTheBody() throws Exception {
    try (Socket socket = new Socket(server.uri().getHost(), server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + ORDER + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 1073741824\r\n\r\n{\"item\":").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.setSoTimeout(20_000); // a hang fails the test instead of blocking it
      InputStream in = socket.getInputStream();

      // The response comes although the client has sent 8 of the 1 GiB it announced.
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.read());
      }
      int length = Integer.parseInt(head.toString().replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
      String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);

      assertThat(head.toString()).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
      assertThat(body).contains("body_too_large").contains("10485760");
    }
  }
}
