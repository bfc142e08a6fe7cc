package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft demo}, end to end: embedded server, SQLite journal, HTTP and event stream. */
final class DemoCommandTest {

  @Test
  void demo_indexesTheShippedCorpusAndPrintsKeywordsPerDocument() {
    Cli.Result result = Cli.run("demo");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).containsSubsequence(
        "POST /v1/applications/KeywordIndex.indexCorpus {\"corpus\":\"licenses\",\"top\":5}",
        "request demo-",
        "14 documents, 18,150 words. Most frequent words:",
        "  license (673)  work (376)  library (320)  version (266)  code (245)",
        "Keywords of each document (tf-idf):",
        "  Apache-2.0  apache, contribution, owner, reproduction, submitted",
        "  GPL-2       program, show, general, interactive, announcement",
        "  MPL-2.0     contributor, covered, secondary, steward, contribution",
        "SUCCEEDED in ",
        "the same request again (same Idempotency-Key): duplicate SUCCEEDED");
    assertThat(result.out().lines().filter(l -> l.matches("  [A-Za-z0-9.-]+ +\\w.*, .*"))).hasSize(14);
    assertThat(result.err())
        .contains("embedded Weft server on http://127.0.0.1:")
        .contains("0/14 analysing 14 documents")
        .contains("[########################] 14/14 indexed MPL-2.0");
  }

  @Test
  void demo_twice_printsTheSameApartFromIdsAndTimings() {
    String first = mask(Cli.run("demo", "--top", "3").out());
    String second = mask(Cli.run("demo", "--top", "3").out());

    assertThat(second).isEqualTo(first);
  }

  @Test
  void demo_withData_keepsTheJournal(@TempDir Path dir) {
    Cli.Result result = Cli.run("demo", "--data", dir.toString(), "--top", "1");

    assertThat(result.exitCode()).isZero();
    assertThat(Files.exists(dir.resolve(ServerCommand.JOURNAL_FILE))).isTrue();
  }

  @Test
  void demo_topOutOfRange_exitsTwo() {
    Cli.Result result = Cli.run("demo", "--top", "0");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--top must be 1..50, was 0");
  }

  @Test
  void demo_unknownCorpus_exitsOneWithTheApplicationsMessage() {
    Cli.Result result = Cli.run("demo", "--corpus", "poems");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("there is no corpus named 'poems'");
  }

  private static String mask(String out) {
    return out.replaceAll("demo-[0-9a-f-]{36}", "<id>").replaceAll("\\d+(\\.\\d+)? (ms|s)\\b", "<time>");
  }
}
