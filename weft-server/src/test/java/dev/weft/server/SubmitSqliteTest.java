package dev.weft.server;

import dev.weft.journal.Journal;
import dev.weft.journal.sqlite.SqliteJournal;
import java.nio.file.Path;

/** {@link SubmitTest} with requests journaled in SQLite. */
final class SubmitSqliteTest extends SubmitTest {
  @Override
  Journal newJournal(Path dir) {
    return SqliteJournal.open(dir.resolve("journal.db"));
  }
}
