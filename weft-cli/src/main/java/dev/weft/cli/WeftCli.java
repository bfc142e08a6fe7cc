package dev.weft.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ScopeType;

/**
 * Entry point of the {@code weft} command: {@code weft examples list} shows the runnable
 * examples, {@code weft examples run T4} runs one.
 *
 * <p>Every command and subcommand accepts {@code --help} and {@code --version}. Normal output goes
 * to standard output and diagnostics to standard error, so output can be piped. The process exits
 * with the command's exit code (see the package documentation).
 */
@Command(
    name = "weft",
    description = "Run Weft functions, applications and examples.",
    mixinStandardHelpOptions = true,
    versionProvider = WeftCli.Version.class,
    scope = ScopeType.INHERIT,
    subcommands = ExamplesCommand.class)
public final class WeftCli {

  private final PrintStream out;

  private WeftCli(PrintStream out) {
    this.out = out;
  }

  /** Runs the command line given in {@code args} and exits the JVM with its exit code. */
  public static void main(String[] args) {
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
