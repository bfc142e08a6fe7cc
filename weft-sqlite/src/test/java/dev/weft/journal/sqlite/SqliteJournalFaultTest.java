package dev.weft.journal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.journal.DurableId;
import dev.weft.journal.JournalUnavailableException;
import dev.weft.journal.NewRequest;
import dev.weft.journal.RequestLog;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk and a full write queue, simulated through the writer's {@link WriteFaults} seam. */
final class SqliteJournalFaultTest {
  static final DurableId ROOT = DurableId.root("app");
  static final String BIG = "x".repeat(64 * 1024); // needs new pages wherever it goes

  @TempDir Path dir;
  SqliteJournal journal;

  @AfterEach
  void close() {
    if (journal != null) {
      journal.close();
    }
  }


  private static void call(RequestLog log, int i, Object output) {
    DurableId call = ROOT.child(i, 'c', "f");
    log.started(call, Optional.of(ROOT), "f", new Object[] {i}, new Type[] {int.class});
    log.completed(call, "f", output, String.class);
  }

  /** Holds the writer before its next transaction until released. */
  static final class Hold implements WriteFaults {
    volatile boolean holding;
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch held = new CountDownLatch(1);

    @Override
    public void beforeTransaction(Connection conn) {
      if (holding) {
        held.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Test
  void queueFull_recordingCallsWaitAndCreateIsRefusedAfterQueueWait_nothingDropped() throws Exception {
    Path file = dir.resolve("j.db");
    Hold hold = new Hold();
    journal = SqliteJournal.open(file, SqliteJournal.Options.defaults().withMaxQueuedRecords(4)
        .withQueueWait(Duration.ofMillis(200)), hold);
    RequestLog log = journal.create(new NewRequest("r", "app", 1, Integer.class, Optional.empty()));
    hold.holding = true;
    call(log, 0, "a"); // two records; the writer takes them and is held
    assertThat(hold.held.await(10, TimeUnit.SECONDS)).isTrue();
    call(log, 1, "b"); // two more: the queue is full
    Thread blocked = Thread.ofPlatform().start(() -> call(log, 2, "c"));
    await().atMost(Duration.ofSeconds(10)).until(() -> blocked.getState() == Thread.State.WAITING);

    long start = System.nanoTime();
    assertThatThrownBy(() -> journal.create(new NewRequest("refused", "app", 1, Integer.class, Optional.empty())))
        .isInstanceOf(JournalUnavailableException.class)
        .hasMessageContaining("write queue is full");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(10));

    hold.holding = false;
    hold.release.countDown();
    blocked.join(Duration.ofSeconds(10));
    assertThat(blocked.isAlive()).isFalse();
    journal.flush();
    assertThat(Sql.count(file, "SELECT count(*) FROM calls WHERE request_id = 'r' AND state = 'SUCCEEDED'"))
        .isEqualTo(3);
    assertThat(Sql.strings(file, "SELECT id FROM requests")).containsExactly("r");
  }

  @Test
  void options_badQueueBounds_areRefusedNamingTheValue() {
    SqliteJournal.Options d = SqliteJournal.Options.defaults();
    assertThat(d.maxQueuedRecords()).isEqualTo(100_000);
    assertThatThrownBy(() -> d.withMaxQueuedRecords(0)).hasMessage("maxQueuedRecords must be at least 1, was 0");
    assertThatThrownBy(() -> d.withQueueWait(Duration.ofSeconds(-1)))
        .hasMessage("queueWait must be 0..10 minutes, was PT-1S");
  }

  @Test
  void diskFull_regressionWriterReusedClosedStatements_recoversOnceSpaceReturnsLosingNothing() {
    Path file = dir.resolve("j.db");
    DiskFull disk = new DiskFull();
    journal = SqliteJournal.open(file, SqliteJournal.Options.defaults(), disk);
    RequestLog before = journal.create(new NewRequest("before", "app", 1, Integer.class, Optional.empty()));
    call(before, 0, BIG);
    journal.flush();

    disk.full = true;
    call(before, 1, BIG); // acknowledged while the disk is full: kept in memory, written later
    assertThatThrownBy(() -> journal.create(new NewRequest("during", "app", BIG, String.class, Optional.empty())))
        .isInstanceOf(JournalUnavailableException.class)
        .hasMessageContaining("disk is full")
        .hasMessageNotContaining("SQLITE")
        .hasMessageNotContaining(dir.toString());
    assertThatThrownBy(journal::flush).isInstanceOf(JournalUnavailableException.class);

    disk.full = false;
    await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(JournalUnavailableException.class)
        .until(() -> journal.create(new NewRequest("after", "app", BIG, String.class, Optional.empty())).isNew());
    call(before, 2, "small");
    journal.flush();

    assertThat(Sql.strings(file, "SELECT id FROM requests ORDER BY seq")).containsExactly("before", "after");
    assertThat(Sql.count(file, "SELECT count(*) FROM calls WHERE request_id = 'before' AND state = 'SUCCEEDED'"))
        .isEqualTo(3);
  }
}
