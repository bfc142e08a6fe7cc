package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.Applications;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Request bodies are strict UTF-8 text: what is not (invalid bytes, lone surrogates, UTF-16) is
 * refused with 400 rather than journaled as {@code "?"}, and text beyond the BMP survives HTTP,
 * the SQLite journal and a replay unchanged.
 */
final class StrictTextTest extends ServerTestSupport {
  /** 𝄞 (U+1D11E) and 😀 (U+1F600): each is a surrogate pair in Java. */
  private static final String NON_BMP = "clef \uD834\uDD1E smile \uD83D\uDE00";

  private Response postBytes(String path, byte[] body) {
    return send(request(path, "Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  private void assertRefused(Response r, String says) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("invalid_input");
    assertThat(r.message()).contains(says);
    assertThat(get("/v1/requests").json().get("requests")).isEmpty();
  }

  @Test
  void body_invalidUtf8_400NamingTheBytes() {
    byte[] body = {'"', 'a', (byte) 0xC3, (byte) 0x28, '"'};

    assertRefused(postBytes("/v1/applications/TestApps.refuses", body), "not valid UTF-8");
  }

  @Test
  void body_encodedSurrogate_400() {
    byte[] body = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};

    assertRefused(postBytes("/v1/applications/TestApps.refuses", body), "UTF-8");
  }

  @Test
  void body_loneSurrogateEscape_400() {
    assertRefused(postBytes("/v1/applications/TestApps.refuses", "\"x\\ud800y\"".getBytes(StandardCharsets.UTF_8)),
        "lone surrogate \\ud800");
  }

  @Test
  void body_utf16_400() {
    assertRefused(postBytes("/v1/applications/TestApps.refuses", "\"hello\"".getBytes(StandardCharsets.UTF_16LE)),
        "UTF-16");
  }

  @Test
  void body_nonBmpText_roundTripsThroughHttp() {
    TestApps.release.countDown();
    String json = Json.quote(NON_BMP);

    Response r = post("/v1/applications/TestApps.holdsText?wait=true", json);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("output").asText()).isEqualTo(NON_BMP);
  }

  @Test
  void body_nonBmpText_sameAfterSqliteJournalAndReplay() throws Exception {
    Path file = tempDir.resolve("text.db");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    byte[] body = ("\"" + NON_BMP + "\"").getBytes(StandardCharsets.UTF_8);
    WeftServer first = WeftServer.builder().applications(Applications.of(TestApps.class)).sqliteJournal(file).start();
    HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(first.uri().resolve("/v1/applications/TestApps.holdsText"))
        .header("Idempotency-Key", "non-bmp").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(TestApps.started.await(10, TimeUnit.SECONDS)).isTrue();
    first.close(); // ends with the request running: the next server replays it from the journal

    try (WeftServer second = WeftServer.builder().applications(Applications.of(TestApps.class)).sqliteJournal(file).start()) {
      TestApps.release.countDown();
      HttpRequest output = HttpRequest.newBuilder(second.uri().resolve("/v1/requests/non-bmp/output")).build();
      await().until(() -> client.send(output, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

      byte[] out = client.send(output, HttpResponse.BodyHandlers.ofByteArray()).body();
      assertThat(MAPPER.readTree(out).asText()).isEqualTo(NON_BMP);
    } finally {
      client.close();
    }
  }
}
