/**
 * A fleet of Weft nodes on one PostgreSQL database: each node registers itself, heartbeats,
 * renews the leases of the requests it runs, and takes over the requests whose leases expired
 * (their node died or stalled). Start one {@link dev.weft.fleet.FleetNode} per process beside its
 * {@link dev.weft.journal.postgres.PostgresJournal}. See docs/FLEET.md.
 */
package dev.weft.fleet;
