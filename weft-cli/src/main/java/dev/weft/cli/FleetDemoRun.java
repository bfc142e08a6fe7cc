package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.examples.demo.FleetDemo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code weft demo --db <url>}: the fleet demo. Starts two {@code weft server --db} processes (this
 * JVM's java and class path) on the database (schema {@value #SCHEMA} for {@code weft demo}), with
 * 2-second leases;
 * submits {@link FleetDemo#analyseCorpus} to node 1; kills node 1 with SIGKILL once half the calls
 * are done; waits for node 2 to take the request over and finish it; prints which node ran which
 * call (each call's output carries the process id that ran it, and calls that node 1 journaled are
 * replayed from the journal, not run again). Stops node 2 at the end; kills both on any failure.
 */
final class FleetDemoRun {
  static final String SCHEMA = "weft_demo";
  static final String APPLICATION = "FleetDemo.analyseCorpus";
  private static final String LISTENING = "weft server listening on ";
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  private FleetDemoRun() {}

  /** Runs the demo in {@code schema}; returns the exit code (0: node 2 finished the request). */
  static int run(String url, String schema, String corpus, long pauseMillis, PrintWriter out, PrintWriter err)
      throws IOException, InterruptedException {
    // Fails here, with one line, if PostgreSQL cannot be reached (before any process starts).
    FleetOptions options = new FleetOptions();
    options.schema = schema;
    options.lease = LEASE;
    FleetServer.open(url, options, "weft-demo-" + ProcessHandle.current().pid(), Duration.ofDays(7)).close();

    out.println("Weft fleet demo: two nodes share one journal on PostgreSQL (" + FleetOptions.redacted(url)
        + ", schema " + schema + "); the node running the request is killed half-way and the other finishes it.");
    out.println();
    out.flush();
    List<Node> nodes = new ArrayList<>();
    try {
      CompletableFuture<Node> first = CompletableFuture.supplyAsync(() -> Node.start(url, schema, 1));
      CompletableFuture<Node> second = CompletableFuture.supplyAsync(() -> Node.start(url, schema, 2));
      nodes.add(join(first));
      nodes.add(join(second));
      for (Node n : nodes) {
        out.printf(Locale.ROOT, "node %d: pid %d, %s%n", n.number, n.process.pid(), n.url);
      }
      Node one = nodes.get(0);
      Node two = nodes.get(1);
      String input = WeftClient.JSON.createObjectNode().put("corpus", corpus).put("pauseMillis", pauseMillis).toString();
      String key = "fleet-demo-" + UUID.randomUUID();
      out.println("POST " + one.url + "/v1/applications/" + APPLICATION + " " + input);
      String id = one.client().submit(APPLICATION, input, Optional.of(key)).requestId();
      out.println("request " + id + " accepted by node 1");
      out.flush();

      String path = "/v1/requests/" + WeftClient.segment(id);
      JsonNode progress = awaitProgress(one, path);
      long done = Math.round(progress.path("current").asDouble());
      long total = Math.round(progress.path("total").asDouble());
      one.process.destroyForcibly();
      one.process.waitFor();
      long killedAt = System.nanoTime();
      out.printf(Locale.ROOT, "node 1 had run %d of %d calls: killed it (SIGKILL)%n", done, total);
      out.flush();

      JsonNode status = awaitFinished(two, path);
      double seconds = (System.nanoTime() - killedAt) / 1e9;
      if (!status.path("state").asText().equals("SUCCEEDED")) {
        err.println("weft demo: request " + id + " ended " + status.path("state").asText() + ": " + status);
        return 1;
      }
      out.printf(Locale.ROOT, "node 2 took the request over after node 1's lease (%d s) ran out, and finished it "
          + "%.1f s after the kill%n", LEASE.toSeconds(), seconds);
      JsonNode report = two.client().get(path + "/output");
      printReport(report, one.process.pid(), two.process.pid(), done, out);
      return 0;
    } finally {
      for (Node n : nodes) {
        n.stop();
      }
    }
  }

  private static void printReport(JsonNode report, long pid1, long pid2, long doneBeforeKill, PrintWriter out) {
    Map<String, Long> byDocument = new LinkedHashMap<>();
    report.path("documents").forEach(d -> byDocument.put(d.path("document").asText(), d.path("pid").asLong()));
    int width = byDocument.keySet().stream().mapToInt(String::length).max().orElse(0);
    out.println();
    out.println("Which node ran each call (the pid in each call's journaled output):");
    long byOne = 0;
    for (Map.Entry<String, Long> e : byDocument.entrySet()) {
      String node = e.getValue() == pid1 ? "node 1 (journaled before the kill, replayed by node 2)"
          : e.getValue() == pid2 ? "node 2" : "pid " + e.getValue();
      byOne += e.getValue() == pid1 ? 1 : 0;
      out.printf(Locale.ROOT, "  %-" + width + "s  %s%n", e.getKey(), node);
    }
    out.println();
    out.printf(Locale.ROOT, "%d documents, %,d words; the request was finished by %s.%n", byDocument.size(),
        report.path("words").asLong(), report.path("finishedBy").asLong() == pid2 ? "node 2" : "pid "
            + report.path("finishedBy").asLong());
    out.printf(Locale.ROOT, "Node 2 ran %d calls and took node 1's %d journaled results from the journal without "
        + "running them again%s.%n", byDocument.size() - byOne, byOne, doneBeforeKill > byOne
        ? String.format(Locale.ROOT, " (%d call(s) node 1 finished in its last milliseconds were not yet journaled, "
            + "so node 2 ran them)", doneBeforeKill - byOne) : "");
    out.println();
    out.println("Next: weft server --db <url> on as many machines as you like, and weft nodes --db <url> to see them.");
    out.flush();
  }

  /** Polls node 1 until the request is at least half done; returns its progress. */
  private static JsonNode awaitProgress(Node node, String path) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode p = node.client().get(path).path("progress");
      if (p.path("total").asDouble() > 0 && p.path("current").asDouble() >= p.path("total").asDouble() / 2) {
        return p;
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling interval: node 1 reports progress after each call
    }
    throw CommandFailure.failed("the request did not reach half-way within " + DEADLINE.toSeconds() + " s");
  }

  /** Polls node 2 until the request has finished; returns its status. */
  private static JsonNode awaitFinished(Node node, String path) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode status = node.client().get(path);
      if (!status.path("state").asText().equals("RUNNING")) {
        return status;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw CommandFailure.failed("node 2 did not finish the request within " + DEADLINE.toSeconds() + " s");
  }

  private static Node join(CompletableFuture<Node> f) {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** One {@code weft server --db} process of the demo. */
  private static final class Node {
    final int number;
    final Process process;
    final URI url;
    final Path stderr;

    private Node(int number, Process process, URI url, Path stderr) {
      this.number = number;
      this.process = process;
      this.url = url;
      this.stderr = stderr;
    }

    WeftClient client() {
      return new WeftClient(url, Optional.empty());
    }

    static Node start(String db, String schema, int number) {
      try {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path stderr = Files.createTempFile("weft-demo-node-" + number + "-", ".log");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
            System.getProperty("java.class.path"), WeftCli.class.getName(), "server", "--port", "0",
            "--db", db, "--schema", schema, "--lease", LEASE.toSeconds() + "s")
            .redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.startsWith(LISTENING)) {
            return new Node(number, p, URI.create(line.substring(LISTENING.length()).strip()), stderr);
          }
        }
        p.waitFor(10, TimeUnit.SECONDS);
        throw CommandFailure.failed("node " + number + " exited before it served: " + Files.readString(stderr).strip());
      } catch (IOException e) {
        throw CommandFailure.failed("cannot start node " + number + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw CommandFailure.failed("interrupted while starting node " + number);
      }
    }

    /** SIGTERM, then SIGKILL if it has not stopped within 30 s; removes its log. */
    void stop() {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
        Files.deleteIfExists(stderr);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // a temporary log left behind
      }
    }
  }
}
