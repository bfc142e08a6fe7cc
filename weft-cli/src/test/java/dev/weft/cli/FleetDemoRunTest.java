package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weft demo --db}: two real node processes, the first killed half-way; the report says
 * which node ran which call. Runs in a schema of its own (the command's is {@value FleetDemoRun#SCHEMA}).
 */
final class FleetDemoRunTest {
  @Test
  void run_twoNodes_firstKilledHalfWay_secondFinishesAndReportSaysWhoRanWhat(@TempDir Path dir) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit;
    try (Fleet fleet = new Fleet(dir, Duration.ofSeconds(2))) {
      exit = FleetDemoRun.run(Fleet.URL, fleet.schema, "licenses", 200, new PrintWriter(out, true),
          new PrintWriter(err, true));
    }

    assertThat(exit).as(err.toString()).isZero();
    String text = out.toString();
    assertThat(text).contains("accepted by node 1").containsPattern("node 1 had run \\d+ of \\d+ calls: killed it")
        .contains("the request was finished by node 2")
        .contains("node 1 (journaled before the kill, replayed by node 2)");
    long byOne = text.lines().filter(l -> l.endsWith("replayed by node 2)")).count();
    long byTwo = text.lines().filter(l -> l.endsWith("  node 2")).count();
    java.util.regex.Matcher documents = java.util.regex.Pattern.compile("(\\d+) documents, ").matcher(text);
    assertThat(documents.find()).as(text).isTrue();
    long total = Long.parseLong(documents.group(1));
    assertThat(byOne + byTwo).as("one line per call").isEqualTo(total);
    assertThat(byOne).as("node 1 ran about half, node 2 the rest").isBetween(total / 4, total - 1);
    System.out.println(text);
  }
}
