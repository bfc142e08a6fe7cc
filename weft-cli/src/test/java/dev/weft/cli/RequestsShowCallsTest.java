package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.Applications;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft requests show ID} prints the request's call tree, from a real server's SQLite journal. */
final class RequestsShowCallsTest {
  @TempDir
  Path dir;

  private TestServer server;

  @BeforeEach
  void startServer() {
    server = TestServer.start(Applications.of(CallTreeApps.class), dir.resolve("journal.db"));
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void show_requestWithMapRetryAndFailure_printsTheCallTree() {
    WeftClient.Outcome outcome = server.client().submitAndFollow("CallTreeApps.tree", "\"x\"", Optional.empty(),
        new WeftClient.Listener() {});
    assertThat(outcome).isInstanceOf(WeftClient.Outcome.Failure.class);
    String id = ((WeftClient.Outcome.Failure) outcome).request().requestId();

    // the journal commits call rows in groups: wait until the failed call's row is there
    AtomicReference<Cli.Result> shown = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      shown.set(Cli.run("requests", "show", id, "--server", server.url()));
      return shown.get().out().contains("CallTreeApps.broken  FAILED");
    });
    Cli.Result result = shown.get();

    assertThat(result.exitCode()).isZero();
    List<String> lines = result.out().lines().toList();
    int heading = lines.indexOf("calls");
    assertThat(heading).as(result.out()).isPositive();
    List<String> tree = lines.subList(heading + 1, lines.size());
    assertThat(tree.get(0)).as(result.out()).startsWith("  CallTreeApps.tree  FAILED  1 attempt (1 failed)  ").contains("broken for x3");
    List<String> squares = tree.stream().filter(l -> l.contains("CallTreeApps.square")).toList();
    assertThat(squares).hasSize(3).allSatisfy(l -> {
      assertThat(indent(l)).isGreaterThan(indent(tree.get(0)));
      assertThat(l).matches("\\s+CallTreeApps\\.square  SUCCEEDED  1 attempt  \\d+ ms");
    });
    assertThat(tree).anySatisfy(l -> assertThat(l).matches("    CallTreeApps\\.flaky  SUCCEEDED  2 attempts \\(1 failed\\)  "
        + "\\d+ ms  error java\\.lang\\.IllegalStateException: flaky on its first try"));
    assertThat(tree).anySatisfy(l -> assertThat(l).matches("    CallTreeApps\\.broken  FAILED  1 attempt \\(1 failed\\)  "
        + "\\d+ ms  error java\\.lang\\.IllegalArgumentException: broken for x3"));
  }

  private static int indent(String line) {
    return line.length() - line.stripLeading().length();
  }
}
