package dev.weft.remote.local;

import dev.weft.remote.ComputeBackend;
import dev.weft.remote.Fixtures;
import dev.weft.remote.Remote;
import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link LocalProcessesTest}, from another working directory and with a
 * relative class path: deploys a counter service into a registry and leaves it running.
 */
public final class DeployCounter {
  private DeployCounter() {}

  public static void main(String[] args) {
    var service = Remote.cls(Fixtures.CounterService.class, args[1]).initArgs("hi", 0)
        .backend(ComputeBackend.localProcesses(Path.of(args[0]))).to();
    System.out.println(service.processIds().get(0));
  }
}
