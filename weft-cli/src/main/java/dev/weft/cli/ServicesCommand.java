package dev.weft.cli;

import dev.weft.remote.ComputeBackend;
import dev.weft.remote.DeployedService;
import dev.weft.remote.Endpoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft services}: the remote services running on this machine (local worker processes,
 * which outlive the programs that deployed them), and stopping them.
 */
@Command(
    name = "services",
    description = "List the remote services running on this machine (worker JVMs deployed with Remote.fn / "
        + "Remote.cls), or stop some.",
    subcommands = {ServicesCommand.Teardown.class})
final class ServicesCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "The registry directory (default: $WEFT_SERVICES_DIR, else -Dweft.services.dir, else ~/.weft/services).")
  private Path dir;

  static ComputeBackend backend(Path dir) {
    return dir == null ? ComputeBackend.localProcesses() : ComputeBackend.localProcesses(dir);
  }

  @Override
  public Integer call() {
    List<DeployedService> services = backend(dir).list();
    PrintWriter out = spec.commandLine().getOut();
    if (services.isEmpty()) {
      out.println("no services running");
      out.flush();
      return 0;
    }
    int name = 4;
    int target = 6;
    for (DeployedService s : services) {
      name = Math.max(name, s.name().length());
      target = Math.max(target, s.spec().target().length());
    }
    String row = "%-" + name + "s  %-" + target + "s  %s";
    out.println(String.format(row, "NAME", "TARGET", "REPLICAS (pid@endpoint)"));
    for (DeployedService s : services) {
      String replicas = s.replicas().stream().map(ServicesCommand::replica).collect(Collectors.joining(", "));
      out.println(String.format(row, s.name(), s.spec().target(), replicas));
    }
    out.flush();
    return 0;
  }

  private static String replica(Endpoint e) {
    return e.pid() + "@" + e.uri().getAuthority();
  }

  /** {@code weft services teardown NAME...}. */
  @Command(name = "teardown", description = "Stop the named services (all their replicas).")
  static final class Teardown implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "The registry directory, as for 'weft services'.")
    private Path dir;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Service names.")
    private List<String> names;

    @Override
    public Integer call() {
      ComputeBackend backend = backend(dir);
      PrintWriter out = spec.commandLine().getOut();
      for (String n : names) {
        boolean running = backend.find(n).isPresent();
        backend.teardown(n);
        out.println(running ? "stopped " + n : n + " was not running");
      }
      out.flush();
      return 0;
    }
  }
}
