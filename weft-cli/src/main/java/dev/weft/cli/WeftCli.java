package dev.weft.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Entry point of the {@code weft} command: {@code weft demo} runs the main job, {@code weft
 * server} serves applications over HTTP, {@code weft invoke} and {@code weft requests} talk to a
 * running server, {@code weft examples} lists and runs the conformance examples.
 *
 * <p>Every command and subcommand accepts {@code --help}, {@code --version} and {@code --verbose}.
 * Normal output goes to standard output and diagnostics to standard error, so output can be piped.
 * A failure is one line on standard error, {@code weft: <what went wrong and what to do>}, and the
 * command's exit code (see the package documentation); {@code --verbose} adds the Java stack trace.
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
      JournalCommand.class,
      NodesCommand.class,
      KubeCommand.class,
      InvokeCommand.class,
      RequestsCommand.class,
      ApplicationsCommand.class,
      ServicesCommand.class,
      ExamplesCommand.class,
      CompletionCommand.class
    })
public final class WeftCli {

  private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

  private final PrintStream out;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print the Java stack trace of a failure, after its one-line message.")
  private boolean verbose;

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
      PrintWriter w = cl.getErr();
      int code;
      if (e instanceof CommandFailure failure) {
        w.println("weft: " + failure.getMessage());
        code = failure.exitCode();
      } else {
        // Not a failure a command foresaw: still one line, and the stack on request.
        w.println("weft: " + e.getClass().getSimpleName() + ": " + e.getMessage()
            + (verbose(parseResult) ? "" : " (run again with --verbose for the Java stack trace)"));
        code = CommandLine.ExitCode.SOFTWARE;
      }
      if (verbose(parseResult)) {
        e.printStackTrace(w);
      }
      w.flush();
      return code;
    });
    commandLine.setParameterExceptionHandler((e, args) -> {
      CommandLine cl = e.getCommandLine();
      String name = cl.getCommandSpec().qualifiedName();
      if (!cl.getSubcommands().isEmpty() && String.valueOf(e.getMessage()).startsWith("Missing required subcommand")) {
        cl.usage(cl.getErr()); // a command without its subcommand: the list of them helps more than one line
        cl.getErr().flush();
        return CommandLine.ExitCode.USAGE;
      }
      String message = e instanceof CommandLine.UnmatchedArgumentException u ? Suggestions.unmatched(cl, u)
          : Suggestions.unknownOption(cl, args).orElse(e.getMessage());
      cl.getErr().println(name + ": " + message + " (see '" + name + " --help')");
      if (Arrays.asList(args).contains("--verbose")) {
        e.printStackTrace(cl.getErr());
      }
      cl.getErr().flush();
      return CommandLine.ExitCode.USAGE;
    });
    return commandLine;
  }

  /** Whether --verbose was given, on the command or any of its parents. */
  private static boolean verbose(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
      if (pr.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
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
