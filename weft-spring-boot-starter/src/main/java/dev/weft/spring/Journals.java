package dev.weft.spring;

import dev.weft.WeftException;
import dev.weft.journal.InMemoryJournal;
import dev.weft.journal.Journal;
import dev.weft.journal.sqlite.SqliteJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.util.ClassUtils;

/** Opens the journal that {@code weft.journal} names; each failure says which property to fix. */
final class Journals {
  /** The SQLite journal's file inside {@code weft.data-dir}, as {@code weft server --data} names it. */
  static final String SQLITE_FILE = "weft.db";
  private static final String POSTGRES_JOURNAL = "dev.weft.journal.postgres.PostgresJournal";

  private Journals() {}

  static Journal open(WeftProperties properties) {
    return switch (properties.getJournal()) {
      case MEMORY -> new InMemoryJournal();
      case SQLITE -> sqlite(properties);
      case POSTGRESQL -> {
        if (!postgresPresent()) {
          throw new IllegalStateException("weft.journal=postgresql needs weft-postgres on the class path: add the "
              + "dependency dev.weft:weft-postgres, or set weft.journal=sqlite");
        }
        yield Fleet.openJournal(properties);
      }
    };
  }

  /** Whether weft-postgres is on the class path (so {@link Fleet} can be loaded). */
  static boolean postgresPresent() {
    return ClassUtils.isPresent(POSTGRES_JOURNAL, Journals.class.getClassLoader());
  }

  private static Journal sqlite(WeftProperties properties) {
    Path dir = properties.getDataDir().toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create weft.data-dir " + dir + " (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + "); set weft.data-dir to a writable directory", e);
    }
    try {
      return SqliteJournal.open(dir.resolve(SQLITE_FILE),
          SqliteJournal.Options.defaults().withRetention(properties.getRetention()));
    } catch (WeftException e) { // locked by another process, damaged, read-only, newer
      throw new IllegalStateException("cannot open the Weft journal in weft.data-dir " + dir + ": " + e.getMessage(), e);
    }
  }
}
