package dev.weft.server;

import dev.weft.observe.MetricsText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * {@code GET /health}, {@code /health/live} and {@code /health/ready} (always) and {@code GET /metrics} (when a {@link MetricsText} is on the
 * class path, such as {@code weft-micrometer}'s). Both run on the exchange's virtual thread.
 */
final class Probes {
  private final Service service;
  private final Optional<MetricsText> metrics;

  Probes(Service service, Optional<MetricsText> metrics) {
    this.service = service;
    this.metrics = metrics;
  }

  /** The first {@link MetricsText} provider on the class path, if any. */
  static Optional<MetricsText> discovered() {
    Iterator<MetricsText> found = ServiceLoader.load(MetricsText.class, Probes.class.getClassLoader()).iterator();
    return found.hasNext() ? Optional.of(found.next()) : Optional.empty();
  }

  /**
   * Liveness and readiness: it answers, so the server is live; it is ready when the journal can
   * record (a failing journal, such as a full disk, makes it 503). Says nothing internal.
   */
  void health(Call call) throws IOException {
    call.query(Set.of());
    boolean journal = service.journal().canWrite();
    String body = Json.object()
        .str("status", journal ? "ready" : "not_ready")
        .bool("live", true)
        .bool("ready", journal)
        .raw("checks", Json.object().raw("journal", Json.object()
            .bool("ready", journal)
            .str("message", journal ? "the journal records" : "the journal cannot record now; see the server log")
            .end()).end())
        .end();
    call.json(journal ? 200 : 503, body, Map.of("Cache-Control", "no-store"));
  }

  /**
   * Liveness alone, for an orchestrator that restarts what is not live: it answers, so it is
   * live, whatever the journal does (restarting a server does not make a database reachable).
   */
  void live(Call call) throws IOException {
    call.query(Set.of());
    call.json(200, Json.object().str("status", "live").bool("live", true).end(), Map.of("Cache-Control", "no-store"));
  }

  /** The metrics as text (Prometheus, with weft-micrometer); 404 saying what to add when none is installed. */
  void metrics(Call call) throws IOException {
    call.query(Set.of());
    if (metrics.isEmpty()) {
      throw new ApiException(404, "metrics_disabled",
          "no metrics are served: put weft-micrometer on the server's class path (with weft server: --metrics)");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    metrics.get().write(out);
    call.send(200, metrics.get().contentType(), out.toByteArray(), Map.of("Cache-Control", "no-store"));
  }
}
