package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A configured body limit, and what closing the server does to open exchanges. */
final class LimitsTest extends ServerTestSupport {

  @Override
  WeftServer.Builder configure(WeftServer.Builder builder) {
    return builder.maxBodyBytes(64);
  }

  @Test
  void body_atTheLimit_accepted() {
    String input = "\"" + "x".repeat(62) + "\"";

    assertThat(post("/v1/applications/TestApps.refuses?wait=true", input).status()).isEqualTo(200);
  }

  @Test
  void body_overTheLimit_413NamesTheLimit() {
    String input = "\"" + "x".repeat(63) + "\"";

    Response r = post("/v1/applications/TestApps.refuses", input);

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.code()).isEqualTo("body_too_large");
    assertThat(r.message()).contains("at most 64 bytes").contains("65");
    assertThat(get("/v1/requests").json().get("requests")).isEmpty();
  }

  @Test
  void close_openEventStream_ends() throws Exception {
    String id = post("/v1/applications/TestApps.blocks", "1").json().get("request_id").asText();
    assertThat(TestApps.started.await(10, TimeUnit.SECONDS)).isTrue();

    try (EventStreamReader events = events("/v1/requests/" + id + "/progress")) {
      assertThat(events.next().name()).isEqualTo("progress");
      server.close();

      assertThat(nextOrGone(events)).isNull();
    }
    assertThat(runtime.running(id)).isPresent(); // the runtime is the caller's: the request goes on
  }

  private static EventStreamReader.Event nextOrGone(EventStreamReader events) {
    try {
      return events.next();
    } catch (java.io.UncheckedIOException e) {
      return null; // the connection was closed under the reader
    }
  }
}
