package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The /v1/requests routes: list, get, output, progress (events) and cancel, with every error. */
class RequestsTest extends ServerTestSupport {

  private String started(String app, String input) throws InterruptedException {
    Response r = post("/v1/applications/" + app, input);
    assertThat(r.status()).isEqualTo(202);
    return r.json().get("request_id").asText();
  }

  private String blocked() throws InterruptedException {
    String id = started("TestApps.blocks", "7");
    assertThat(TestApps.started.await(10, TimeUnit.SECONDS)).isTrue();
    return id;
  }

  @Test
  void calls_finishedRequest_listsTheCallsTheJournalKeeps() {
    String id = run("TestApps.inc", "1").get("request_id").asText();

    if (journal instanceof dev.weft.journal.InMemoryJournal) {
      assertThat(get("/v1/requests/" + id + "/calls").json().get("calls")).isEmpty();
      return;
    }
    // committed in groups: the row shows once the writer committed it
    await().atMost(10, TimeUnit.SECONDS).until(() -> !get("/v1/requests/" + id + "/calls").json().get("calls").isEmpty());
    Response r = get("/v1/requests/" + id + "/calls");
    assertThat(r.status()).isEqualTo(200);
    JsonNode call = r.json().get("calls").get(0);
    assertThat(r.json().get("calls")).hasSize(1);
    assertThat(call.get("function").asText()).isEqualTo("TestApps.inc");
    assertThat(call.get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(call.get("parent").isNull()).isTrue();
    assertThat(call.get("failed_attempts").asInt()).isZero();
    assertThat(call.get("started_at").isTextual()).isTrue();
    assertThat(call.get("finished_at").isTextual()).isTrue();
    assertThat(call.get("error").isNull()).isTrue();
  }

  @Test
  void calls_unknownRequest_404() {
    Response r = get("/v1/requests/nope/calls");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("code").asText()).isEqualTo("unknown_request");
  }

