package dev.weft.journal.sqlite;

import dev.weft.WeftException;
import java.nio.file.Path;

/**
 * The journal file is damaged: SQLite's integrity check failed, or the file is not a database.
 * {@link SqliteJournal#open} refuses it rather than run on records it cannot trust; restore the
 * last backup (docs/JOURNAL.md, "Backup and restore") or move the file aside to start empty.
 */
public final class JournalDamagedException extends WeftException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  JournalDamagedException(Path file, String problem, Throwable cause) {
    super("the journal " + file + " is damaged (" + problem + "); restore it from a backup, or move it (with its "
        + "-wal and -shm files) aside to start with an empty journal", cause);
    this.file = file;
  }

  /** The damaged file. */
  public Path file() {
    return file;
  }
}
