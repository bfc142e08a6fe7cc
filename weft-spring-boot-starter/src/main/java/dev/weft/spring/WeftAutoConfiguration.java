package dev.weft.spring;

import dev.weft.WeftRuntime;
import dev.weft.journal.Journal;
import dev.weft.micrometer.WeftMetrics;
import dev.weft.observe.WeftObserver;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Weft in a Spring Boot application: a {@link Journal} chosen by {@code weft.journal}, a {@link
 * WeftRuntime} on it, and a {@link WeftLifecycle} that serves the {@code @Application} beans with
 * the embedded Weft server and shuts down gracefully. With a Micrometer {@code MeterRegistry} in the
 * context (Actuator brings one) and {@code weft-micrometer} on the class path, the runtime records
 * Weft's meters into it.
 *
 * <p>Each bean backs off when the application defines its own: a {@code WeftRuntime} bean of yours
 * is used as it is (define the {@code Journal} it was built with as a bean too, for the server and
 * the health indicator); a {@code Journal} bean of yours gets a runtime built on it. {@link
 * WeftObserver} beans observe the runtime, beside the observers found on the class path (a bean
 * replaces the class-path observer of its own class). Exclude this class to configure Weft by hand.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@EnableConfigurationProperties(WeftProperties.class)
public final class WeftAutoConfiguration {

  /** The journal {@code weft.journal} names; closed by Spring after the runtime. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean({Journal.class, WeftRuntime.class})
  Journal weftJournal(WeftProperties properties) {
    return Journals.open(properties);
  }

  /** The runtime requests run in, observed by the context's {@link WeftObserver}s. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  WeftRuntime weftRuntime(Journal journal, ObjectProvider<WeftObserver> observers) {
    return WeftRuntime.builder().journal(journal).observer(observers(observers.orderedStream().toList())).build();
  }

  @Bean
  @ConditionalOnMissingBean
  WeftLifecycle weftLifecycle(WeftRuntime runtime, ObjectProvider<Journal> journal, WeftProperties properties,
      ConfigurableListableBeanFactory beans, ConfigurableEnvironment environment) {
    return new WeftLifecycle(runtime, Optional.ofNullable(journal.getIfUnique()), properties, beans,
        environment);
  }

  /** The class path's observers whose class no bean has, then the beans. */
  static WeftObserver[] observers(List<WeftObserver> beans) {
    Set<Class<?>> given = beans.stream().map(Object::getClass).collect(Collectors.toSet());
    List<WeftObserver> all = new ArrayList<>();
    ServiceLoader.load(WeftObserver.class, WeftAutoConfiguration.class.getClassLoader()).stream()
        .filter(provider -> !given.contains(provider.type()))
        .forEach(provider -> all.add(provider.get()));
    all.addAll(beans);
    return all.toArray(WeftObserver[]::new);
  }

  /** Weft's meters in the application's registry, so {@code /actuator/metrics} shows them. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({WeftMetrics.class, MeterRegistry.class})
  static class Metrics {
    @Bean
    @ConditionalOnBean(MeterRegistry.class)
    @ConditionalOnMissingBean
    WeftMetrics weftMetrics(MeterRegistry registry) {
      return WeftMetrics.of(registry);
    }
  }
}
