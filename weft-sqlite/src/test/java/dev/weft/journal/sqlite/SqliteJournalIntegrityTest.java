package dev.weft.journal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.WeftException;
import dev.weft.journal.NewRequest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One journal per file (the lock), damage and resets noticed at open, check and online backup. */
final class SqliteJournalIntegrityTest {
  @TempDir Path dir;

  private static void fill(SqliteJournal journal, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      journal.create(new NewRequest(prefix + i, "app", "y".repeat(1_000), String.class, Optional.empty()));
    }
  }

  @Test
  void open_fileOpenInThisProcess_refusesNamingTheHolder() {
    Path file = dir.resolve("j.db");
    try (SqliteJournal first = SqliteJournal.open(file)) {
      assertThatThrownBy(() -> SqliteJournal.open(file))
          .isInstanceOf(JournalLockedException.class)
          .hasMessageContaining("is in use by process " + ProcessHandle.current().pid())
          .hasMessageContaining("started " + ProcessHandle.current().info().startInstant().orElseThrow())
          .satisfies(e -> assertThat(((JournalLockedException) e).holderPid())
              .isEqualTo(Long.toString(ProcessHandle.current().pid())));
      fill(first, "r", 1); // the refused open took nothing from the first
    }
    try (SqliteJournal again = SqliteJournal.open(file)) { // released at close
      assertThat(again.info("r0")).isPresent();
    }
  }

  @Test
  void open_fileOpenInAnotherProcess_refusesNamingThatProcess() throws IOException {
    Path file = dir.resolve("j.db");
    Process child = SqliteJournalDurabilityTest.child(file, "hold", "h1");
    try {
      assertThat(SqliteJournalDurabilityTest.readLine(child)).isEqualTo("holding");

      assertThatThrownBy(() -> SqliteJournal.open(file))
          .isInstanceOf(JournalLockedException.class)
          .hasMessageContaining("is in use by process " + child.pid());
    } finally {
      child.destroyForcibly();
      SqliteJournalDurabilityTest.waitQuietly(child);
    }
    try (SqliteJournal after = SqliteJournal.open(file)) { // a killed holder's lock is gone with it
      assertThat(after.info("h1")).isPresent();
    }
  }

  @Test
  void open_pagesOverwritten_refusesWithOneLineNamingTheFile() throws IOException {
    Path file = dir.resolve("j.db");
    try (SqliteJournal journal = SqliteJournal.open(file)) {
      fill(journal, "r", 200);
    }
    byte[] garbage = new byte[8 * 4096];
    Arrays.fill(garbage, (byte) 0x5A);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(4 * 4096);
      raf.write(garbage);
    }

    assertThatThrownBy(() -> SqliteJournal.open(file))
        .isInstanceOf(JournalDamagedException.class)
        .hasMessageStartingWith("the journal " + file + " is damaged (")
        .hasMessageContaining("restore it from a backup")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(SqliteJournal.check(file).ok()).isFalse();
  }

  @Test
  void open_notADatabase_refusesAsDamaged() throws IOException {
    Path file = dir.resolve("j.db");
    Files.write(file, new byte[] {'n', 'o', 't', ' ', 'a', ' ', 'd', 'b', '\n'});
    byte[] more = new byte[8192];
    Arrays.fill(more, (byte) 7);
    Files.write(file, more, java.nio.file.StandardOpenOption.APPEND);

    assertThatThrownBy(() -> SqliteJournal.open(file))
        .isInstanceOf(JournalDamagedException.class)
        .hasMessageContaining("is damaged (file is not a database)");
  }

  @Test
  void open_truncatedToZero_warnsThatTheJournalLooksReset() throws IOException {
    Path file = dir.resolve("j.db");
    try (SqliteJournal journal = SqliteJournal.open(file)) {
      fill(journal, "r", 3);
    }
    Files.write(file, new byte[0]);

    try (LogCapture log = new LogCapture(); SqliteJournal journal = SqliteJournal.open(file)) {
      assertThat(log.warnings()).singleElement().asString()
          .contains("THE JOURNAL " + file + " LOOKS RESET")
          .contains("had recorded 3 request(s), but it holds none");
      assertThat(journal.info("r0")).isEmpty();
    }
    try (LogCapture log = new LogCapture(); SqliteJournal journal = SqliteJournal.open(file)) {
      assertThat(log.warnings()).isEmpty(); // said once: the marker now follows the file
    }
  }

  @Test
  void open_walDeletedAfterACrash_warnsThatTheJournalLooksReset() throws IOException {
    Path file = dir.resolve("j.db");
    Process child = SqliteJournalDurabilityTest.child(file, "create", "c1");
    assertThat(SqliteJournalDurabilityTest.readLine(child)).isEqualTo("created");
    SqliteJournalDurabilityTest.waitQuietly(child);
    assertThat(file.resolveSibling("j.db-wal")).exists();
    Files.delete(file.resolveSibling("j.db-wal"));
    Files.deleteIfExists(file.resolveSibling("j.db-shm"));

    try (LogCapture log = new LogCapture(); SqliteJournal journal = SqliteJournal.open(file)) {
      assertThat(log.warnings()).singleElement().asString().contains("LOOKS RESET").contains("had recorded 1");
      assertThat(journal.info("c1")).isEmpty();
    }
  }

  @Test
  void backup_whileWriting_isConsistentAndHoldsWhatWasCommittedBefore() throws Exception {
    Path file = dir.resolve("j.db");
    Path copy = dir.resolve("backups/copy.db");
    try (SqliteJournal journal = SqliteJournal.open(file)) {
      fill(journal, "before", 100);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger written = new AtomicInteger();
      CountDownLatch writing = new CountDownLatch(1);
      Thread writer = Thread.ofPlatform().start(() -> {
        for (int i = 0; !stop.get(); i++) {
          journal.create(new NewRequest("during" + i, "app", "z".repeat(500), String.class, Optional.empty()));
          written.incrementAndGet();
          writing.countDown();
        }
      });
      assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();

      SqliteJournal.Check backedUp = SqliteJournal.backup(file, copy);

      stop.set(true);
      writer.join();
      assertThat(backedUp.ok()).as(backedUp.problems().toString()).isTrue();
      assertThat(backedUp.requests()).isBetween(101L, 100L + written.get());
      assertThatThrownBy(() -> SqliteJournal.backup(file, copy))
          .isInstanceOf(WeftException.class).hasMessageContaining("already exists");
    }
    assertThat(copy.resolveSibling("copy.db.partial")).doesNotExist();
    SqliteJournal.Check checked = SqliteJournal.check(copy);
    assertThat(checked.ok()).isTrue();
    try (SqliteJournal restored = SqliteJournal.open(copy)) {
      assertThat(restored.info("before99")).isPresent();
    }
  }

  @Test
  void check_healthyJournal_countsRequestsAndCalls() {
    Path file = dir.resolve("j.db");
    try (SqliteJournal journal = SqliteJournal.open(file)) {
      fill(journal, "r", 2);
      journal.flush();
      SqliteJournal.Check check = SqliteJournal.check(file); // beside the open journal

      assertThat(check.ok()).isTrue();
      assertThat(check.requests()).isEqualTo(2);
      assertThat(check.running()).isEqualTo(2);
      assertThat(check.schemaVersion()).isEqualTo(Schema.LATEST);
    }
    assertThatThrownBy(() -> SqliteJournal.check(dir.resolve("none.db")))
        .isInstanceOf(WeftException.class).hasMessageContaining("there is no journal at");
  }
}
