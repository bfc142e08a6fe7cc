/**
 * Remote compute: deploy a function ({@link dev.weft.remote.Remote#fn}) or a class ({@link
 * dev.weft.remote.Remote#cls}) to a {@link dev.weft.remote.Compute} and call it synchronously
 * or asynchronously. The default {@link dev.weft.remote.ComputeBackend} runs each replica as a
 * separate JVM on this machine, on loopback, found again by name from any process; a fleet on
 * PostgreSQL registers its workers in the database ({@code dev.weft.fleet.FleetCompute}).
 *
 * <p>Public API: {@code Remote}, {@code Deployment}, {@code Compute}, {@code RemoteFunction}
 * and {@code RemoteFn0..5}, {@code RemoteService}, the exceptions, and the back-end SPI
 * ({@code ComputeBackend}, {@code ServiceSpec}, {@code DeployedService}, {@code Endpoint}, and for
 * back ends that start worker JVMs, {@code WorkerLauncher} with its {@code WorkerNetwork}).
 * {@code WorkerMain} is the worker process's entry point, not an API. docs/REMOTE.md describes
 * the design and the worker protocol.
 */
package dev.weft.remote;
