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
  void server_workersBeyondLoopbackWithoutTls_exit2SayingWhatToGive() {
    Cli.Result plain = Cli.run("server", "--port", "0", "--db", Fleet.URL, "--worker-host", "192.0.2.1");
    Cli.Result everywhere = Cli.run("server", "--port", "0", "--db", Fleet.URL, "--worker-host", "0.0.0.0");

    assertThat(plain.exitCode()).isEqualTo(2);
    assertThat(plain.err()).contains("refusing plain HTTP for workers on 192.0.2.1, beyond loopback")
        .contains("--tls-cert FILE --tls-key FILE").contains("--insecure");
    assertThat(everywhere.exitCode()).isEqualTo(2);
    assertThat(everywhere.err()).contains("give --worker-advertise <host>");
  }

  @Test
  void services_withDb_listsTheFleetsServices() throws Exception {
    String schema = "svc_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try {
      Cli.Result none = Cli.run("services", "--db", Fleet.URL, "--schema", schema);
      Cli.Result down = Cli.run("services", "teardown", "--db", Fleet.URL, "--schema", schema, "nothing-here");

      assertThat(none.exitCode()).as(none.err()).isZero();
      assertThat(none.out()).contains("no services running");
      assertThat(down.out()).contains("nothing-here was not running");
    } finally {
      try (var c = java.sql.DriverManager.getConnection(Fleet.JDBC); var st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
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
