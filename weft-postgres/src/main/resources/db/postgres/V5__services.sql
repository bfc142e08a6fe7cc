-- Remote services of the fleet (FleetCompute): what each runs and how its workers start, and where
-- each replica answers. Any node reads these rows to call a service; the rows hold the workers'
-- bearer tokens, so whoever can read this schema can call the workers (the database is the
-- fleet's trust root). Every time is the database's now().
CREATE TABLE services (
  name        text        PRIMARY KEY,
  spec        text        NOT NULL,   -- the ServiceSpec, as JSON
  launch      text        NOT NULL,   -- java, class path, JVM options, env, TTL: as JSON
  log_file    text        NOT NULL,
  created_by  text        NOT NULL,   -- the node that deployed it
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE service_replicas (
  name        text        NOT NULL REFERENCES services (name) ON DELETE CASCADE,
  replica     integer     NOT NULL CHECK (replica >= 0),
  uri         text        NOT NULL,   -- https://host:port (or http:// on loopback or when insecure)
  token       text        NOT NULL,   -- the worker's bearer token
  pid         bigint      NOT NULL,   -- the worker's process id on its owner's machine
  owner       text        NOT NULL,   -- the node that started the worker
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, replica)
);
