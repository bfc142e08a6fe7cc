package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.cli.Cli.Result;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;

final class WeftCliTest {

  private static Result execute(String... args) {
    return Cli.run(args);
  }

  /** weft and every command under it, parents before children. */
  private static List<CommandLine> allCommands() {
    CommandLine root = WeftCli.commandLine(new PrintStream(OutputStream.nullOutputStream()),
        new PrintStream(OutputStream.nullOutputStream()));
    List<CommandLine> commands = new ArrayList<>(List.of(root));
    for (int i = 0; i < commands.size(); i++) {
      commands.addAll(commands.get(i).getSubcommands().values());
    }
    return commands;
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

  @Test
  void help_everyCommandOptionAndParameter_hasADescription() {
    List<String> undescribed = new ArrayList<>();
    List<CommandLine> commands = allCommands();
    for (CommandLine command : commands) {
      if (command.getCommandSpec().usageMessage().description().length == 0) {
        undescribed.add(command.getCommandSpec().qualifiedName());
      }
      List<ArgSpec> args = new ArrayList<>(command.getCommandSpec().options());
      args.addAll(command.getCommandSpec().positionalParameters());
      for (ArgSpec arg : args) {
        if (String.join("", arg.description()).isBlank()) {
          undescribed.add(command.getCommandSpec().qualifiedName() + " " + arg.paramLabel());
        }
      }
    }

    assertThat(commands).extracting(c -> c.getCommandSpec().qualifiedName()).contains(
        "weft demo", "weft server", "weft invoke", "weft requests", "weft requests show", "weft requests cancel",
        "weft applications");
    assertThat(undescribed).isEmpty();
  }

  @Test
  void help_topLevel_listsTheCommandsWithDemoFirst() {
    Result result = execute("--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).containsSubsequence("demo", "server", "invoke", "requests", "examples");
  }

  @Test
  void help_server_showsDefaultsAndExitCodes() {
    Result result = execute("server", "--help");

    assertThat(result.out()).contains("--port=<port>").contains("(default: 8080)").contains("(default: .weft/data)")
        .contains("(default: 7d)").contains("Exit codes:").contains("--jar=<path>");
  }

  @Test
  void typo_transposedLettersOfAnOption_suggestsItInOneLine() {
    Result port = execute("server", "--prot", "8080");
    Result waitOption = execute("invoke", "CliTestApps.countTo", "3", "--wiat");

    assertThat(port.exitCode()).isEqualTo(2);
    assertThat(port.err().lines()).containsExactly(
        "weft server: unknown option '--prot'; did you mean '--port'? (see 'weft server --help')");
    assertThat(waitOption.exitCode()).isEqualTo(2);
    assertThat(waitOption.err().lines()).containsExactly(
        "weft invoke: unknown option '--wiat'; did you mean '--wait'? (see 'weft invoke --help')");
  }

  @Test
  void typo_inEveryCommand_suggestsTheNearestOptionOrCommand() {
    List<String> missed = new ArrayList<>();
    for (CommandLine command : allCommands()) {
      List<String> path = new ArrayList<>(List.of(command.getCommandSpec().qualifiedName().split(" ")));
      path.remove(0);
      for (var option : command.getCommandSpec().options()) {
        String name = option.longestName();
        if (name.length() < 6) {
          continue; // too short for a swap to stay recognisable (-h, -V)
        }
        String typo = name.substring(0, 2) + name.charAt(3) + name.charAt(2) + name.substring(4);
        List<String> args = new ArrayList<>(path);
        args.add(typo);
        Result result = execute(args.toArray(String[]::new));
        if (!result.err().contains("did you mean '" + name + "'?") || result.err().lines().count() != 1) {
          missed.add(String.join(" ", args) + " -> " + result.err());
        }
      }
    }

    assertThat(missed).isEmpty();
    assertThat(execute("sever").err().lines()).containsExactly(
        "weft: unknown command 'sever'; did you mean 'server'? (see 'weft --help')");
  }

  @Test
  void suggestions_farFromEveryName_suggestNothing() {
    assertThat(Suggestions.closest("--colour", List.of("--port", "--data"))).isEmpty();
    assertThat(Suggestions.distance("--prot", "--port")).isEqualTo(1);
  }

  @Test
  void completion_bashAndZsh_printAScriptCompletingCommandsAndOptions() {
    Result bash = execute("completion", "bash");
    Result zsh = execute("completion", "zsh");
    Result other = execute("completion", "fish");

    assertThat(bash.exitCode()).isZero();
    assertThat(bash.out()).contains("complete -F").contains("server").contains("--port").contains("--wait");
    assertThat(zsh.exitCode()).isZero();
    assertThat(zsh.out()).contains("bashcompinit");
    assertThat(other.exitCode()).isEqualTo(2);
    assertThat(other.err()).contains("bash, zsh");
  }
}
