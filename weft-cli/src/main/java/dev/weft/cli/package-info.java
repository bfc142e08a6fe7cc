/**
 * The {@code weft} command line: {@link dev.weft.cli.WeftCli} is its entry point, and each
 * subcommand is a package-private class beside it: {@code demo} (the main job), {@code server},
 * {@code journal} ({@code check}, {@code backup}), {@code invoke}, {@code requests},
 * {@code applications}, {@code services}, {@code examples} and {@code completion}. The commands that
 * talk to a server use {@code WeftClient}, a small blocking client of the HTTP API in
 * docs/SERVER.md.
 *
 * <p>Run it as {@code ./weft ...} from the repository root, which builds
 * {@code weft-cli/target/weft.jar} when needed. Results go to standard output, progress and
 * diagnostics to standard error. Exit codes: 0 success, 1 the command failed (a request failed,
 * the server could not be reached), 2 the command line was wrong or the server refused it (an
 * unknown application, an input of the wrong type: any HTTP 4xx), 3 the journal is in use by
 * another process, 4 the journal cannot be used (damaged, read-only, looks reset, missing);
 * {@code weft server} ends with 143 on SIGTERM. A failure is one line on standard error
 * ({@code weft: ...}); a mistyped option or command names the nearest one; the global
 * {@code --verbose} adds the Java stack trace.
 */
package dev.weft.cli;
