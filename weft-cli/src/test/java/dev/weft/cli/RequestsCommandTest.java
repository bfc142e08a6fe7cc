package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code weft requests [show | cancel]} against a real server in this JVM. */
final class RequestsCommandTest {
  private TestServer server;
  private WeftClient client;

  @BeforeEach
  void startServer() {
    server = TestServer.start();
    client = server.client();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private String finished(String app, String json) {
    WeftClient.Outcome outcome = client.submitAndFollow(app, json, Optional.empty(), new WeftClient.Listener() {});
    return switch (outcome) {
      case WeftClient.Outcome.Output o -> o.request().requestId();
      case WeftClient.Outcome.Failure f -> f.request().requestId();
    };
  }

  @Test
  void list_printsATableNewestFirst() {
    String older = finished("CliTestApps.countTo", "2");
    String newer = finished("CliTestApps.fail", "\"no\"");

    Cli.Result result = Cli.run("requests", "--server", server.url());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines().findFirst().orElseThrow())
        .matches("ID\\s+APPLICATION\\s+STATE\\s+CREATED\\s+PROGRESS");
    assertThat(result.out()).containsSubsequence(newer, "CliTestApps.fail", "FAILED",
        older, "CliTestApps.countTo", "SUCCEEDED", "2/2 (100%)");
    assertThat(result.out()).containsPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
  }

  @Test
  void list_filteredByApplicationAndState_showsOnlyMatches() {
    String counted = finished("CliTestApps.countTo", "1");
    String failed = finished("CliTestApps.fail", "\"no\"");

    Cli.Result byApp = Cli.run("requests", "--app", "CliTestApps.countTo", "--server", server.url());
    Cli.Result byState = Cli.run("requests", "--state", "failed", "--server", server.url());

    assertThat(byApp.out()).contains(counted).doesNotContain(failed);
    assertThat(byState.out()).contains(failed).doesNotContain(counted);
  }

  @Test
  void list_limitBelowTheCount_saysThereAreMore() {
    finished("CliTestApps.countTo", "1");
    finished("CliTestApps.countTo", "1");

    Cli.Result result = Cli.run("requests", "--limit", "1", "--server", server.url());

    assertThat(result.out().lines()).hasSize(2);
    assertThat(result.err()).contains("raise --limit");
  }

  @Test
  void list_noRequests_saysSo() {
    Cli.Result result = Cli.run("requests", "--server", server.url());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).contains("no requests yet");
  }

  @Test
  void list_unknownState_exitsTwoWithTheServersMessage() {
    Cli.Result result = Cli.run("requests", "--state", "DONE", "--server", server.url());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("state must be one of RUNNING, SUCCEEDED, FAILED, CANCELLED");
  }

  @Test
  void show_succeeded_printsFieldsAndOutput() {
    String id = finished("CliTestApps.countTo", "3");

    Cli.Result result = Cli.run("requests", "show", id, "--server", server.url());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("id          " + id)
        .contains("application CliTestApps.countTo")
        .contains("state       SUCCEEDED")
        .contains("progress    3/3 (100%) step 3")
        .contains("output\n{\n  \"sum\" : 6,");
  }

  @Test
  void show_failed_printsTheErrorAndNoOutput() {
    String id = finished("CliTestApps.fail", "\"out of paper\"");

    Cli.Result result = Cli.run("requests", "show", id, "--server", server.url());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("state       FAILED").containsPattern("error\\s+.*out of paper")
        .doesNotContain("output");
  }

  @Test
  void show_callsNeverConnected_errorSaysFunctionAttemptsAndType() {
    String id = finished("CliTestApps.connect", "\"db.example\"");

    Cli.Result result = Cli.run("requests", "show", id, "--server", server.url());

    assertThat(result.out()).containsPattern(
        "error\\s+CliTestApps.dial failed on attempt 3 of 3: java.net.ConnectException \\(no message\\)\n");
  }

  @Test
  void show_unknownId_exitsTwo() {
    Cli.Result result = Cli.run("requests", "show", "no-such-request", "--server", server.url());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("HTTP 404, unknown_request");
  }

  @Test
  void cancel_runningRequest_cancelsItAndASecondCancelExitsTwo() {
    String id = client.submit("CliTestApps.sleep", "30", Optional.empty()).requestId();

    Cli.Result cancelled = Cli.run("requests", "cancel", id, "--server", server.url());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Cli.run("requests", "show", id, "--server", server.url()).out()).contains("CANCELLED"));
    Cli.Result again = Cli.run("requests", "cancel", id, "--server", server.url());

    assertThat(cancelled.exitCode()).isZero();
    assertThat(cancelled.out().strip()).isEqualTo(id + " CANCELLED");
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).contains("already_finished");
  }
}
