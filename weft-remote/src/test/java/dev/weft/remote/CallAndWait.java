package dev.weft.remote;

import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link WorkerFailureTest}: calls the running {@code sleep} service of a
 * registry and waits for it, until the test kills this process.
 */
public final class CallAndWait {
  private CallAndWait() {}

  public static void main(String[] args) {
    RemoteFn1<Fixtures.SleepOrder, String> sleep = Remote.fn(Fixtures::sleep).name(args[1])
        .backend(ComputeBackend.localProcesses(Path.of(args[0]))).existing().orElseThrow();
    System.out.println("calling");
    System.out.println(sleep.call(new Fixtures.SleepOrder(60_000, args[2])));
  }
}
