package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet calls on real node processes: a map of 60 calls placed on the fleet (1 s each, one CPU
 * each, nodes with 10 CPUs for fleet work) runs at most 10 at once per node, so it takes about
 * 6 s on one node and about 2 s on three. The bounds are generous shapes: at least the time the
 * capacity allows, and clearly less than one node's time when three share it.
 */
final class FleetSpreadTest {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final int ITEMS = 60;
  private static final long ITEM_MILLIS = 1_000;

  @Test
  void mapOf60OneSecondFleetCalls_oneNodeWithTenCpus_takesAboutSixSeconds(@TempDir Path dir) throws Exception {
    Spread run = spread(dir, 1);
    assertThat(run.maxAtOnce.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(10));
    assertThat(run.nodes()).isEqualTo(1);
    assertThat(run.spanMillis).as("60 one-second calls, 10 at a time").isBetween(5_900L, 15_000L);
  }

  @Test
  void mapOf60OneSecondFleetCalls_threeNodesWithTenCpus_takesAboutTwoSeconds(@TempDir Path dir) throws Exception {
    Spread run = spread(dir, 3);
    assertThat(run.maxAtOnce.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(10));
    assertThat(run.nodes()).as("every node ran some of the calls").isEqualTo(3);
    assertThat(run.spanMillis).as("60 one-second calls, 30 at a time").isBetween(1_900L, 4_500L);
  }

  private record Spread(long spanMillis, Map<Long, Integer> maxAtOnce) {
    int nodes() {
      return maxAtOnce.size();
    }
  }

  private static Spread spread(Path dir, int nodeCount) throws Exception {
    Path log = dir.resolve("items.log");
    try (Fleet fleet = new Fleet(dir, LEASE)) {
      List<ServerProcess> nodes = new ArrayList<>();
      for (int i = 0; i < nodeCount; i++) {
        nodes.add(fleet.start("--cpus", "10"));
      }
      String input = WeftClient.JSON.createObjectNode().put("file", log.toString()).put("items", ITEMS)
          .put("itemMillis", ITEM_MILLIS).toString();
      String id = nodes.get(0).client().submit("FleetApp.spread", input, Optional.empty()).requestId();
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
          .until(() -> !fleet.state(id).equals("RUNNING"));
      assertThat(fleet.state(id)).isEqualTo("SUCCEEDED");
      assertThat(fleet.output(id).asLong()).isEqualTo((long) ITEMS * (ITEMS - 1) / 2);

      List<long[]> items = new ArrayList<>();
      for (String line : Files.readAllLines(log)) {
        String[] f = line.split(" ");
        items.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])});
      }
      assertThat(items).as("each call ran once").hasSize(ITEMS);
      long first = items.stream().mapToLong(i -> i[2]).min().orElseThrow();
      long last = items.stream().mapToLong(i -> i[3]).max().orElseThrow();
      Map<Long, Integer> maxAtOnce = new HashMap<>();
      for (long pid : items.stream().map(i -> i[1]).distinct().toList()) {
        TreeMap<Long, Integer> edges = new TreeMap<>();
        for (long[] i : items) {
          if (i[1] == pid) {
            edges.merge(i[2] * 2 + 1, 1, Integer::sum);
            edges.merge(i[3] * 2, -1, Integer::sum); // an end before a start at the same millisecond
          }
        }
        int now = 0;
        int max = 0;
        for (int delta : edges.values()) {
          now += delta;
          max = Math.max(max, now);
        }
        maxAtOnce.put(pid, max);
      }
      System.out.printf("FleetSpreadTest: %d calls on %d node(s) in %d ms (first start to last end); at once per node %s%n",
          ITEMS, nodeCount, last - first, maxAtOnce.values());
      return new Spread(last - first, maxAtOnce);
    }
  }
}
