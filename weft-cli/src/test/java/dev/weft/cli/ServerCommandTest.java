package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft server} as a real process: what it prints, what it serves, how it stops. */
final class ServerCommandTest {

  @Test
  void server_portZero_servesTheClassPathsApplicationsAndStopsOnSigterm(@TempDir Path data)
      throws IOException, InterruptedException {
    try (ServerProcess server = ServerProcess.start(data)) {
      assertThat(server.url().toString()).matches("http://127\\.0\\.0\\.1:\\d+");
      List<String> names = new ArrayList<>();
      server.client().get("/v1/applications").forEach(a -> names.add(a.path("name").asText()));
      Cli.Result invoked = Cli.run("invoke", "CliTestApps.countTo", "3", "--wait", "--server", server.url().toString());

      int exit = server.stop();

      assertThat(names).contains("CliTestApps.countTo", "CrashApp.run", "KeywordIndex.indexCorpus");
      assertThat(invoked.out()).contains("\"sum\" : 6");
      assertThat(exit).isEqualTo(143); // 128 + SIGTERM
      assertThat(server.stderr())
          .containsPattern("weft server: \\d+ application\\(s\\) from the class path")
          .contains("  CliTestApps.countTo")
          .contains("Counts to n, one call per step, reporting progress")
          .contains("(finished requests kept ")
          .contains("weft server: dashboard at " + server.url() + "/")
          .doesNotContain("resumed") // nothing was unfinished
          .contains("weft server: stopped");
      assertThat(Files.exists(data.resolve(ServerCommand.JOURNAL_FILE))).isTrue();
    }
  }

  @Test
  void server_jar_servesOnlyTheJarsApplications(@TempDir Path dir) throws IOException, InterruptedException {
    Path jar = TestJars.jar(TestJars.compile(dir, Map.of("jarapp.Greeter", TestJars.GREETER)), dir.resolve("app.jar"));

    try (ServerProcess server = ServerProcess.start(dir.resolve("data"), "--jar", jar.toString())) {
      JsonNode apps = server.client().get("/v1/applications");
      Cli.Result invoked = Cli.run("invoke", "Greeter.greet", "\"jar\"", "--wait", "--server", server.url().toString());

      assertThat(apps).hasSize(1);
      assertThat(apps.get(0).path("name").asText()).isEqualTo("Greeter.greet");
      assertThat(invoked.exitCode()).as(invoked.err()).isZero();
      assertThat(invoked.out().strip()).isEqualTo("\"Hello, JAR!\"");
      assertThat(server.stderr()).contains("1 application(s) from " + jar);
    }
  }

  @Test
  void server_jarWithoutApplications_exitsTwoSayingWhatItLookedAt(@TempDir Path dir) throws IOException {
    Path jar = TestJars.jar(TestJars.compile(dir, Map.of("jarapp.Plain", "package jarapp; public class Plain {}")),
        dir.resolve("plain.jar"));

    Cli.Result result = Cli.run("server", "--jar", jar.toString(), "--data", dir.resolve("data").toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("found no @Application methods in " + jar + " (1 classes scanned)");
  }

  @Test
  void server_missingJar_exitsTwo(@TempDir Path dir) {
    Cli.Result result = Cli.run("server", "--jar", dir.resolve("nope.jar").toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("nope.jar: no such file");
  }

  @Test
  void server_badPortOrRetention_exitsTwo() {
    assertThat(Cli.run("server", "--port", "70000").err()).contains("--port must be 0..65535");
    Cli.Result retention = Cli.run("server", "--retention", "soon");
    assertThat(retention.exitCode()).isEqualTo(2);
    assertThat(retention.err()).contains("'soon' is not a duration");
  }
}
