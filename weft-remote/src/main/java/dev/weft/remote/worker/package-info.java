/**
 * The worker process and how back ends start it. A worker JVM serves one deployed service over
 * HTTP(S) and runs its calls through a Weft engine of its own, each call id at most once.
 *
 * <p>For back ends that start worker JVMs on their machine (the local processes, the PostgreSQL
 * fleet): {@link dev.weft.remote.worker.WorkerLauncher} starts, checks and stops them, on a {@link
 * dev.weft.remote.worker.WorkerNetwork}. Everything else here runs inside the worker and is not
 * API: {@link dev.weft.remote.worker.WorkerMain} is the process's entry point, named in launch
 * commands; its arguments may change between releases.
 */
package dev.weft.remote.worker;
