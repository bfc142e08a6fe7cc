-- The journal: requests and the calls they made. Runs with search_path set to the journal's schema.
CREATE TABLE requests (
  seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id               TEXT        NOT NULL UNIQUE,
  application      TEXT        NOT NULL,
  input            TEXT        NOT NULL,
  idempotency_key  TEXT        UNIQUE,
  key_hash         TEXT        NOT NULL,
  state            TEXT        NOT NULL CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at      TIMESTAMPTZ,
  output           TEXT,
  error            TEXT,
  error_type       TEXT,
  error_message    TEXT,
  progress_current DOUBLE PRECISION,
  progress_total   DOUBLE PRECISION,
  progress_message TEXT,
  progress_at      TIMESTAMPTZ,
  owner            TEXT,
  epoch            BIGINT      NOT NULL DEFAULT 0,
  lease_expires_at TIMESTAMPTZ
);
CREATE INDEX requests_by_state ON requests (state, seq);
CREATE INDEX requests_by_application ON requests (application, seq);
CREATE INDEX requests_by_finish ON requests (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX requests_running_leases ON requests (lease_expires_at) WHERE state = 'RUNNING';

CREATE TABLE calls (
  request_id      TEXT    NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  durable_id      TEXT    NOT NULL,
  parent_id       TEXT,
  function        TEXT    NOT NULL,
  arguments       TEXT,
  state           TEXT    NOT NULL CHECK (state IN ('RUNNING', 'RETRYING', 'FAILED', 'SUCCEEDED', 'UNSERIALIZABLE')),
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  output          TEXT,
  error           TEXT,
  started_at      TIMESTAMPTZ,
  finished_at     TIMESTAMPTZ,
  PRIMARY KEY (request_id, durable_id)
);
