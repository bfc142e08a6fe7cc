package dev.weft.spring;

import dev.weft.journal.Journal;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator's {@code weft} component: UP while the journal can record (so requests are accepted),
 * DOWN while its writes fail (a full disk, an unreachable database). Never blocks: it asks the
 * journal what it already knows.
 */
final class WeftHealthIndicator implements HealthIndicator {
  private final Journal journal;
  private final WeftLifecycle lifecycle;

  WeftHealthIndicator(Journal journal, WeftLifecycle lifecycle) {
    this.journal = journal;
    this.lifecycle = lifecycle;
  }

  @Override
  public Health health() {
    Health.Builder health = journal.canWrite() ? Health.up() : Health.down()
        .withDetail("reason", "the journal cannot record: new requests are refused until its writes succeed again");
    health.withDetail("journal", journal.toString())
        .withDetail("queuedWrites", journal.queuedWrites())
        .withDetail("applications", lifecycle.applications().all().stream().map(a -> a.name()).toList());
    lifecycle.server().ifPresent(s -> health.withDetail("server", s.uri().toString()));
    return health.build();
  }
}
