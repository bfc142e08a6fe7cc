package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code weft applications} against a real server in this JVM. */
final class ApplicationsCommandTest {

  @Test
  void applications_listsNameInputTypeAndDescription() {
    try (TestServer server = TestServer.start()) {
      Cli.Result result = Cli.run("applications", "--server", server.url());

      assertThat(result.exitCode()).isZero();
      assertThat(result.out().lines().findFirst().orElseThrow()).matches("NAME\\s+INPUT\\s+DESCRIPTION");
      assertThat(result.out()).containsPattern(
          "CliTestApps\\.countTo\\s+int\\s+Counts to n, one call per step, reporting progress");
      assertThat(result.out()).contains("CliTestApps.fail").contains("CliTestApps.sleep");
    }
  }

  @Test
  void applications_withName_showsSchemasAndExampleBody() {
    try (TestServer server = TestServer.start()) {
      Cli.Result result = Cli.run("applications", "CliTestApps.countTo", "--server", server.url());

      assertThat(result.exitCode()).isZero();
      assertThat(result.out())
          .contains("Input: int")
          .contains("\"$schema\" : \"https://json-schema.org/draft/2020-12/schema\"")
          .contains("Example input:\n0\n")
          .contains("\"$ref\" : \"#/$defs/Counted\"")
          .contains("\"required\" : [ \"sum\", \"steps\" ]")
          .contains("Run it: weft invoke CliTestApps.countTo '0'");
    }
  }

  @Test
  void applications_unknownName_namesWhatExists() {
    try (TestServer server = TestServer.start()) {
      Cli.Result result = Cli.run("applications", "CliTestApps.nope", "--server", server.url());

      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.err()).contains("no application named 'CliTestApps.nope'").contains("CliTestApps.countTo");
    }
  }
}
