package dev.weft.spring;

import dev.weft.journal.Journal;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Actuator's health component {@code weft}: UP while the journal can record, DOWN with the reason
 * while it cannot. On when Spring Boot's health support is on the class path (Actuator brings it);
 * off with {@code management.health.weft.enabled=false}.
 */
@AutoConfiguration(after = WeftAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean({Journal.class, WeftLifecycle.class})
@ConditionalOnEnabledHealthIndicator("weft")
public final class WeftHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "weftHealthIndicator")
  HealthIndicator weftHealthIndicator(Journal journal, WeftLifecycle lifecycle) {
    return new WeftHealthIndicator(journal, lifecycle);
  }
}
