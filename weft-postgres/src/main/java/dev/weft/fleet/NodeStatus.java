package dev.weft.fleet;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One registered node as the database sees it now ({@link FleetNode#list}); every age and the
 * liveness are judged by the database's clock.
 *
 * @param id the node's id
 * @param address where it serves
 * @param capacity the most requests it runs at once
 * @param startedAt when it registered (last started)
 * @param heartbeatAge how long ago its last heartbeat was
 * @param leaseDuration the lease it renews its requests for
 * @param stoppedAt when it stopped cleanly, if it did
 * @param leasesHeld how many unfinished requests it holds a live lease on
 */
public record NodeStatus(String id, URI address, int capacity, Instant startedAt, Duration heartbeatAge,
    Duration leaseDuration, Optional<Instant> stoppedAt, int leasesHeld) {

  /** Whether the node runs: not stopped, and its last heartbeat is younger than its lease. */
  public boolean alive() {
    return stoppedAt.isEmpty() && heartbeatAge.compareTo(leaseDuration) < 0;
  }
}
