package dev.weft.server;

import dev.weft.journal.Journal;
import dev.weft.journal.sqlite.SqliteJournal;
import java.nio.file.Path;

/** {@link RequestsTest} with requests journaled in SQLite. */
final class RequestsSqliteTest extends RequestsTest {
  @Override
  Journal newJournal(Path dir) {
    return SqliteJournal.open(dir.resolve("journal.db"));
  }
}
