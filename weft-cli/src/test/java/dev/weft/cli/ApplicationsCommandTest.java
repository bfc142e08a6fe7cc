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
}
