/**
 * The default back end, {@link dev.weft.remote.ComputeBackend#localProcesses()}: worker JVMs on
 * this machine, listening on loopback, registered in a directory so that other processes find them
 * by name. Other back ends live in their own modules (the PostgreSQL fleet's is {@code
 * dev.weft.fleet.FleetCompute}).
 *
 * <p>Not API: reach it through {@code ComputeBackend}; may change between releases.
 */
package dev.weft.remote.local;
