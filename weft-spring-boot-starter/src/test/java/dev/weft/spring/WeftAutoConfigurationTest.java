package dev.weft.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.Journal;
import dev.weft.journal.sqlite.SqliteJournal;
import dev.weft.micrometer.WeftMetrics;
import dev.weft.server.WeftServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aop.framework.autoproxy.BeanNameAutoProxyCreator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

final class WeftAutoConfigurationTest {
  @TempDir
  Path data;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WeftAutoConfiguration.class, WeftHealthAutoConfiguration.class))
        .withPropertyValues("weft.data-dir=" + data, "weft.server.port=0");
  }

  @Configuration(proxyBeanMethods = false)
  static class OrderBeans {
    @Bean
    TestApps.Steps steps() {
      return new TestApps.Steps();
    }

    @Bean
    TestApps.Orders orders(TestApps.Steps steps) {
      return new TestApps.Orders(steps);
    }
  }

  /** Proxies both beans by their class, as Spring does for @Transactional, counting the calls that go through. */
  @Configuration(proxyBeanMethods = false)
  static class Proxied {
    static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    @Bean
    static BeanNameAutoProxyCreator proxies() {
      BeanNameAutoProxyCreator creator = new BeanNameAutoProxyCreator();
      creator.setBeanNames("orders", "steps");
      creator.setInterceptorNames("counting");
      creator.setProxyTargetClass(true);
      return creator;
    }

    @Bean
    MethodInterceptor counting() {
      return invocation -> {
        CALLS.computeIfAbsent(invocation.getMethod().getName(), k -> new AtomicInteger()).incrementAndGet();
        return invocation.proceed();
      };
    }
  }

  @Test
  void defaults_sqliteJournalInDataDir_andTheApplicationBeansServedOverHttp() {
    runner().withUserConfiguration(OrderBeans.class).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(WeftRuntime.class).hasSingleBean(WeftLifecycle.class);
      SqliteJournal journal = (SqliteJournal) context.getBean(Journal.class);
      assertThat(journal.file()).isEqualTo(data.toAbsolutePath().resolve("weft.db"));
      assertThat(journal.options().retention()).isEqualTo(Duration.ofDays(7));

      WeftLifecycle lifecycle = context.getBean(WeftLifecycle.class);
      assertThat(lifecycle.applications().all()).extracting(a -> a.name()).containsExactly("Orders.place");
      WeftServer server = lifecycle.server().orElseThrow();
      assertThat(server.token()).isEmpty();
      int port = context.getEnvironment().getRequiredProperty(WeftLifecycle.PORT_PROPERTY, Integer.class);
      assertThat(port).isEqualTo(server.port()).isPositive();

      HttpResponse<String> response = post(port, "Orders.place", "3");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"state\":\"SUCCEEDED\"").contains("\"output\":31");
    });
  }

  @Test
  void defaults_whenNoBeanDeclaresAnApplication_nothingIsServed() {
    runner().run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(WeftLifecycle.class).server()).isEmpty();
      assertThat(context.getEnvironment().containsProperty(WeftLifecycle.PORT_PROPERTY)).isFalse();
    });
  }

  @Test
  void properties_journalRetentionShutdownAndServer_areApplied() {
    runner().withUserConfiguration(OrderBeans.class)
        .withPropertyValues("weft.retention=12h", "weft.server.token=0123456789abcdef0123")
        .run(context -> {
          assertThat(((SqliteJournal) context.getBean(Journal.class)).options().retention())
              .isEqualTo(Duration.ofHours(12));
          assertThat(context.getBean(WeftLifecycle.class).server().orElseThrow().token())
              .contains("0123456789abcdef0123");
        });
    runner().withUserConfiguration(OrderBeans.class).withPropertyValues("weft.journal=memory", "weft.server.enabled=false")
        .run(context -> {
          assertThat(context.getBean(Journal.class)).isInstanceOf(InMemoryJournal.class);
          assertThat(context.getBean(WeftLifecycle.class).server()).isEmpty();
          assertThat(context.getBean(WeftLifecycle.class).applications().find("Orders.place")).isPresent();
          assertThat(context.getBean(WeftProperties.class).getShutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        });
  }

  @Test
  void badValues_failAtStartup_namingThePropertyAndWhatToWrite() {
    Map<String, String> cases = Map.of(
        "weft.journal=mysql", "weft.journal",
        "weft.retention=-1s", "weft.retention must be a positive duration, such as 7d",
        "weft.shutdown-timeout=-5s", "weft.shutdown-timeout must be a duration of 0s or more",
        "weft.server.port=70000", "weft.server.port must be 0..65535",
        "weft.journal=postgresql", "weft.journal=postgresql needs weft.postgresql.url",
        "weft.server.tls-key=key.pem", "give weft.server.tls-certificate and weft.server.tls-key together",
        "weft.server.token=short", "invalid weft.server settings: a bearer token must be 16..512");
    cases.forEach((setting, message) -> runner().withUserConfiguration(OrderBeans.class).withPropertyValues(setting)
        .run(context -> assertThat(context).getFailure().as(setting)
            .hasStackTraceContaining(message)));
  }

  @Test
  void userRuntimeAndJournal_areUsed_andTheAutoConfiguredOnesBackOff() {
    InMemoryJournal journal = new InMemoryJournal();
    runner().withUserConfiguration(OrderBeans.class)
        .withBean(Journal.class, () -> journal)
        .withBean(WeftRuntime.class, () -> WeftRuntime.builder().journal(journal).build())
        .run(context -> {
          assertThat(context).hasSingleBean(WeftRuntime.class).hasSingleBean(Journal.class);
          assertThat(context.getBean(Journal.class)).isSameAs(journal);
          int port = context.getBean(WeftLifecycle.class).server().orElseThrow().port();
          assertThat(post(port, "Orders.place", "1").body()).contains("\"output\":11");
          assertThat(journal.list(dev.weft.journal.RequestQuery.all(10)).requests()).hasSize(1);
        });
  }

  @Test
  void userJournalOnly_getsARuntimeBuiltOnIt() {
    InMemoryJournal journal = new InMemoryJournal();
    runner().withBean(Journal.class, () -> journal).withUserConfiguration(OrderBeans.class).run(context -> {
      TestApps.Orders orders = context.getBean(TestApps.Orders.class);
      var request = context.getBean(WeftRuntime.class).submit(Weft.fn(orders::place), 2);
      assertThat(request.result()).isEqualTo(21);
      assertThat(journal.info(request.id())).isPresent();
    });
  }

  @Test
  void userRuntimeWithoutItsJournal_andAServer_failsSayingWhatToDefine() {
    runner().withUserConfiguration(OrderBeans.class)
        .withBean(WeftRuntime.class, () -> WeftRuntime.builder().build())
        .run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining("define the journal that runtime was built with as a bean too"));
  }

  @Test
  void proxiedBeans_applicationAndFunctionHandles_runThroughTheProxies() {
    Proxied.CALLS.clear();
    runner().withUserConfiguration(Proxied.class, OrderBeans.class).run(context -> {
      TestApps.Orders orders = context.getBean(TestApps.Orders.class);
      assertThat(org.springframework.aop.support.AopUtils.isCglibProxy(orders)).isTrue();
      int port = context.getBean(WeftLifecycle.class).server().orElseThrow().port();
      assertThat(post(port, "Orders.place", "4").body()).contains("\"output\":41");
      assertThat(Proxied.CALLS.get("place")).as("the application ran through its proxy").hasValue(1);
      assertThat(Proxied.CALLS.get("reserve")).as("Weft.fn(steps::reserve) ran through the proxy").hasValue(1);
    });
  }

  @Test
  void health_journalCanWrite_isUp_withDetails() {
    runner().withUserConfiguration(OrderBeans.class).run(context -> {
      Health health = context.getBean("weftHealthIndicator", HealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsKeys("journal", "queuedWrites", "server")
          .containsEntry("applications", java.util.List.of("Orders.place"));
    });
  }

  @Test
  void health_journalCannotWrite_isDown_sayingWhy() {
    runner().withBean(Journal.class, TestApps.UnwritableJournal::new).run(context -> {
      Health health = context.getBean("weftHealthIndicator", HealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails().get("reason").toString()).contains("cannot record");
    });
  }

  @Test
  void health_disabledByProperty_hasNoIndicator() {
    runner().withPropertyValues("management.health.weft.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("weftHealthIndicator"));
  }

  @Test
  void metrics_withAMeterRegistryBean_recordWeftMeters() {
    runner().withUserConfiguration(OrderBeans.class).withBean(SimpleMeterRegistry.class).run(context -> {
      assertThat(context).hasSingleBean(WeftMetrics.class);
      int port = context.getBean(WeftLifecycle.class).server().orElseThrow().port();
      assertThat(post(port, "Orders.place", "5").statusCode()).isEqualTo(200);
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.get("weft.requests.started").tag("application", "Orders.place").counter().count())
          .isEqualTo(1.0);
      assertThat(registry.find("weft.calls.started").tag("function", "Steps.reserve").counter()).isNotNull();
    });
  }

  @Test
  void metrics_withoutAMeterRegistry_noWeftMetricsBean() {
    runner().run(context -> assertThat(context).doesNotHaveBean(WeftMetrics.class));
  }

  @Test
  void optionalModulesAbsent_noHealthIndicatorNorMetrics_andRequestsStillRun() {
    runner().withUserConfiguration(OrderBeans.class).withBean(SimpleMeterRegistry.class)
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class, WeftMetrics.class))
        .run(context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean("weftHealthIndicator").doesNotHaveBean(WeftMetrics.class);
          int port = context.getBean(WeftLifecycle.class).server().orElseThrow().port();
          assertThat(post(port, "Orders.place", "7").body()).contains("\"output\":71");
        });
  }

  @Test
  void configurationMetadata_isGenerated_andNamesTheJournal() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json").isNotNull();
      Map<String, JsonNode> properties = new java.util.HashMap<>();
      new ObjectMapper().readTree(in).get("properties").forEach(p -> properties.put(p.get("name").asText(), p));
      assertThat(properties).containsKeys("weft.journal", "weft.data-dir", "weft.retention", "weft.shutdown-timeout",
          "weft.postgresql.url", "weft.server.enabled", "weft.server.port", "weft.server.host", "weft.server.token");
      assertThat(properties.get("weft.journal").get("defaultValue").asText()).isEqualTo("sqlite");
      assertThat(properties.get("weft.journal").get("description").asText()).contains("sqlite");
      assertThat(properties.get("weft.data-dir").get("defaultValue").asText()).isEqualTo(".weft/data");
    }
  }

  static HttpResponse<String> post(int port, String application, String json) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/applications/"
              + application + "?wait=true"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
