package dev.weft.bench;

import dev.weft.Function;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The trivial functions {@link RemoteLatency} and {@link RemoteStreaming} deploy to a worker process, so what it measures
 * is the remote call's own cost (encode, HTTP on loopback, the worker's dispatch, decode) and not
 * the work. Public so that the worker, which loads it by name from the benchmarks jar, can.
 */
public final class RemoteTrivial {
  private RemoteTrivial() {}

  @Function
  public static int twice(int x) {
    return x * 2;
  }

  /** 0 .. n-1 as a streamed result: {@link RemoteStreaming} reads it item by item. */
  @Function
  public static Stream<Integer> range(int n) {
    return IntStream.range(0, n).boxed();
  }

  /** 0 .. n-1 as one whole value, the baseline {@link RemoteStreaming} measures the stream against. */
  @Function
  public static List<Integer> rangeList(int n) {
    return IntStream.range(0, n).boxed().toList();
  }
}
