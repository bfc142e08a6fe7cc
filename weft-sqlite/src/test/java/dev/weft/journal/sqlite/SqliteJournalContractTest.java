package dev.weft.journal.sqlite;

import dev.weft.journal.Journal;
import dev.weft.journal.JournalContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The journal contract on SQLite: a file of its own per test, in a clock the test moves. */
final class SqliteJournalContractTest extends JournalContract {
  private final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  private Path file;

  private SqliteJournal.Options options() {
    return SqliteJournal.Options.defaults().withClock(clock).withRetention(Duration.ofDays(7));
  }

  @Override
  protected Journal openEmpty() {
    try {
      file = Files.createTempDirectory("weft-contract").resolve("journal.db");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return SqliteJournal.open(file, options());
  }

  @Override
  protected Optional<Journal> restart(Journal current) {
    current.close();
    return Optional.of(SqliteJournal.open(file, options()));
  }

  @Override
  protected void flush(Journal j) {
    ((SqliteJournal) j).flush();
  }


  @Override
  protected boolean expireFinishedAndPurge(Journal j) {
    ((SqliteJournal) j).flush();
    clock.advance(Duration.ofDays(8));
    return ((SqliteJournal) j).purgeNow() > 0;
  }
}
