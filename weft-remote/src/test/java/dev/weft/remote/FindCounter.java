package dev.weft.remote;

import java.nio.file.Path;

/** Run in a separate JVM by {@link RemoteServiceTest}: finds a running service by name and calls it. */
public final class FindCounter {
  private FindCounter() {}

  public static void main(String[] args) {
    var found = Remote.cls(Fixtures.CounterService.class, args[1]).backend(ComputeBackend.localProcesses(Path.of(args[0])))
        .getIfExists(true).to();
    System.out.println(found.processIds().get(0) + " " + found.proxy(Fixtures.Counter.class).greet("child"));
  }
}
