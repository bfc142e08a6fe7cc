/**
 * Remote compute: deploy a function ({@link dev.weft.remote.Remote#fn}) or a class ({@link
 * dev.weft.remote.Remote#cls}) to a {@link dev.weft.remote.Compute} and call it synchronously
 * or asynchronously. The default {@link dev.weft.remote.ComputeBackend} runs each replica as a
 * separate JVM on this machine, on loopback, found again by name from any process; a fleet on
 * PostgreSQL registers its workers in the database ({@code dev.weft.fleet.FleetCompute}).
 *
 * <p>Public API: {@code Remote}, {@code Deployment}, {@code Compute}, {@code RemoteFunction}
 * and {@code RemoteFn0..5}, {@code RemoteService}, the exceptions, and the back-end SPI
 * ({@code ComputeBackend}, {@code ServiceSpec}, {@code DeployedService}, {@code Endpoint}). The
 * callers' side of calls (sending, resending, timing out, streaming) is package-private here.
 *
 * <p>The rest of the module, one package per concern: {@link dev.weft.remote.local} is the default
 * back end, {@link dev.weft.remote.worker} the worker process with what back ends that start
 * worker JVMs use to start it ({@code WorkerLauncher}, {@code WorkerNetwork}), and {@link
 * dev.weft.remote.wire} the worker protocol both sides speak. docs/REMOTE.md describes the design
 * and the worker protocol.
 */
package dev.weft.remote;
