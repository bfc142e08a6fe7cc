-- A cancel asked through any node: the node holding the request's lease cancels it
-- (woken by the cancel:<id> notification, or at its next lease renewal).
ALTER TABLE requests ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT FALSE;
