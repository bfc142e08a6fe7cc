package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.Applications;
import dev.weft.examples.demo.KeywordIndex;
import dev.weft.server.WeftServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code weft demo}, the main job: builds a keyword index of the license texts shipped in
 * weft-examples ({@link KeywordIndex}) as one durable request. It starts an embedded server on a
 * free loopback port with a SQLite journal, submits the request over HTTP with an event stream,
 * draws its progress, prints the index readably, and stops the server. Needs no network beyond
 * loopback and nothing outside the jar.
 *
 * <p>Standard output is the same on every run apart from the request id and the timings; the
 * server's address, the journal's path and the progress bar go to standard error.
 */
@Command(
    name = "demo",
    description = {
      "The main job: index the license texts shipped with Weft, as one durable request.",
      "Starts an embedded Weft server (SQLite journal, HTTP), submits KeywordIndex.indexCorpus over HTTP, shows its "
          + "live progress (server-sent events), prints each document's keywords, and stops the server. "
          + "The map over the documents runs in parallel and every call is journaled."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the index was built and printed", "1:the request failed", "2:wrong options"})
final class DemoCommand implements Callable<Integer> {
  static final String APPLICATION = "KeywordIndex.indexCorpus";

  @Spec
  private CommandSpec spec;

  @Option(names = "--data", paramLabel = "<dir>", description = "Keep the journal (weft.db) in this directory "
      + "(default: a fresh temporary directory, deleted afterwards).")
  private Path data;

  @Option(names = "--top", paramLabel = "<n>", defaultValue = "5", description = "Keywords to show per document "
      + "and for the whole corpus, 1..50 (default: ${DEFAULT-VALUE}).")
  private int top;

  @Option(names = "--corpus", paramLabel = "<name>", defaultValue = "licenses", description = "The corpus to index, "
      + "from the class path's corpus/<name>/ (default: ${DEFAULT-VALUE}, the one shipped).")
  private String corpus;

  @Option(names = "--db", paramLabel = "<url>", description = "Run the fleet demo instead: two local nodes on this "
      + "PostgreSQL database (postgresql://host:5432/db?user=u), the one running the request killed half-way, the other "
      + "finishing it; shows which node ran which call. Uses the schema " + FleetDemoRun.SCHEMA + ".")
  private String db;

  @Option(names = "--keep", description = "Keep the embedded server running after the request, and print the URL of "
      + "its dashboard (the request's calls, its timeline, the applications), until Ctrl-C.")
  private boolean keep;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (top < 1 || top > 50) {
      throw CommandFailure.usage("--top must be 1..50, was " + top);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (db != null && !db.isBlank()) {
      if (keep) {
        throw CommandFailure.usage("--keep keeps the embedded server of the demo; the fleet demo (--db) stops its nodes "
            + "itself: leave out one of them");
      }
      return FleetDemoRun.run(db.strip(), FleetDemoRun.SCHEMA, corpus, 300, out, err);
    }
    boolean temporary = data == null;
    Path dir = temporary ? Files.createTempDirectory("weft-demo-") : data.toAbsolutePath();
    try {
      Path journal = dir.resolve(ServerCommand.JOURNAL_FILE);
      try (WeftServer server = WeftServer.builder()
          .applications(Applications.of(KeywordIndex.class))
          .sqliteJournal(journal)
          .anyFreePort()
          .start()) {
        err.println("weft demo: embedded Weft server on " + server.uri() + ", journal " + journal);
        err.flush();
        String key = "demo-" + UUID.randomUUID();
        int code = run(new WeftClient(server.uri(), Optional.empty()), key, out, err);
        if (keep) {
          keepServing(server, key, temporary ? Optional.of(dir) : Optional.empty(), out, err);
        }
        return code;
      }
    } finally {
      if (temporary) {
        deleteRecursively(dir, err);
      }
    }
  }

  /**
   * Prints the dashboard's URL and serves until the process is asked to stop (Ctrl-C, SIGTERM):
   * then a shutdown hook closes the server and deletes the temporary data directory, if any.
   * Never returns normally.
   */
  private static void keepServing(WeftServer server, String key, Optional<Path> temporary, PrintWriter out,
      PrintWriter err) throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      err.println("weft demo: stopping the server");
      err.flush();
      server.close();
      temporary.ifPresent(dir -> deleteRecursively(dir, err));
    }, "weft-demo-stop"));
    out.println();
    out.println("Dashboard: " + server.uri() + "#/requests/" + key);
    out.println("The server keeps running (" + server.uri() + "); Ctrl-C stops it.");
    out.flush();
    new java.util.concurrent.CountDownLatch(1).await(); // the shutdown hook ends the process
  }

  private int run(WeftClient weft, String key, PrintWriter out, PrintWriter err) {
    ObjectNode input = WeftClient.JSON.createObjectNode().put("corpus", corpus).put("top", top);
    String json = input.toString();
    out.println("Weft demo: a keyword index of the '" + corpus + "' corpus, as one durable request.");
    out.println("An embedded Weft server journals every call in SQLite; this command is its HTTP client.");
    out.println();
    out.println("POST /v1/applications/" + APPLICATION + " " + json);
    out.flush();

    ProgressBar bar = ProgressBar.onStandardError(err, 24);
    long start = System.nanoTime();
    WeftClient.Outcome outcome;
    try {
      outcome = weft.submitAndFollow(APPLICATION, json, Optional.of(key), new WeftClient.Listener() {
        @Override
        public void accepted(WeftClient.Submitted request) {
          out.println("request " + request.requestId() + " accepted; following its progress");
          out.flush();
        }

        @Override
        public void progress(WeftClient.Progress p) {
          bar.update(p.current(), p.total(), p.message());
        }
      });
    } finally {
      bar.finish();
    }
    long elapsed = System.nanoTime() - start;
    if (outcome instanceof WeftClient.Outcome.Failure f) {
      err.println("weft demo: request " + f.request().requestId() + " failed: " + f.message());
      err.flush();
      return 1;
    }
    JsonNode report = ((WeftClient.Outcome.Output) outcome).output();
    printReport(report, out);

    int documents = report.path("documents").asInt();
    out.println();
    out.printf(Locale.ROOT, "request %s SUCCEEDED in %s: %d analyze calls in parallel, %d merge steps, 1 rank, "
        + "all journaled%n", key, seconds(elapsed), documents, documents);
    long again = System.nanoTime();
    WeftClient.Submitted repeat = weft.submit(APPLICATION, json, Optional.of(key));
    out.printf(Locale.ROOT, "the same request again (same Idempotency-Key): %s %s in %s, from the journal; "
        + "nothing ran twice%n", repeat.duplicate() ? "duplicate" : "NEW", repeat.state(), seconds(System.nanoTime() - again));
    out.println();
    out.println("Next: ./weft server, then ./weft invoke " + APPLICATION + " '" + json + "' --wait");
    out.flush();
    return 0;
  }

  /** The corpus's top words, then one line per document with its keywords. */
  static void printReport(JsonNode report, PrintWriter out) {
    out.println();
    out.printf(Locale.ROOT, "%d documents, %,d words. Most frequent words:%n",
        report.path("documents").asInt(), report.path("words").asLong());
    List<String> words = new ArrayList<>();
    for (JsonNode k : report.path("corpus")) {
      words.add(String.format(Locale.ROOT, "%s (%,d)", k.path("word").asText(), Math.round(k.path("score").asDouble())));
    }
    out.println("  " + String.join("  ", words));
    out.println();
    out.println("Keywords of each document (tf-idf):");
    List<Map.Entry<String, JsonNode>> documents = new ArrayList<>();
    report.path("byDocument").fields().forEachRemaining(documents::add);
    int width = documents.stream().map(Map.Entry::getKey).mapToInt(String::length).max().orElse(0);
    documents.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    for (Map.Entry<String, JsonNode> d : documents) {
      List<String> keywords = new ArrayList<>();
      d.getValue().forEach(k -> keywords.add(k.path("word").asText()));
      out.printf(Locale.ROOT, "  %-" + width + "s  %s%n", d.getKey(), String.join(", ", keywords));
    }
    out.flush();
  }

  private static String seconds(long nanos) {
    return nanos < 1_000_000_000L
        ? String.format(Locale.ROOT, "%d ms", nanos / 1_000_000)
        : String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  private static void deleteRecursively(Path dir, PrintWriter err) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      err.println("weft demo: could not delete " + dir + ": " + e.getMessage());
      err.flush();
    }
  }
}
