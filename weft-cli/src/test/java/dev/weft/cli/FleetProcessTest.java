package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of real {@code weft server --db} processes on the real PostgreSQL: requests spread over
 * nodes, a node killed with SIGKILL or stopped with SIGSTOP while it runs a request. Leases are 2 s
 * so that take-overs are quick. The applications ({@link FleetApp}, {@link CrashApp}) record what
 * they do, with the node's process id, in files; the tests compare those with the journal's rows.
 * Nothing waits by sleeping: every wait polls with a deadline.
 */
final class FleetProcessTest {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final int CHILDREN = 100;

  @Test
  void threeNodes_300RequestsRoundRobin_allCorrectAndNoneRunByTwoNodesAtOnce(@TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs.log");
    try (Fleet fleet = new Fleet(dir, LEASE)) {
      List<ServerProcess> nodes = fleet.start(3);
      long start = System.nanoTime();
      List<String> ids = new ArrayList<>();
      for (int n = 0; n < 300; n++) {
        String input = WeftClient.JSON.createObjectNode().put("file", runs.toString()).put("n", n).toString();
        ids.add(nodes.get(n % 3).client().submit("FleetApp.square", input, Optional.of("square-" + n)).requestId());
      }
      await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() ->
          fleet.one("SELECT count(*) FROM %s.requests WHERE state <> 'RUNNING'").orElse("0").equals("300"));
      long millis = (System.nanoTime() - start) / 1_000_000;

      for (int n = 0; n < 300; n++) {
        JsonNode output = nodes.get((n + 1) % 3).client().get("/v1/requests/" + WeftClient.segment(ids.get(n)) + "/output");
        assertThat(output.asLong()).as("output of request %d, read through another node", n).isEqualTo((long) n * n);
      }
      Map<Integer, List<long[]>> byRequest = spans(Files.readAllLines(runs));
      assertThat(byRequest.keySet()).as("every request ran").hasSize(300);
      int runTwice = 0;
      for (Map.Entry<Integer, List<long[]>> e : byRequest.entrySet()) {
        List<long[]> spans = e.getValue();
        runTwice += spans.size() > 1 ? 1 : 0;
        for (int i = 0; i < spans.size(); i++) {
          for (int j = i + 1; j < spans.size(); j++) {
            long[] a = spans.get(i);
            long[] b = spans.get(j);
            boolean overlap = a[1] > b[0] && b[1] > a[0];
            assertThat(overlap && a[2] != b[2]).as("request %d ran on nodes %d and %d at once", e.getKey(), a[2], b[2])
                .isFalse();
          }
        }
      }
      Set<Long> pids = new TreeSet<>();
      byRequest.values().forEach(l -> l.forEach(s -> pids.add(s[2])));
      assertThat(pids).as("all three nodes ran requests").hasSize(3);
      Cli.Result listed = Cli.run("nodes", "--db", Fleet.URL, "--schema", fleet.schema);
      assertThat(listed.exitCode()).as(listed.err()).isZero();
      assertThat(listed.out().lines().filter(l -> l.contains(" yes ")).count()).as(listed.out()).isEqualTo(3);
      System.out.printf("FleetProcessTest: 300 requests on 3 nodes in %d ms; %d ran more than once%n", millis, runTwice);
    }
  }

  @Test
  void sigkillOfNodeRunning100Children_anotherNodeFinishesWithinLeasePlus2s_noCommittedChildRunsAgain(
      @TempDir Path dir) throws Exception {
    try (Fleet fleet = new Fleet(dir, LEASE)) {
      List<ServerProcess> nodes = fleet.start(3);
      Tracked request = new Tracked(fleet, "kill-1", dir.resolve("effects.log"));
      String id = nodes.get(0).client().submit("CrashApp.run", request.input(), Optional.of(request.key)).requestId();
      request.awaitDone(30);

      Kill kill = request.kill(nodes.get(0));
      await().atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> !fleet.state(id).equals("RUNNING"));
      long tookMillis = (System.nanoTime() - kill.atNanos()) / 1_000_000;

      assertThat(fleet.state(id)).isEqualTo("SUCCEEDED");
      Set<Integer> rerun = request.verify(fleet.output(id));
      List<String> takers = nodes.subList(1, 3).stream()
          .filter(n -> n.stderr().contains("took over request " + id)).map(FleetProcessTest::nodeId).toList();
      assertThat(takers).as("exactly one other node took the request over").hasSize(1);
      String finisher = takers.get(0);
      assertThat(tookMillis).as("finished after the kill within lease (%s) + 2 s", LEASE)
          .isLessThan(LEASE.toMillis() + 2_000);
      Cli.Result listed = Cli.run("nodes", "--db", Fleet.URL, "--schema", fleet.schema);
      assertThat(listed.out()).as("the killed node is listed as not alive once its heartbeat is older than the lease")
          .containsPattern(java.util.regex.Pattern.quote(nodeId(nodes.get(0))) + " .* NO ");
      System.out.printf("FleetProcessTest: killed the node after %d of %d children done (%d committed); node %s "
              + "finished the request %d ms after the kill; %d children redone (done but not committed)%n",
          kill.done().size(), CHILDREN, kill.committed().size(), finisher, tookMillis, rerun.size());
    }
  }

  /**
   * Ten and more SIGKILLs: each kills the node that holds the request's lease at a random point,
   * starts a replacement, and checks the request's end. Run with
   * {@code mvn -B -Pstress verify -pl weft-cli -am -Dtest=FleetProcessTest -Dsurefire.failIfNoSpecifiedTests=false}.
   */
  @Test
  @Tag("stress")
  void tenKillsAtRandomPoints_everyRequestFinishes_withoutRerunningCommittedChildren(@TempDir Path dir)
      throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int kills = 0;
    int requests = 0;
    long worstMillis = 0;
    try (Fleet fleet = new Fleet(dir, LEASE)) {
      List<ServerProcess> live = new ArrayList<>(fleet.start(3));
      while (kills < 12) {
        requests++;
        Tracked request = new Tracked(fleet, "stress-" + requests, dir.resolve("effects-" + requests + ".log"));
        String id = live.get(random.nextInt(live.size())).client()
            .submit("CrashApp.run", request.input(), Optional.of(request.key)).requestId();
        do {
          int doneNow = request.doneSoFar().size();
          request.awaitDone(doneNow + random.nextInt(Math.max(1, CHILDREN - 30 - doneNow)));
          Optional<String> held = fleet.owner(id);
          if (held.isEmpty()) {
            break; // it finished before this kill point (a finish clears the owner)
          }
          String owner = held.get();
          ServerProcess victim = live.stream().filter(n -> nodeId(n).equals(owner)).findFirst()
              .orElseThrow(() -> new IllegalStateException("request held by unknown node " + owner));
          Kill kill = request.kill(victim);
          live.remove(victim);
          kills++;
          live.add(fleet.start());
          await().atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() ->
              !fleet.owner(id).orElse(owner).equals(owner) || !fleet.state(id).equals("RUNNING"));
          worstMillis = Math.max(worstMillis, (System.nanoTime() - kill.atNanos()) / 1_000_000);
        } while (random.nextInt(3) == 0 && request.doneSoFar().size() < CHILDREN - 40);
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> !fleet.state(id).equals("RUNNING"));
        assertThat(fleet.state(id)).isEqualTo("SUCCEEDED");
        request.verify(fleet.output(id));
      }
    }
    System.out.printf("FleetProcessTest stress: %d kills over %d requests (seed %d); the slowest take-over %d ms "
        + "after its kill; no committed child ran again%n", kills, requests, seed, worstMillis);
  }

  @Test
  void sigstopPastTheLease_thenSigcont_lateWritesRefusedAndOneCompletion(@TempDir Path dir) throws Exception {
    Path effects = dir.resolve("steps.log");
    try (Fleet fleet = new Fleet(dir, LEASE)) {
      List<ServerProcess> nodes = fleet.start(2);
      ServerProcess stalled = nodes.get(0);
      String input = WeftClient.JSON.createObjectNode().put("file", effects.toString()).put("steps", 16)
          .put("stepMillis", 150).toString();
      String id = stalled.client().submit("FleetApp.steps", input, Optional.of("stalled")).requestId();
      await().atMost(DEADLINE).pollInterval(Duration.ofMillis(5)).until(() -> count(effects, "step ") >= 4);

      Fleet.signal(stalled.process(), "STOP");
      try {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> fleet.state(id).equals("SUCCEEDED"));
      } finally {
        Fleet.signal(stalled.process(), "CONT");
      }
      String output = fleet.output(id).asText();
      String finishedAt = fleet.one("SELECT finished_at::text FROM %s.requests WHERE id = ?", id).orElseThrow();
      Map<String, String> calls = calls(fleet, id);
      assertThat(output).isEqualTo("finished by " + nodes.get(1).process().pid());

      await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20))
          .until(() -> stalled.stderr().contains("lost the lease of request " + id));
      long stalledLines = Files.readAllLines(effects).stream().filter(l -> l.split(" ")[2].equals(
          Long.toString(stalled.process().pid()))).count();

      assertThat(fleet.output(id).asText()).as("the one completion stands").isEqualTo(output);
      assertThat(fleet.one("SELECT finished_at::text FROM %s.requests WHERE id = ?", id)).contains(finishedAt);
      assertThat(calls(fleet, id)).as("the stalled node's late call results were refused").isEqualTo(calls);
      assertThat(calls.values().stream().filter(v -> v.startsWith("SUCCEEDED ") && v.contains("@")).count())
          .as("every step's result recorded").isEqualTo(16);
      System.out.printf("FleetProcessTest: the stalled node wrote %d side-effect lines; none of its results after "
          + "the stall reached the journal; %s%n", stalledLines, output);
    }
  }

  // ---- the pieces

  /** Each call of the request: durable id -> state and output, as the journal has them. */
  private static Map<String, String> calls(Fleet fleet, String id) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    for (String[] row : fleet.pairs("SELECT durable_id, state || ' ' || coalesce(output, '') FROM %s.calls "
        + "WHERE request_id = ?", id)) {
      out.put(row[0], row[1]);
    }
    return out;
  }

  private static long count(Path file, String prefix) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix)).count() : 0;
  }

  /** The node id a server process registered as (the default: host name, dash, process id). */
  private static String nodeId(ServerProcess node) {
    String prefix = "weft server: node ";
    return node.stderr().lines().filter(l -> l.startsWith(prefix)).findFirst()
        .map(l -> l.substring(prefix.length()).split(" ")[0])
        .orElseThrow(() -> new IllegalStateException("the node did not print its id:\n" + node.stderr()));
  }

  /** begin/end lines of {@link FleetApp#square} -> per request, each run as {begin ms, end ms, pid}. */
  private static Map<Integer, List<long[]>> spans(List<String> lines) {
    Map<Integer, List<long[]>> out = new TreeMap<>();
    Map<String, Long> open = new HashMap<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      String key = f[1] + "/" + f[2];
      if (f[0].equals("begin")) {
        open.put(key, Long.parseLong(f[3]));
      } else {
        long begin = open.remove(key);
        out.computeIfAbsent(Integer.parseInt(f[1]), k -> new ArrayList<>())
            .add(new long[] {begin, Long.parseLong(f[3]), Long.parseLong(f[2])});
      }
    }
    assertThat(open).as("runs that began and never ended (no node died in this test)").isEmpty();
    return out;
  }

  /** The state at a kill: side-effect lines so far, done children, committed children. */
  record Kill(long atNanos, int lines, Set<Integer> done, Set<Integer> committed) {}

  /** One {@link CrashApp} request of {@value #CHILDREN} children, its side-effect file and its kills. */
  private static final class Tracked {
    final Fleet fleet;
    final String key;
    final Path effects;
    final List<Kill> kills = new ArrayList<>();

    Tracked(Fleet fleet, String key, Path effects) {
      this.fleet = fleet;
      this.key = key;
      this.effects = effects;
    }

    String input() {
      return WeftClient.JSON.createObjectNode().put("file", effects.toString()).put("items", CHILDREN).toString();
    }

    List<String> lines() throws IOException {
      return Files.exists(effects) ? Files.readAllLines(effects) : List.of();
    }

    Set<Integer> doneSoFar() throws IOException {
      return CrashRecoveryTest.indices(lines(), "done ");
    }

    void awaitDone(int count) {
      await().atMost(DEADLINE).pollInterval(Duration.ofMillis(5))
          .until(() -> doneSoFar().size() >= Math.min(count, CHILDREN));
    }

    /** SIGKILLs the node, then reads the file and the journal: with the node dead, both are still. */
    Kill kill(ServerProcess node) throws IOException, InterruptedException, SQLException {
      assertThat(node.kill()).as("SIGKILL: exit code 128 + 9").isEqualTo(137);
      long at = System.nanoTime();
      List<String> lines = lines();
      Set<Integer> committed = new TreeSet<>();
      for (String[] row : fleet.pairs("SELECT arguments, state FROM %s.calls WHERE request_id = ? "
          + "AND function = 'CrashApp.child' AND state = 'SUCCEEDED'", key)) {
        committed.add(WeftClient.parse(row[0]).get(0).path("index").asInt());
      }
      Kill kill = new Kill(at, lines.size(), CrashRecoveryTest.indices(lines, "done "), committed);
      kills.add(kill);
      return kill;
    }

    /** Checks the output and that no committed child started again; returns the children redone. */
    Set<Integer> verify(JsonNode output) throws IOException {
      List<Integer> actual = new ArrayList<>();
      output.forEach(n -> actual.add(n.asInt()));
      assertThat(actual).as("the output").isEqualTo(IntStream.range(0, CHILDREN).map(i -> i * i).boxed().toList());
      List<String> all = lines();
      Set<Integer> redone = new TreeSet<>();
      for (Kill kill : kills) {
        assertThat(kill.done()).as("a child's output is committed only after it returned").containsAll(kill.committed());
        Set<Integer> startedAfter = CrashRecoveryTest.indices(all.subList(kill.lines(), all.size()), "start ");
        Set<Integer> rerunAfterCommit = new TreeSet<>(startedAfter);
        rerunAfterCommit.retainAll(kill.committed());
        assertThat(rerunAfterCommit).as("children run again although their output was committed").isEmpty();
        startedAfter.retainAll(kill.done());
        redone.addAll(startedAfter);
      }
      return redone;
    }
  }
}
