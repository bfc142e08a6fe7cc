package dev.weft.server;

import dev.weft.journal.Journal;
import dev.weft.journal.JournalUnavailableException;
import dev.weft.remote.ComputeBackend;
import dev.weft.remote.DeployedService;
import dev.weft.remote.Endpoint;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What runs beside the server, read-only: the remote services registered on this machine
 * ({@code GET /v1/services}, what {@code weft services} lists) and the nodes of the fleet whose
 * journal the server shares ({@code GET /v1/nodes}, what {@code weft nodes} lists). Thread-safe;
 * each answer blocks for one look at the registry directory or one query.
 */
final class Inventory {
  private static final System.Logger LOG = System.getLogger("dev.weft.server");
  private static final String POSTGRES_JOURNAL = "dev.weft.journal.postgres.PostgresJournal";

  private final Journal journal;
  private final boolean fleet;

  Inventory(Journal journal) {
    this.journal = journal;
    this.fleet = isPostgres(journal);
  }

  /**
   * Whether {@code journal} is the fleet's PostgreSQL journal. Asked by name, so a server without
   * weft-postgres on its class path never loads it.
   */
  private static boolean isPostgres(Journal journal) {
    return journal.getClass().getName().equals(POSTGRES_JOURNAL); // a final class
  }

  // GET /v1/services
  void services(Call call) throws IOException {
    call.query(Set.of());
    // Read on every call: the registry is a directory other processes change.
    List<DeployedService> services = ComputeBackend.localProcesses().list();
    List<String> items = services.stream().map(s -> Json.object()
        .str("name", s.name())
        .str("kind", s.spec().kind().name())
        .str("target", s.spec().target())
        .raw("replicas", Json.array(s.replicas().stream().map(Inventory::replica).toList()))
        .end()).toList();
    call.json(200, Json.object().raw("services", Json.array(items)).end());
  }

  /** A replica without its token: {@code {"replica", "pid", "uri"}}. */
  private static String replica(Endpoint e) {
    return Json.object().num("replica", (long) e.replica()).num("pid", e.pid()).str("uri", e.uri().toString()).end();
  }

  // GET /v1/nodes
  void nodes(Call call) throws IOException {
    call.query(Set.of());
    if (!fleet) {
      call.json(200, Json.object().bool("fleet", false).raw("nodes", "[]").end());
      return;
    }
    List<String> nodes;
    try {
      nodes = FleetNodes.list(journal);
    } catch (JournalUnavailableException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot list the fleet's nodes: the journal is unavailable", e);
      throw new ApiException(503, "journal_unavailable", "the fleet's database cannot be read right now; try again "
          + "in a few seconds", Map.of("Retry-After", Service.RETRY_AFTER_SECONDS));
    }
    call.json(200, Json.object().bool("fleet", true).raw("nodes", Json.array(nodes)).end());
  }
}
