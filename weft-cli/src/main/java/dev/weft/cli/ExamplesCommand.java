package dev.weft.cli;

import dev.weft.examples.Example;
import dev.weft.examples.Examples;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code weft examples list | run ID}: lists and runs the conformance examples. */
@Command(
    name = "examples",
    description = "List and run the conformance examples (see weft-examples).")
final class ExamplesCommand {

  @ParentCommand
  private WeftCli weft;

  @Spec
  private CommandSpec spec;

  @Command(name = "list", description = "Print each example as 'ID  title', in id order.")
  int list() {
    List<Example> examples = Examples.all();
    if (examples.isEmpty()) {
      err().println("weft: no examples are registered");
      return ExitCode.OK;
    }
    int width = examples.stream().mapToInt(e -> e.id().length()).max().orElse(0);
    PrintWriter out = spec.commandLine().getOut();
    for (Example example : examples) {
      out.printf("%-" + width + "s  %s%n", example.id(), example.title());
    }
    out.flush();
    return ExitCode.OK;
  }

  @Command(
      name = "run",
      description = "Run one example; its result is the last line printed.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:the example succeeded",
        "1:the example failed",
        "2:no example has that id"
      })
  int run(@Parameters(paramLabel = "ID", description = "Example id, e.g. T4 (any case).")
      String id) {
    Optional<Example> found = Examples.find(id);
    if (found.isEmpty()) {
      err().println("weft: no example has id '" + id + "'; valid ids: " + validIds());
      return ExitCode.USAGE;
    }
    Example example = found.get();
    PrintStream out = weft.out();
    try {
      example.run(out);
      return ExitCode.OK;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      err().println("weft: example " + example.id() + " failed: " + e);
      e.printStackTrace(err());
      return ExitCode.SOFTWARE;
    } finally {
      out.flush();
    }
  }

  private static String validIds() {
    List<Example> examples = Examples.all();
    return examples.isEmpty()
        ? "none (no examples are registered)"
        : examples.stream().map(Example::id).collect(Collectors.joining(", "));
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
