package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any node answers for any request: the progress stream, {@code ?wait=true} and {@code DELETE}
 * work through a node that does not run the request (real node processes, real PostgreSQL).
 */
final class FleetAnyNodeTest {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private final HttpClient http = HttpClient.newHttpClient();

  private static String steps(Path dir, int steps, long millis) {
    return WeftClient.JSON.createObjectNode().put("file", dir.resolve("steps.log").toString()).put("steps", steps)
        .put("stepMillis", millis).toString();
  }

  private static String id(String key) {
    return key; // a request's id is its idempotency key
  }

  @Test
  void progressStream_throughANodeThatDoesNotRunTheRequest_showsItsProgressAndItsEnd(@TempDir Path dir)
      throws Exception {
    try (Fleet fleet = new Fleet(dir, LEASE)) {
      ServerProcess runner = fleet.start();
      ServerProcess other = fleet.start();
      String id = runner.client().submit("FleetApp.steps", steps(dir, 5, 300), Optional.of("streamed")).requestId();

      HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(
              other.url().resolve("/v1/requests/" + id + "/progress")).header("Accept", "text/event-stream").build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.statusCode()).isEqualTo(200);
      List<String> events = new ArrayList<>();
      String done = null;
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        String event = null;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.startsWith("event: ")) {
            event = line.substring(7);
            events.add(event);
          } else if (line.startsWith("data: ") && "done".equals(event)) {
            done = line.substring(6);
          }
        }
      }
      assertThat(events).contains("progress").last().isEqualTo("done");
      assertThat(WeftClient.parse(done).path("state").asText()).isEqualTo("SUCCEEDED");
      assertThat(fleet.output(id).asText()).isEqualTo("finished by " + runner.process().pid());
    }
  }

  @Test
  void waitTrue_withTheKeyOfARequestAnotherNodeRuns_answersWithItsOutput(@TempDir Path dir) throws Exception {
    try (Fleet fleet = new Fleet(dir, LEASE)) {
      ServerProcess runner = fleet.start();
      ServerProcess other = fleet.start();
      runner.client().submit("FleetApp.steps", steps(dir, 4, 400), Optional.of("waited"));

      HttpResponse<String> waited = http.send(HttpRequest.newBuilder(
              other.url().resolve("/v1/applications/FleetApp.steps?wait=true"))
          .header("Content-Type", "application/json").header("Idempotency-Key", "waited")
          .POST(HttpRequest.BodyPublishers.ofString(steps(dir, 4, 400))).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(waited.statusCode()).as(waited.body()).isEqualTo(200);
      JsonNode body = WeftClient.parse(waited.body());
      assertThat(body.path("state").asText()).isEqualTo("SUCCEEDED");
      assertThat(body.path("duplicate").asBoolean()).isTrue();
      // one node ran it to its end (under a heavy load the asking node may have taken a lapsed lease)
      assertThat(body.path("output").asText()).isIn("finished by " + runner.process().pid(),
          "finished by " + other.process().pid());
      assertThat(fleet.output(id("waited")).asText()).isEqualTo(body.path("output").asText());
    }
  }

  @Test
  void delete_throughANodeThatDoesNotRunTheRequest_cancelsItWhereItRuns(@TempDir Path dir) throws Exception {
    try (Fleet fleet = new Fleet(dir, LEASE)) {
      ServerProcess runner = fleet.start();
      ServerProcess other = fleet.start();
      String id = runner.client().submit("FleetApp.steps", steps(dir, 100, 200), Optional.of("cancelled")).requestId();
      await().atMost(Duration.ofSeconds(30)).until(() ->
          fleet.one("SELECT count(*) FROM %s.calls WHERE request_id = ?", id).orElse("0").compareTo("1") >= 0);

      HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(other.url().resolve("/v1/requests/" + id))
          .DELETE().build(), HttpResponse.BodyHandlers.ofString());

      assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
      assertThat(WeftClient.parse(deleted.body()).path("state").asText()).isEqualTo("CANCELLED");
      assertThat(fleet.state(id)).isEqualTo("CANCELLED");
      HttpResponse<String> again = http.send(HttpRequest.newBuilder(runner.url().resolve("/v1/requests/" + id))
          .DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(again.statusCode()).isEqualTo(409);
    }
  }
}
