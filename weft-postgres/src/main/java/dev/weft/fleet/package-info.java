/**
 * A fleet of Weft nodes on one PostgreSQL database: each node registers itself, heartbeats,
 * renews the leases of the requests it runs, and takes over the requests whose leases expired
 * (their node died or stalled). Start one {@link dev.weft.fleet.FleetNode} per process beside its
 * {@link dev.weft.journal.postgres.PostgresJournal}. Remote services deployed on the fleet go to
 * {@link dev.weft.fleet.FleetCompute}, whose workers register their endpoints in the same schema so
 * that calls route across hosts. See docs/FLEET.md.
 */
package dev.weft.fleet;
