package dev.weft.spring;

import dev.weft.Applications;
import dev.weft.WeftException;
import dev.weft.WeftRuntime;
import dev.weft.fleet.FleetNode;
import dev.weft.journal.Journal;
import dev.weft.journal.postgres.PostgresJournal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What {@code weft.journal=postgresql} needs from weft-postgres, kept in one class so that the
 * rest of the starter loads without it: the shared journal, and the fleet node that renews this
 * instance's leases and takes over the requests of instances that died.
 */
final class Fleet {
  private Fleet() {}

  static Journal openJournal(WeftProperties properties) {
    WeftProperties.Postgresql pg = properties.getPostgresql();
    String url = pg.getUrl().strip();
    url = withParameter(url, "user", pg.getUser());
    url = withParameter(url, "password", pg.getPassword());
    PostgresJournal.Options options;
    try {
      options = PostgresJournal.Options.defaults(url).withSchema(pg.getSchema())
          .withRetention(properties.getRetention());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("invalid weft.postgresql settings: " + e.getMessage(), e);
    }
    try {
      return PostgresJournal.open(options);
    } catch (WeftException e) {
      throw new IllegalStateException(e.getMessage() + "; check weft.postgresql.url, user and password", e);
    }
  }

  /**
   * Starts the fleet node when the journal is a {@link PostgresJournal}; {@code address} is where
   * this instance serves (shown in node listings).
   */
  static Optional<AutoCloseable> start(Journal journal, WeftRuntime runtime, Applications applications,
      Optional<URI> address, WeftProperties properties) {
    if (!(journal instanceof PostgresJournal pg)) {
      return Optional.empty();
    }
    URI where = address.orElseGet(() -> URI.create("urn:weft:unserved:" + pg.nodeId()));
    FleetNode node = FleetNode.start(pg, runtime, applications,
        FleetNode.Options.of(where, properties.getPostgresql().getCapacity()));
    return Optional.of(node);
  }

  private static String withParameter(String url, String name, String value) {
    if (value == null || value.isEmpty()) {
      return url;
    }
    return url + (url.contains("?") ? "&" : "?") + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
