package dev.weft.cli;

import picocli.CommandLine.ExitCode;

/**
 * A failure a command reports as one line on standard error ({@code weft: <message>}) and an exit
 * code, without a stack trace: the message says what went wrong and what to do instead.
 * {@link WeftCli} turns it into that line and code.
 */
class CommandFailure extends RuntimeException {
  private final int exitCode;

  CommandFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CommandFailure(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** Exit code: the journal is open in another process (another {@code weft server} on the same --data). */
  static final int JOURNAL_IN_USE = 3;
  /** Exit code: the journal cannot be used (damaged, read-only, not a journal, from a newer Weft, missing). */
  static final int JOURNAL_UNUSABLE = 4;

  /** The command line was wrong (exit code 2). */
  static CommandFailure usage(String message) {
    return new CommandFailure(ExitCode.USAGE, message);
  }

  /** The command was right but failed (exit code 1). */
  static CommandFailure failed(String message) {
    return new CommandFailure(ExitCode.SOFTWARE, message);
  }

  int exitCode() {
    return exitCode;
  }
}
