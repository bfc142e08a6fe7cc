package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code weft invoke} against a real server in this JVM. */
final class InvokeCommandTest {
  private TestServer server;

  @BeforeEach
  void startServer() {
    server = TestServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void invoke_withoutWait_printsOnlyTheRequestId() {
    Cli.Result result = Cli.run("invoke", "CliTestApps.countTo", "3", "--server", server.url());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines()).hasSize(1);
    String id = result.out().strip();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(server.client().get("/v1/requests/" + WeftClient.segment(id)).path("state").asText())
            .isEqualTo("SUCCEEDED"));
  }

  @Test
  void invoke_waitNotOnATerminal_printsProgressAsPlainLinesOnStderrAndPrettyOutputOnStdout() throws IOException {
    Cli.Result result = Cli.run("invoke", "CliTestApps.countTo", "4", "--wait", "--server", server.url());

    assertThat(result.exitCode()).isZero();
    JsonNode output = WeftClient.JSON.readTree(result.out());
    assertThat(output.path("sum").asInt()).isEqualTo(10);
    assertThat(output.path("steps")).hasSize(4);
    assertThat(result.out()).contains("\n  \"sum\" : 10"); // indented
    assertThat(result.err())
        .contains("weft: request ")
        .contains("[########################] 4/4 step 4" + System.lineSeparator())
        .doesNotContain("\r") // a test's standard error is no terminal: no bar redrawn in place
        .endsWith("\n");
  }

  @Test
  void invoke_sameKeyTwice_returnsTheSameRequestAndSaysSo() {
    Cli.Result first = Cli.run("invoke", "CliTestApps.countTo", "2", "--key", "order-42", "--wait",
        "--server", server.url());
    Cli.Result second = Cli.run("invoke", "CliTestApps.countTo", "2", "--key", "order-42", "--server", server.url());

    assertThat(first.exitCode()).isZero();
    assertThat(first.err()).contains("weft: request order-42");
    assertThat(second.exitCode()).isZero();
    assertThat(second.out().strip()).isEqualTo("order-42");
    assertThat(second.err()).contains("an earlier request has key 'order-42' (SUCCEEDED)");
  }

  @Test
  void invoke_inputFromStdinDash_isRead() {
    var in = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream("3".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      Cli.Result result = Cli.run("invoke", "CliTestApps.countTo", "-", "--wait", "--server", server.url());

      assertThat(result.exitCode()).isZero();
      assertThat(result.out()).contains("\"sum\" : 6");
    } finally {
      System.setIn(in);
    }
  }

  @Test
  void invoke_unknownApplication_exitsTwoWithTheServersMessage() {
    Cli.Result result = Cli.run("invoke", "NoSuch.app", "1", "--server", server.url());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).contains("weft: ").contains("NoSuch.app").contains("CliTestApps.countTo")
        .contains("HTTP 404, unknown_application");
  }

  @Test
  void invoke_inputOfTheWrongType_exitsTwoWithTheServersMessage() {
    Cli.Result result = Cli.run("invoke", "CliTestApps.countTo", "\"three\"", "--wait", "--server", server.url());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("HTTP 400, invalid_input").contains("three");
  }

  @Test
  void invoke_inputNotJson_exitsTwoSayingHowToQuote() {
    Cli.Result result = Cli.run("invoke", "CliTestApps.countTo", "{oops", "--server", server.url());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("the input is not JSON").contains("quote it for the shell");
  }

  @Test
  void invoke_wait_requestFails_exitsOneWithItsMessage() {
    Cli.Result result = Cli.run("invoke", "CliTestApps.fail", "\"the disk is full\"", "--wait", "--server", server.url());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).containsPattern("weft: request \\S+ failed: .*the disk is full");
  }

  @Test
  void invoke_wait_callsNeverConnected_saysFunctionAttemptsAndType() {
    Cli.Result result = Cli.run("invoke", "CliTestApps.connect", "\"db.example\"", "--wait", "--server", server.url());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).containsPattern("weft: request \\S+ failed: CliTestApps.dial failed on attempt 3 of 3: "
        + "java.net.ConnectException \\(no message\\)");
  }

  @Test
  void invoke_noServerListening_exitsOneSayingHowToStartOne() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Cli.Result result = Cli.run("invoke", "CliTestApps.countTo", "1", "--server", "http://127.0.0.1:" + closedPort);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("cannot reach a Weft server at http://127.0.0.1:" + closedPort)
        .contains("weft server");
  }

  @Test
  void invoke_serverNotHttp_exitsTwo() {
    Cli.Result result = Cli.run("invoke", "CliTestApps.countTo", "1", "--server", "localhost:8080");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--server must be an http(s) URL");
  }

  @Test
  void invoke_serverWithToken_refusesWithoutItAndAcceptsWithIt() {
    String token = "a-test-token-of-32-characters-xx";
    try (TestServer guarded = TestServer.start(Optional.of(token))) {
      Cli.Result refused = Cli.run("invoke", "CliTestApps.countTo", "1", "--server", guarded.url());
      Cli.Result accepted = Cli.run("invoke", "CliTestApps.countTo", "1", "--wait", "--server", guarded.url(),
          "--token", token);

      assertThat(refused.exitCode()).isEqualTo(2);
      assertThat(refused.err()).contains("HTTP 401, unauthorized");
      assertThat(accepted.exitCode()).isZero();
      assertThat(accepted.out()).contains("\"sum\" : 1");
    }
  }
}
