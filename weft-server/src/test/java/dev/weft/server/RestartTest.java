package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.Application;
import dev.weft.Applications;
import dev.weft.Function;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A request accepted by one server survives its end and finishes in the next one on the same file. */
@Timeout(60)
final class RestartTest {
  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void reset() {
    TestApps.reset();
  }

  @AfterEach
  void release() {
    TestApps.release.countDown();
    http.close();
  }

  private HttpResponse<String> send(URI base, HttpRequest.Builder request, String path) throws Exception {
    return http.send(request.uri(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What a server that does not host {@link TestApps} serves. */
  static final class OtherApps {
    @Application
    @Function
    static int other(int x) {
      return x;
    }
  }

  @Test
  void runningRequestOfAnAppNotHostedHere_409NotRunning() throws Exception {
    Path file = dir.resolve("weft.db");
    WeftServer first = WeftServer.builder().applications(Applications.of(TestApps.class)).sqliteJournal(file).start();
    send(first.uri(), HttpRequest.newBuilder().header("Idempotency-Key", "orphan")
        .POST(HttpRequest.BodyPublishers.ofString("3")), "/v1/applications/TestApps.blocks");
    assertThat(TestApps.started.await(10, TimeUnit.SECONDS)).isTrue();
    first.close();

    try (WeftServer other = WeftServer.builder().applications(Applications.of(OtherApps.class)).sqliteJournal(file).start()) {
      HttpResponse<String> progress = send(other.uri(), HttpRequest.newBuilder().GET(), "/v1/requests/orphan/progress");
      HttpResponse<String> cancel = send(other.uri(), HttpRequest.newBuilder().DELETE(), "/v1/requests/orphan");
      HttpResponse<String> output = send(other.uri(), HttpRequest.newBuilder().GET(), "/v1/requests/orphan/output");

      assertThat(progress.statusCode()).isEqualTo(409);
      assertThat(progress.body()).contains("\"not_running\"").contains("not hosted");
      assertThat(cancel.statusCode()).isEqualTo(409);
      assertThat(cancel.body()).contains("\"not_running\"");
      assertThat(output.statusCode()).isEqualTo(409);
      assertThat(output.body()).contains("\"not_finished\"");
    }
  }

  @Test
  void sqliteJournal_acceptedRequest_resumedByTheNextServer() throws Exception {
    Path file = dir.resolve("weft.db");
    WeftServer first = WeftServer.builder().applications(Applications.of(TestApps.class)).sqliteJournal(file).start();
    HttpResponse<String> accepted = send(first.uri(), HttpRequest.newBuilder()
        .header("Idempotency-Key", "durable-1").POST(HttpRequest.BodyPublishers.ofString("11")), "/v1/applications/TestApps.blocks");
    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(TestApps.started.await(10, TimeUnit.SECONDS)).isTrue();
    first.close(); // the process "dies" with the request running

    try (WeftServer second = WeftServer.builder().applications(Applications.of(TestApps.class)).sqliteJournal(file).start()) {
      String info = send(second.uri(), HttpRequest.newBuilder().GET(), "/v1/requests/durable-1").body();
      assertThat(new ObjectMapper().readTree(info).get("state").asText()).isEqualTo("RUNNING");
      TestApps.release.countDown();

      await().until(() -> send(second.uri(), HttpRequest.newBuilder().GET(), "/v1/requests/durable-1/output").statusCode() == 200);
      assertThat(send(second.uri(), HttpRequest.newBuilder().GET(), "/v1/requests/durable-1/output").body()).isEqualTo("11");
      HttpResponse<String> again = send(second.uri(), HttpRequest.newBuilder()
          .header("Idempotency-Key", "durable-1").POST(HttpRequest.BodyPublishers.ofString("11")), "/v1/applications/TestApps.blocks");
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.body()).contains("\"duplicate\":true");
    }
  }
}
