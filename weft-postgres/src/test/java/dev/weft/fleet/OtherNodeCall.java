package dev.weft.fleet;

import dev.weft.journal.postgres.PostgresJournal;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteFn1;
import dev.weft.remote.worker.WorkerNetwork;
import java.nio.file.Path;

/**
 * Node b in a process of its own, run by {@link FleetComputeTest}: opens the fleet's schema as node
 * {@code args[2]}, finds the {@code pid} service by name (health over TLS, trusting
 * {@code -Dweft.tls.ca}) and prints {@code ready}; then, once a line (or the end) comes on its
 * standard input, calls the service and prints the pid of the worker that answered. Its workers,
 * if it restarts one, listen like the test's: HTTPS on {@code args[3]} with the certificate and key
 * {@code args[4]}, {@code args[5]}.
 *
 * <p>Arguments: url schema node-id ip cert key work-dir
 */
public final class OtherNodeCall {
  private OtherNodeCall() {}

  public static void main(String[] args) throws Exception {
    try (PostgresJournal journal = PostgresJournal.open(PostgresJournal.Options.defaults(args[0]).withSchema(args[1])
        .withNodeId(args[2]).withPoolSize(2))) {
      FleetCompute node = FleetCompute.of(journal, WorkerNetwork.tls(args[3], args[3], Path.of(args[4]), Path.of(args[5])),
          Path.of(args[6]));
      RemoteFn1<Integer, Long> pid = Remote.fn(FleetComputeTest::pid).name("pid").backend(node).existing().orElseThrow();
      System.out.println("ready");
      System.out.flush();
      new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
      System.out.println("pid " + pid.call(0));
    }
  }
}