  @Test
  void list_newestFirst_pagesWithCursor() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(run("TestApps.inc", String.valueOf(i)).get("request_id").asText());
    }

    JsonNode first = get("/v1/requests?limit=2").json();
    JsonNode second = get("/v1/requests?limit=2&cursor=" + first.get("next_cursor").asText()).json();
    JsonNode third = get("/v1/requests?limit=2&cursor=" + second.get("next_cursor").asText()).json();

    List<String> seen = new ArrayList<>();
    for (JsonNode page : List.of(first, second, third)) {
      page.get("requests").forEach(r -> seen.add(r.get("id").asText()));
    }
    assertThat(seen).containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
    assertThat(third.get("next_cursor").isNull()).isTrue();
  }

  @Test
  void list_defaultLimit_fifty() {
    for (int i = 0; i < 51; i++) {
      post("/v1/applications/TestApps.inc", "1");
    }

    JsonNode page = get("/v1/requests").json();

    assertThat(page.get("requests")).hasSize(50);
    assertThat(page.get("next_cursor").isTextual()).isTrue();
  }

  @Test
  void list_filteredByApplicationAndState_onlyThose() throws Exception {
    run("TestApps.inc", "1");
    run("TestApps.refuses", "\"no\"");
    String running = blocked();

    JsonNode failed = get("/v1/requests?state=failed").json().get("requests");
    JsonNode blocks = get("/v1/requests?application=TestApps.blocks&state=RUNNING").json().get("requests");
    JsonNode incs = get("/v1/requests?application=TestApps.inc").json().get("requests");

    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).get("application").asText()).isEqualTo("TestApps.refuses");
    assertThat(blocks).hasSize(1);
    assertThat(blocks.get(0).get("id").asText()).isEqualTo(running);
    assertThat(incs).hasSize(1);
  }

  @Test
  void list_badLimit_400() {
    for (String limit : List.of("0", "1001", "ten", "")) {
      Response r = get("/v1/requests?limit=" + limit);

      assertThat(r.status()).as("limit=%s", limit).isEqualTo(400);
      assertThat(r.code()).isEqualTo("invalid_limit");
      assertThat(r.message()).contains("1 to 1000");
    }
  }

  @Test
  void list_badState_400NamesTheStates() {
    Response r = get("/v1/requests?state=DONE");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("invalid_state");
    assertThat(r.message()).contains("RUNNING, SUCCEEDED, FAILED, CANCELLED").contains("DONE");
  }

  @Test
  void list_badCursor_400() {
    Response r = get("/v1/requests?cursor=not-a-cursor");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("invalid_cursor");
    assertThat(r.message()).contains("next_cursor");
  }

  @Test
  void list_unknownOrRepeatedParameter_400() {
    assertThat(get("/v1/requests?status=RUNNING").code()).isEqualTo("invalid_parameter");
    assertThat(get("/v1/requests?limit=1&limit=2").code()).isEqualTo("invalid_parameter");
  }

  @Test
  void get_succeeded_infoWithAllFields() {
    String id = run("TestApps.inc", "1").get("request_id").asText();

    Response r = get("/v1/requests/" + id);

    assertThat(r.status()).isEqualTo(200);
    JsonNode info = r.json();
    assertThat(info.get("id").asText()).isEqualTo(id);
    assertThat(info.get("application").asText()).isEqualTo("TestApps.inc");
    await().until(() -> get("/v1/requests/" + id).json().get("finished_at").isTextual());
    info = get("/v1/requests/" + id).json();
    assertThat(info.get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(info.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(info.get("progress").isNull()).isTrue();
    assertThat(info.get("error").isNull()).isTrue();
  }

  @Test
  void get_requestError_failedWithExactlyItsMessage() {
    String id = run("TestApps.refuses", "\"the shelf is empty\"").get("request_id").asText();

    await().until(() -> get("/v1/requests/" + id).json().get("state").asText().equals("FAILED"));
    JsonNode error = get("/v1/requests/" + id).json().get("error");

    assertThat(error.get("message").asText()).isEqualTo("the shelf is empty");
    assertThat(error.get("type").asText()).isEqualTo("dev.weft.RequestError");
  }

  @Test
  void get_running_showsProgress() throws Exception {
    String id = blocked();

    JsonNode info = get("/v1/requests/" + id).json();

    assertThat(info.get("state").asText()).isEqualTo("RUNNING");
    assertThat(info.get("finished_at").isNull()).isTrue();
    assertThat(info.get("progress").get("message").asText()).isEqualTo("waiting");
  }

  @Test
  void get_idWithReservedCharacters_foundWhenPercentEncoded() {
    run("TestApps.inc", "1", "Idempotency-Key", "a/b?c%d");

    Response r = get("/v1/requests/a%2Fb%3Fc%25d");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("id").asText()).isEqualTo("a/b?c%d");
  }

  @Test
  void get_unknown_404() {
    Response r = get("/v1/requests/nope");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.code()).isEqualTo("unknown_request");
    assertThat(r.message()).contains("nope").contains("GET /v1/requests");
  }

  @Test
  void output_running_409NotFinished() throws Exception {
    String id = blocked();

    Response r = get("/v1/requests/" + id + "/output");

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.code()).isEqualTo("not_finished");
    assertThat(r.message()).contains("/progress");
  }

  @Test
  void input_runningRequest_isTheSubmittedInputAsJson() throws Exception {
    String id = post("/v1/applications/TestApps.order", "{\"quantity\": 2, \"item\": \"tea\"}").json()
        .get("request_id").asText();

    Response r = get("/v1/requests/" + id + "/input");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"item\":\"tea\",\"quantity\":2}"); // read with its type: Order
  }

  @Test
  void input_unknownRequest_404() {
    Response r = get("/v1/requests/nope/input");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.code()).isEqualTo("unknown_request");
  }

  @Test
  void output_failed_409WithTheFailuresMessage() {
    String id = run("TestApps.refuses", "\"closed today\"").get("request_id").asText();

    Response r = get("/v1/requests/" + id + "/output");

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.code()).isEqualTo("request_failed");
    assertThat(r.message()).isEqualTo("closed today");
  }

  @Test
  void output_cancelled_409RequestCancelled() throws Exception {
    String id = blocked();
    assertThat(delete("/v1/requests/" + id).status()).isEqualTo(200);

    await().until(() -> get("/v1/requests/" + id + "/output").code().equals("request_cancelled"));
    Response r = get("/v1/requests/" + id + "/output");

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.message()).contains(id).contains("cancelled");
  }

  @Test
  void output_afterItLeftTheRuntime_readFromJournal() {
    String id = run("TestApps.order", "{\"item\":\"cake\",\"quantity\":1}").get("request_id").asText();
    await().until(() -> runtime.running(id).isEmpty());

    Response r = get("/v1/requests/" + id + "/output");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("item").asText()).isEqualTo("cake");
  }

  @Test
  void output_unknown_404() {
    Response r = get("/v1/requests/nope/output");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.code()).isEqualTo("unknown_request");
  }

  @Test
  void progress_running_currentThenUpdatesThenDone() throws Exception {
    String id = started("TestApps.steps", "3");
    runtime.running(id).orElseThrow(); // still waiting for release

    try (EventStreamReader events = events("/v1/requests/" + id + "/progress")) {
      assertThat(events.status()).isEqualTo(200);
      TestApps.release.countDown(); // the headers came: the server follows the request

      List<EventStreamReader.Event> all = events.rest();

      assertThat(all).extracting(EventStreamReader.Event::name).containsExactly("progress", "progress", "progress", "done");
      assertThat(all).extracting(e -> e.json().path("message").asText()).startsWith("step 1", "step 2", "step 3");
      JsonNode done = all.get(3).json();
      assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
      assertThat(done.get("progress").get("current").asDouble()).isEqualTo(3.0);
      assertThat(done.get("error").isNull()).isTrue();
    }
  }

  @Test
  void progress_runningWithProgressAlready_sendsItFirst() throws Exception {
    String id = blocked(); // reported 1 of 2, "waiting"

    try (EventStreamReader events = events("/v1/requests/" + id + "/progress")) {
      EventStreamReader.Event current = events.next();
      assertThat(current.name()).isEqualTo("progress");
      assertThat(current.json().get("message").asText()).isEqualTo("waiting");
      TestApps.release.countDown();

      EventStreamReader.Event done = events.next();

      assertThat(done.name()).isEqualTo("done");
      assertThat(done.json().get("state").asText()).isEqualTo("SUCCEEDED");
      assertThat(events.next()).isNull();
    }
  }

  @Test
  void progress_finished_oneDoneEventAndClose() {
    String id = run("TestApps.refuses", "\"nope\"").get("request_id").asText();
    await().until(() -> runtime.running(id).isEmpty());

    try (EventStreamReader events = events("/v1/requests/" + id + "/progress")) {
      List<EventStreamReader.Event> all = events.rest();

      assertThat(all).extracting(EventStreamReader.Event::name).containsExactly("done");
      assertThat(all.get(0).json().get("state").asText()).isEqualTo("FAILED");
      assertThat(all.get(0).json().get("error").get("message").asText()).isEqualTo("nope");
    }
  }

  @Test
  void progress_cancelledWhileFollowed_doneCancelled() throws Exception {
    String id = blocked();

    try (EventStreamReader events = events("/v1/requests/" + id + "/progress")) {
      assertThat(events.next().name()).isEqualTo("progress");
      assertThat(delete("/v1/requests/" + id).status()).isEqualTo(200);

      EventStreamReader.Event done = events.next();

      assertThat(done.name()).isEqualTo("done");
      assertThat(done.json().get("state").asText()).isEqualTo("CANCELLED");
      assertThat(done.json().get("error").get("code").asText()).isEqualTo("request_cancelled");
    }
  }

  @Test
  void progress_unknown_404() {
    Response r = get("/v1/requests/nope/progress");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.code()).isEqualTo("unknown_request");
  }

  @Test
  void cancel_running_200AndTheCallIsInterrupted() throws Exception {
    String id = blocked();

    Response r = delete("/v1/requests/" + id);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("state").asText()).isEqualTo("CANCELLED");
    assertThat(TestApps.interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    await().until(() -> get("/v1/requests/" + id).json().get("state").asText().equals("CANCELLED"));
  }

  @Test
  void cancel_finished_409() {
    String id = run("TestApps.inc", "1").get("request_id").asText();

    Response r = delete("/v1/requests/" + id);

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.code()).isEqualTo("already_finished");
    assertThat(r.message()).contains("SUCCEEDED");
  }

  @Test
  void cancel_unknown_404() {
    Response r = delete("/v1/requests/nope");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.code()).isEqualTo("unknown_request");
  }
}
