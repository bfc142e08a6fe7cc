package dev.weft.journal.postgres;

import dev.weft.journal.Journal;
import dev.weft.journal.JournalContract;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/** The journal contract on PostgreSQL: a schema of its own per test, dropped after. */
final class PostgresJournalContractTest extends JournalContract {
  private TestDb db;

  @Override
  protected Journal openEmpty() {
    db = new TestDb();
    return db.open("node-a");
  }

  /** The same node id again, as a restarted node with a fixed {@code --node-id} has. */
  @Override
  protected Optional<Journal> restart(Journal current) {
    current.close();
    return Optional.of(db.open("node-a"));
  }

  @Override
  protected void flush(Journal j) {
    ((PostgresJournal) j).flush();
  }

  @Override
  protected boolean expireFinishedAndPurge(Journal j) {
    ((PostgresJournal) j).flush();
    db.exec("UPDATE requests SET finished_at = finished_at - interval '30 days' WHERE finished_at IS NOT NULL");
    return ((PostgresJournal) j).purgeNow() > 0;
  }

  @AfterEach
  void dropSchema() {
    if (journal != null) {
      journal.close();
    }
    db.close();
  }
}
