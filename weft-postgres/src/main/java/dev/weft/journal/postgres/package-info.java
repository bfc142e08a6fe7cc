/**
 * The journal on PostgreSQL: one database shared by a fleet of Weft nodes, requests held under
 * leases, every write fenced by its lease's epoch. See docs/FLEET.md.
 */
package dev.weft.journal.postgres;
