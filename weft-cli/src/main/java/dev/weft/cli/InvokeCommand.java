package dev.weft.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft invoke APP JSON}: submits a request to a running server. Without {@code --wait} it
 * prints the request id and returns; with it, it follows the request's event stream, draws a
 * progress bar on standard error and prints the output, as indented JSON, on standard output.
 */
@Command(
    name = "invoke",
    description = {
      "Submit a request to an application on a running Weft server and print its id.",
      "With --wait, follow it: a live progress bar on standard error, then the output as JSON on standard output "
          + "(the id goes to standard error, so the output can be piped)."
    },
    footer = {
      "%nExamples:",
      "  weft invoke KeywordIndex.indexCorpus '{\"corpus\":\"licenses\",\"top\":3}' --wait",
      "  weft invoke T4MapReduce.processNumbers '[1,2,3]' --key order-42",
      "      # the same key again returns the same request: it never runs twice"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:submitted (with --wait: succeeded)",
      "1:the request failed or was cancelled, or the server could not be reached",
      "2:wrong arguments, or the server refused them (unknown application, input not of its type, ...)"
    })
final class InvokeCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Mixin
  private ClientOptions client;

  @Parameters(index = "0", paramLabel = "<app>", description = "Application name, e.g. KeywordIndex.indexCorpus "
      + "('weft applications' lists them with their input types).")
  private String app;

  @Parameters(index = "1", paramLabel = "<json>", description = "The input as JSON, of the application's input type; "
      + "'-' reads it from standard input.")
  private String input;

  @Option(names = "--key", paramLabel = "<idempotency-key>", description = "Idempotency key, 1..64 visible ASCII "
      + "characters: it becomes the request id, and submitting it again returns that request instead of running twice.")
  private String key;

  @Option(names = "--wait", description = "Follow the request until it ends: progress on standard error, "
      + "then the output on standard output.")
  private boolean wait;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String json = readInput();
    WeftClient weft = client.client();
    Optional<String> idempotencyKey = Optional.ofNullable(key);
    if (!wait) {
      WeftClient.Submitted submitted = weft.submit(app, json, idempotencyKey);
      if (submitted.duplicate()) {
        err.println("weft: an earlier request has key '" + key + "' (" + submitted.state() + "); not submitted again");
        err.flush();
      }
      out.println(submitted.requestId());
      out.flush();
      return 0;
    }
    return submitAndFollow(weft, json, idempotencyKey, out, err);
  }

  private String readInput() {
    String text = input;
    if (text.equals("-")) {
      try {
        text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw CommandFailure.failed("cannot read the input from standard input: " + e.getMessage());
      }
    }
    try {
      WeftClient.JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw CommandFailure.usage("the input is not JSON: " + e.getOriginalMessage() + " (quote it for the shell: "
          + "weft invoke " + app + " '{\"key\": \"value\"}')");
    }
    return text;
  }

  /**
   * Submits with the event stream, draws progress and prints the outcome; returns the exit code: 0
   * the output was printed, 1 the request failed or was cancelled.
   */
  private int submitAndFollow(WeftClient weft, String json, Optional<String> idempotencyKey, PrintWriter out,
      PrintWriter err) {
    ProgressBar bar = ProgressBar.onStandardError(err, 24);
    WeftClient.Outcome outcome;
    try {
      outcome = weft.submitAndFollow(app, json, idempotencyKey, new WeftClient.Listener() {
        @Override
        public void accepted(WeftClient.Submitted request) {
          err.println("weft: request " + request.requestId() + (request.duplicate() ? " (submitted before)" : ""));
          err.flush();
        }

        @Override
        public void progress(WeftClient.Progress p) {
          bar.update(p.current(), p.total(), p.message());
        }
      });
    } finally {
      bar.finish();
    }
    return switch (outcome) {
      case WeftClient.Outcome.Output o -> {
        out.println(WeftClient.pretty(o.output()));
        out.flush();
        yield 0;
      }
      case WeftClient.Outcome.Failure f -> {
        String what = f.code().equals("request_cancelled") ? "was cancelled" : "failed";
        err.println("weft: request " + f.request().requestId() + " " + what + ": "
            + (f.message().isBlank() ? "(the server gave no reason)" : f.message()));
        err.flush();
        yield 1;
      }
    };
  }
}
