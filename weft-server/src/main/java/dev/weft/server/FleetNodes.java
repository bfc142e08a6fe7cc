package dev.weft.server;

import dev.weft.fleet.FleetNode;
import dev.weft.fleet.NodeStatus;
import dev.weft.journal.Journal;
import dev.weft.journal.postgres.PostgresJournal;
import java.util.List;

/**
 * The fleet's nodes as JSON. Loaded only when the server's journal is a {@link PostgresJournal}
 * (weft-postgres is an optional dependency of the server), so nothing else refers to it.
 */
final class FleetNodes {
  private FleetNodes() {}

  /**
   * {@code {"id", "address", "capacity", "started_at", "heartbeat_age_ms", "lease_ms",
   * "stopped_at", "alive", "leases_held"}} per node, oldest first; blocks for one query.
   */
  static List<String> list(Journal journal) {
    return FleetNode.list((PostgresJournal) journal).stream().map(FleetNodes::node).toList();
  }

  private static String node(NodeStatus n) {
    return Json.object()
        .str("id", n.id())
        .str("address", n.address().toString())
        .num("capacity", (long) n.capacity())
        .str("started_at", n.startedAt().toString())
        .num("heartbeat_age_ms", n.heartbeatAge().toMillis())
        .num("lease_ms", n.leaseDuration().toMillis())
        .str("stopped_at", n.stoppedAt().map(Object::toString).orElse(null))
        .bool("alive", n.alive())
        .num("leases_held", (long) n.leasesHeld())
        .end();
  }
}
