package dev.weft.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ScopeType;

/**
 * Entry point of the {@code weft} command: {@code weft demo} runs the main job, {@code weft
 * server} serves applications over HTTP, {@code weft invoke} and {@code weft requests} talk to a
 * running server, {@code weft examples} lists and runs the conformance examples.
 *
 * <p>Every command and subcommand accepts {@code --help} and {@code --version}. Normal output goes
 * to standard output and diagnostics to standard error, so output can be piped. The process exits
 * with the command's exit code (see the package documentation).
 */
@Command(
    name = "weft",
    description = "Run Weft applications: serve them over HTTP, invoke them, follow their requests.",
    footer = "%nStart with 'weft demo'. Every command has --help.",
    mixinStandardHelpOptions = true,
    versionProvider = WeftCli.Version.class,
    scope = ScopeType.INHERIT,
    subcommands = {
      DemoCommand.class,
      ServerCommand.class,
      NodesCommand.class,
      InvokeCommand.class,
      RequestsCommand.class,
      ApplicationsCommand.class,
      ServicesCommand.class,
      ExamplesCommand.class
    })
public final class WeftCli {

  private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

  private final PrintStream out;

  private WeftCli(PrintStream out) {
    this.out = out;
  }

  /** Runs the command line given in {@code args} and exits the JVM with its exit code. */
  public static void main(String[] args) {
    // Log records (the engine's, the server's, the journal's) on one line each, as "LEVEL logger: message",
    // unless the user chose a format; must be set before java.util.logging formats its first record.
    if (System.getProperty(LOG_FORMAT) == null) {
      System.setProperty(LOG_FORMAT, "%4$s %3$s: %5$s%6$s%n");
    }
    System.exit(commandLine(System.out, System.err).execute(args));
  }

  /**
   * Returns a ready-to-execute command line whose output goes to {@code out} and diagnostics to
   * {@code err}; tests pass their own streams.
   */
  static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine commandLine = new CommandLine(new WeftCli(out));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
      if (e instanceof CommandFailure failure) {
        cl.getErr().println("weft: " + failure.getMessage());
        cl.getErr().flush();
        return failure.exitCode();
      }
      throw e;
    });
    return commandLine;
  }

  /** The stream that subcommands hand to code that writes to a {@link PrintStream}. */
  PrintStream out() {
    return out;
  }

  /** Reports the version from the jar manifest, which only the packaged jar has. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Optional.ofNullable(WeftCli.class.getPackage().getImplementationVersion())
          .orElse("(development build)");
      return new String[] {
        "weft " + version,
        "JVM: ${java.version} (${java.vendor} ${java.vm.name})",
      };
    }
  }
}
