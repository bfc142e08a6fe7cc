package dev.weft.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.fleet.FleetNode;
import dev.weft.journal.Journal;
import dev.weft.journal.postgres.PostgresJournal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** weft.journal=postgresql against the test database (127.0.0.1:5432, database test, trust auth). */
final class SpringPostgresqlTest {
  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private final String schema = "spring_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  @AfterEach
  void dropSchema() throws Exception {
    try (Connection c = DriverManager.getConnection(URL + "?user=postgres"); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Test
  void postgresql_journalFromProperties_servesRequests_andRegistersAFleetNode() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WeftAutoConfiguration.class, WeftHealthAutoConfiguration.class))
        .withUserConfiguration(WeftAutoConfigurationTest.OrderBeans.class)
        .withPropertyValues("weft.journal=postgresql", "weft.postgresql.url=" + URL, "weft.postgresql.user=postgres",
            "weft.postgresql.schema=" + schema, "weft.server.port=0")
        .run(context -> {
          assertThat(context).hasNotFailed();
          PostgresJournal journal = (PostgresJournal) context.getBean(Journal.class);
          int port = context.getBean(WeftLifecycle.class).server().orElseThrow().port();
          assertThat(WeftAutoConfigurationTest.post(port, "Orders.place", "6").body()).contains("\"output\":61");
          assertThat(context.getBean("weftHealthIndicator", HealthIndicator.class).health().getStatus())
              .isEqualTo(Status.UP);
          assertThat(FleetNode.list(journal)).extracting(n -> n.id()).contains(journal.nodeId());
        });
  }

  @Test
  void postgresql_badSchema_failsNamingTheSettings() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WeftAutoConfiguration.class))
        .withPropertyValues("weft.journal=postgresql", "weft.postgresql.url=" + URL, "weft.postgresql.schema=Bad-Name")
        .run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining("invalid weft.postgresql settings: schema must be a lowercase SQL identifier"));
  }
}
