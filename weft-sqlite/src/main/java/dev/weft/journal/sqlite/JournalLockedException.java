package dev.weft.journal.sqlite;

import dev.weft.WeftException;
import java.nio.file.Path;

/**
 * Another journal holds the file: {@link SqliteJournal#open} refuses to open a file that a journal
 * in this process or another one has open, because two writers would resume the same requests
 * and lose each other's records. The message names the holder; stop it, or use another file.
 */
public final class JournalLockedException extends WeftException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String pid;
  private final String started;

  JournalLockedException(Path file, String pid, String started, String host) {
    super("the journal " + file + " is in use by process " + pid + " (started " + started + " on host " + host
        + "); stop that process first, or give this one another data directory");
    this.file = file;
    this.pid = pid;
    this.started = started;
  }

  /** The journal file that is locked. */
  public Path file() {
    return file;
  }

  /** The process id of the holder, as its lock file records it ({@code ?} if unreadable). */
  public String holderPid() {
    return pid;
  }

  /** When the holder process started (ISO-8601), as its lock file records it ({@code ?} if unknown). */
  public String holderStarted() {
    return started;
  }
}
