-- Fleet work: one row per attempt of a call placed on the fleet (Placement.FLEET).
-- The caller inserts it QUEUED and waits; a node with room claims it (FOR UPDATE SKIP LOCKED),
-- runs it under a lease, and commits its outcome fenced by the lease's epoch.
CREATE TABLE tasks (
  seq              BIGSERIAL PRIMARY KEY,
  id               TEXT NOT NULL UNIQUE,          -- request id / durable id / attempt
  request_id       TEXT NOT NULL,
  function         TEXT NOT NULL,
  class_name       TEXT NOT NULL,
  method_name      TEXT NOT NULL,
  param_types      TEXT NOT NULL,                 -- binary names, comma-separated
  arguments        TEXT NOT NULL,                 -- JSON array, by the declared parameter types
  cpus             DOUBLE PRECISION NOT NULL,
  memory_bytes     BIGINT NOT NULL,
  timeout_ms       BIGINT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  owner            TEXT,
  epoch            BIGINT NOT NULL DEFAULT 0,
  lease_expires_at TIMESTAMPTZ,
  cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
  runs             INTEGER NOT NULL DEFAULT 0,    -- how many times a node started it
  ran_on           TEXT,                          -- the node whose outcome was committed
  output           TEXT,
  error            TEXT,                          -- ErrorPayload JSON
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  started_at       TIMESTAMPTZ,
  finished_at      TIMESTAMPTZ
);
CREATE INDEX tasks_open ON tasks (seq) WHERE state IN ('QUEUED', 'RUNNING');
CREATE INDEX tasks_by_request ON tasks (request_id);
