package dev.weft.bench;

import dev.weft.Function;

/**
 * The trivial function {@link RemoteLatency} deploys to a worker process, so what it measures
 * is the remote call's own cost (encode, HTTP on loopback, the worker's dispatch, decode) and not
 * the work. Public so that the worker, which loads it by name from the benchmarks jar, can.
 */
public final class RemoteTrivial {
  private RemoteTrivial() {}

  @Function
  public static int twice(int x) {
    return x * 2;
  }
}
