package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class WeftCliTest {

  /** What one execution of the command line printed and returned. */
  private record Result(int exitCode, String out, String err) {}

  private static Result execute(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    try (var outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        var errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      int exitCode = WeftCli.commandLine(outStream, errStream).execute(args);
      return new Result(exitCode, out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void list_registeredExamples_printsIdAndTitleInNumericIdOrder() {
    Result result = execute("examples", "list");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).containsSubsequence("TEST2   prints a result", "TEST10  fails");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void run_knownIdInAnyCase_printsExampleOutputAndExitsZero() {
    Result result = execute("examples", "run", "test2");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines()).containsExactly("narration", "result: 42");
  }

  @Test
  void run_unknownId_exitsTwoListingValidIds() {
    Result result = execute("examples", "run", "NOPE1");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).contains("NOPE1").contains("valid ids:").contains("TEST2, TEST10");
  }

  @Test
  void run_exampleThrows_exitsOneWithMessageOnStderr() {
    Result result = execute("examples", "run", "TEST10");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("example TEST10 failed").contains("expected 42 but was 41");
  }

  @Test
  void run_missingId_exitsTwo() {
    Result result = execute("examples", "run");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Missing required parameter");
  }

  @Test
  void help_onNestedSubcommand_printsUsageAndExitsZero() {
    Result result = execute("examples", "run", "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("Usage: weft examples run").contains("ID");
  }

  @Test
  void version_onSubcommand_printsWeftVersionAndExitsZero() {
    Result result = execute("examples", "list", "--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("weft ");
  }

  @Test
  void noSubcommand_exitsTwoWithUsage() {
    Result result = execute();

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Usage: weft");
  }
}
