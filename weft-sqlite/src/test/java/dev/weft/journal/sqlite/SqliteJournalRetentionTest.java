package dev.weft.journal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.RequestState;
import dev.weft.journal.DurableId;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestInfo;
import dev.weft.journal.RequestLog;
import dev.weft.journal.RequestQuery;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finished requests and their calls go after the retention; nothing else does. */
final class SqliteJournalRetentionTest {
  static final DurableId ROOT = DurableId.root("app");

  @TempDir Path dir;

  private static RequestLog withCalls(SqliteJournal journal, String id, int calls) {
    RequestLog log = journal.create(new NewRequest(id, "app", 1, Integer.class, Optional.of("key-" + id)));
    for (int i = 0; i < calls; i++) {
      DurableId call = ROOT.child(i, 'c', "f");
      log.started(call, Optional.of(ROOT), "f", new Object[] {i}, new Type[] {int.class});
      log.completed(call, "f", i, int.class);
    }
    return log;
  }

  @Test
  void purgeNow_deletesRequestsFinishedBeforeTheRetention_withTheirCalls_andKeepsTheRest() {
    TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
    Path file = dir.resolve("j.db");
    SqliteJournal.Options options = SqliteJournal.Options.defaults().withRetention(Duration.ofDays(7)).withClock(clock);
    try (SqliteJournal journal = SqliteJournal.open(file, options)) {
      withCalls(journal, "old-done", 5).finished(RequestState.SUCCEEDED, 1, Integer.class, Optional.empty());
      withCalls(journal, "old-failed", 5).finished(RequestState.FAILED, null, Integer.class,
          Optional.of(new IllegalStateException("x")));
      withCalls(journal, "old-running", 5);
      clock.advance(Duration.ofDays(6));
      withCalls(journal, "recent-done", 5).finished(RequestState.SUCCEEDED, 1, Integer.class, Optional.empty());
      clock.advance(Duration.ofDays(1).plusMinutes(1));

      assertThat(journal.purgeNow()).isEqualTo(2);

      assertThat(journal.list(RequestQuery.all(10)).requests()).extracting(RequestInfo::id)
          .containsExactly("recent-done", "old-running");
      assertThat(Sql.strings(file, "SELECT DISTINCT request_id FROM calls ORDER BY request_id"))
          .containsExactly("old-running", "recent-done");
      assertThat(journal.info("old-done")).isEmpty();
      assertThat(journal.reopen("old-done")).isEmpty();
      // The key of a purged request is free again.
      assertThat(journal.create(new NewRequest("again", "app", 1, Integer.class, Optional.of("key-old-done")))
          .isNew()).isTrue();
      assertThat(journal.purgeNow()).isZero();
    }
  }

  @Test
  void open_purgesExpiredRequestsByItself() {
    TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
    Path file = dir.resolve("j.db");
    SqliteJournal.Options options = SqliteJournal.Options.defaults().withRetention(Duration.ofHours(1)).withClock(clock);
    try (SqliteJournal journal = SqliteJournal.open(file, options)) {
      withCalls(journal, "done", 3).finished(RequestState.SUCCEEDED, 1, Integer.class, Optional.empty());
    }
    clock.advance(Duration.ofHours(2));
    try (SqliteJournal journal = SqliteJournal.open(file, options)) {
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> Sql.count(file, "SELECT count(*) FROM requests") == 0);
      assertThat(Sql.count(file, "SELECT count(*) FROM calls")).isZero();
    }
  }

  @Test
  void lateWriteForAPurgedRequest_isSkipped_andTheWriterCarriesOn() {
    TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
    Path file = dir.resolve("j.db");
    SqliteJournal.Options options = SqliteJournal.Options.defaults().withRetention(Duration.ofHours(1)).withClock(clock);
    try (SqliteJournal journal = SqliteJournal.open(file, options)) {
      RequestLog log = withCalls(journal, "done", 1);
      log.finished(RequestState.SUCCEEDED, 1, Integer.class, Optional.empty());
      journal.flush();
      clock.advance(Duration.ofHours(2));
      assertThat(journal.purgeNow()).isOne();

      log.completed(ROOT.child(7, 'c', "f"), "f", 7, int.class); // a straggler of the purged request
      RequestLog next = withCalls(journal, "next", 2);
      journal.flush();

      assertThat(Sql.count(file, "SELECT count(*) FROM calls WHERE request_id = 'done'")).isZero();
      assertThat(Sql.count(file, "SELECT count(*) FROM calls WHERE request_id = 'next'")).isEqualTo(2);
      assertThat(next.find(ROOT.child(1, 'c', "f"), int.class)).contains(new RequestLog.Recorded(1));
    }
  }

  @Test
  void reopenedRequest_isNotPurgedWhileItRunsAgain() {
    TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
    Path file = dir.resolve("j.db");
    SqliteJournal.Options options = SqliteJournal.Options.defaults().withRetention(Duration.ofHours(1)).withClock(clock);
    try (SqliteJournal journal = SqliteJournal.open(file, options)) {
      withCalls(journal, "done", 3).finished(RequestState.SUCCEEDED, 1, Integer.class, Optional.empty());
      journal.flush();
      clock.advance(Duration.ofHours(2));
      RequestLog replay = journal.reopen("done").orElseThrow();

      assertThat(journal.purgeNow()).isZero();
      assertThat(replay.find(ROOT.child(2, 'c', "f"), int.class)).contains(new RequestLog.Recorded(2));
    }
  }
}
