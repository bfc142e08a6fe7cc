package dev.weft.cli;

import picocli.CommandLine.ExitCode;

/**
 * The server answered with an error: {@code {"code", "message"}} and an HTTP status. A 4xx status
 * (the caller asked for something wrong: unknown application, bad input, ...) exits 2; a 5xx
 * status (the server's or the application's problem) exits 1.
 */
final class ApiError extends CommandFailure {
  private final int status;
  private final String code;

  ApiError(int status, String code, String serverMessage) {
    super(status >= 400 && status < 500 ? ExitCode.USAGE : ExitCode.SOFTWARE,
        serverMessage + " (HTTP " + status + ", " + code + ")");
    this.status = status;
    this.code = code;
  }

  /** The HTTP status, such as 404. */
  int status() {
    return status;
  }

  /** The server's error code, such as {@code unknown_application}. */
  String code() {
    return code;
  }
}
