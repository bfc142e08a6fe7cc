-- The fleet's nodes: one row per node id, kept after the node stops (weft nodes shows it).
-- Every time is the database's now(); lease_ms is the lease the node renews its requests for,
-- so a node counts as alive while its last heartbeat is younger than that.
CREATE TABLE nodes (
  id            text        PRIMARY KEY,
  address       text        NOT NULL,
  capacity      integer     NOT NULL CHECK (capacity > 0),
  lease_ms      bigint      NOT NULL CHECK (lease_ms > 0),
  started_at    timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz NOT NULL DEFAULT now(),
  stopped_at    timestamptz
);
