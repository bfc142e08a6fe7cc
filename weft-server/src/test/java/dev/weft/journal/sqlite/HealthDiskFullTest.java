package dev.weft.journal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.Application;
import dev.weft.Applications;
import dev.weft.Function;
import dev.weft.WeftRuntime;
import dev.weft.journal.JournalUnavailableException;
import dev.weft.journal.NewRequest;
import dev.weft.server.WeftServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /health} of a real server on a real SQLite journal whose disk fills up (through the
 * writer's {@link WriteFaults} seam, as SQLite sees a full disk): ready, then not ready while the
 * journal cannot write, then ready again once it can. In this package for the seam.
 */
final class HealthDiskFullTest {
  static final String BIG = "x".repeat(64 * 1024);

  @TempDir Path dir;

  @Application @Function
  static String echo(String s) {
    return s;
  }


  @Test
  void health_journalCannotWrite_notReadyUntilItCanAgain() throws Exception {
    DiskFull disk = new DiskFull();
    try (SqliteJournal journal = SqliteJournal.open(dir.resolve("j.db"), SqliteJournal.Options.defaults(), disk);
        WeftRuntime runtime = WeftRuntime.builder().journal(journal).eventLoops(1).build();
        WeftServer server = WeftServer.builder().runtime(runtime).journal(journal)
            .applications(Applications.of(HealthDiskFullTest.class)).start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      HttpRequest health = HttpRequest.newBuilder(server.uri().resolve("/health")).GET().build();
      HttpResponse<String> ready = http.send(health, HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("\"live\":true", "\"ready\":true");

      disk.full = true;
      assertThatThrownBy(() -> journal.create(new NewRequest("during", "app", BIG, String.class, Optional.empty())))
          .isInstanceOf(JournalUnavailableException.class);
      HttpResponse<String> notReady = http.send(health, HttpResponse.BodyHandlers.ofString());
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("\"live\":true", "\"ready\":false", "\"status\":\"not_ready\"")
          .doesNotContain("SQLITE").doesNotContain(dir.toString());
      HttpResponse<String> readyAlone = http.send(HttpRequest.newBuilder(server.uri().resolve("/health/ready")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(readyAlone.statusCode()).as("readiness alone says the same").isEqualTo(503);
      HttpResponse<String> live = http.send(HttpRequest.newBuilder(server.uri().resolve("/health/live")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).as("live whatever the journal does: a restart would not free the disk").isEqualTo(200);
      assertThat(live.body()).contains("\"live\":true");

      disk.full = false;
      await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(JournalUnavailableException.class)
          .until(() -> journal.create(new NewRequest("after", "app", BIG, String.class, Optional.empty())).isNew());
      assertThat(http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
  }
}
