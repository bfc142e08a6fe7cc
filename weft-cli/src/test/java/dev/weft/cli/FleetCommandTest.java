package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code weft server --db} and {@code weft nodes}: bad input and an unreachable database. */
final class FleetCommandTest {
  @Test
  void server_postgresUnreachable_oneLineNamingUrlAndCause_exit1() {
    Cli.Result result = Cli.run("server", "--port", "0", "--db", "postgresql://127.0.0.1:1/test?user=postgres");

    assertThat(result.exitCode()).isEqualTo(1);
    String last = result.err().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(last).startsWith("weft: ").contains("postgresql://127.0.0.1:1/test").containsIgnoringCase("refused");
    assertThat(result.err()).doesNotContain("\tat ");
  }

  @Test
  void server_leaseTooShort_exit2NamingOption() {
    Cli.Result result = Cli.run("server", "--port", "0", "--db", Fleet.URL, "--lease", "100ms");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--lease must be at least 300ms, was 100ms");
  }

  @Test
  void server_capacityZero_exit2NamingOption() {
    Cli.Result result = Cli.run("server", "--port", "0", "--db", Fleet.URL, "--capacity", "0");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--capacity must be 1..");
  }

  @Test
  void nodes_withoutDb_exit2SayingWhatToGive() {
    Cli.Result result = Cli.run("nodes");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--db postgresql://");
  }

  @Test
  void nodes_postgresUnreachable_oneLineNamingUrl_exit1() {
    Cli.Result result = Cli.run("nodes", "--db", "postgresql://127.0.0.1:1/test?user=postgres");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().strip().lines().count()).isEqualTo(1);
    assertThat(result.err()).contains("postgresql://127.0.0.1:1/test");
  }
}
