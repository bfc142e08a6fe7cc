/**
 * The {@code weft} command line: {@link dev.weft.cli.WeftCli} is its entry point, and each
 * subcommand is a package-private class beside it.
 *
 * <p>Run it as {@code ./weft ...} from the repository root, which builds
 * {@code weft-cli/target/weft.jar} when needed. Exit codes: 0 success, 1 the command failed,
 * 2 the command line was wrong (unknown subcommand, option or id).
 */
package dev.weft.cli;
