package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL restarted (a real {@code pg_ctlcluster ... restart}) while two nodes run requests.
 * Tagged {@code pgrestart}: weft-cli's build runs it in a surefire execution of its own after
 * every other test of the module, since a restart breaks every connection on the machine
 * ({@code -Dweft.pgrestart.skip=true} leaves it out).
 */
@Tag("pgrestart")
final class PostgresRestartTest {
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  @Test
  void postgresRestartMidRequest_nodesReconnect_everyAcceptedRequestCompletes(@TempDir Path dir) throws Exception {
    Path effects = dir.resolve("steps.log");
    try (Fleet fleet = new Fleet(dir, Duration.ofSeconds(5))) {
      List<ServerProcess> nodes = fleet.start(2);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ids.add(submit(nodes.get(i % 2), effects, "before-" + i));
      }
      await().atMost(DEADLINE).pollInterval(Duration.ofMillis(5))
          .until(() -> Files.exists(effects) && Files.readAllLines(effects).size() >= 8);

      long restart = System.nanoTime();
      restartPostgres();
      long restartMillis = (System.nanoTime() - restart) / 1_000_000;
      for (int i = 0; i < 2; i++) {
        ServerProcess node = nodes.get(i);
        String key = "after-" + i;
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
            .until(() -> ids.add(submit(node, effects, key)));
      }

      for (String id : ids) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
            .until(() -> !fleet.state(id).equals("RUNNING"));
        assertThat(fleet.state(id)).as("request %s", id).isEqualTo("SUCCEEDED");
        assertThat(fleet.output(id).asText()).startsWith("finished by ");
      }
      System.out.printf("PostgresRestartTest: PostgreSQL restarted in %d ms mid-request; all %d accepted requests "
          + "succeeded%n", restartMillis, ids.size());
    }
  }

  private static String submit(ServerProcess node, Path effects, String key) {
    String input = WeftClient.JSON.createObjectNode().put("file", effects.toString()).put("steps", 20)
        .put("stepMillis", 100).toString();
    return node.client().submit("FleetApp.steps", input, Optional.of(key)).requestId();
  }

  /** {@code pg_ctlcluster --skip-systemctl-redirect <version> main restart}, which waits until it accepts. */
  private static void restartPostgres() throws IOException, InterruptedException {
    String version;
    try (var versions = Files.list(Path.of("/etc/postgresql"))) {
      version = versions.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElseThrow();
    }
    Process p = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart")
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("pg_ctlcluster restart: %s", output).isZero();
  }
}
