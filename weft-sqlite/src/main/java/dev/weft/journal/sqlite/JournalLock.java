package dev.weft.journal.sqlite;

import dev.weft.WeftException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The lock file beside a journal ({@code weft.db.lock}): while a {@link SqliteJournal} is open it
 * holds an exclusive lock on it, so that a second journal on the same file (in this process or
 * another) refuses to open instead of resuming the first one's requests. The file names its
 * holder (pid, process start, host) for that refusal, and keeps the highest request number the
 * journal had recorded, which stays after the holder ends: a journal found holding fewer requests
 * than that was reset (its file or WAL deleted, truncated or replaced).
 *
 * <p>The lock is the operating system's ({@link FileChannel#tryLock()}: {@code fcntl} on Linux),
 * so it is released when the process dies, however it dies; the file itself is never deleted.
 * Not thread-safe: the journal writes it from its writer thread after open.
 */
final class JournalLock implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;
  private final Map<String, String> holder;
  private final long previousRequests;
  private long lastWritten = -1;

  private JournalLock(Path path, FileChannel channel, FileLock lock, Map<String, String> holder, long previousRequests) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
    this.holder = holder;
    this.previousRequests = previousRequests;
  }

  /** The lock file of the journal in {@code journalFile}. */
  static Path pathOf(Path journalFile) {
    return journalFile.resolveSibling(journalFile.getFileName() + ".lock");
  }

  /**
   * Takes the lock of the journal in {@code journalFile}.
   *
   * @throws JournalLockedException if another journal (here or in another process) holds it
   * @throws WeftException if the lock file cannot be created or written (a read-only directory)
   */
  static JournalLock acquire(Path journalFile) {
    Path path = pathOf(journalFile);
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new WeftException("cannot create the lock file " + path + " (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + "); the journal's directory must be writable by this user", e);
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very process
      }
      if (lock == null) {
        Map<String, String> held = read(channel);
        throw new JournalLockedException(journalFile, held.getOrDefault("pid", "?"),
            held.getOrDefault("started", "?"), held.getOrDefault("host", "?"));
      }
      Map<String, String> previous = read(channel);
      long requests = parseLong(previous.get("requests"));
      Map<String, String> me = new LinkedHashMap<>();
      ProcessHandle self = ProcessHandle.current();
      me.put("pid", Long.toString(self.pid()));
      me.put("started", self.info().startInstant().map(Instant::toString).orElse("?"));
      me.put("host", hostName());
      me.put("opened", Instant.now().toString());
      JournalLock out = new JournalLock(path, channel, lock, me, requests);
      out.write(requests);
      return out;
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new WeftException("cannot lock " + path + ": " + e.getMessage(), e);
    }
  }

  /** The highest request number recorded when the journal was last open, if the lock file said. */
  Optional<Long> previousRequests() {
    return previousRequests < 0 ? Optional.empty() : Optional.of(previousRequests);
  }

  /** Records the highest request number now in the journal (a no-op if unchanged). */
  void write(long requests) throws IOException {
    if (requests == lastWritten) {
      return;
    }
    StringBuilder text = new StringBuilder("# the lock of a Weft journal: who holds it, and how many requests it had\n");
    holder.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    if (requests >= 0) {
      text.append("requests=").append(requests).append('\n');
    }
    ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
    // Written over the old content, then cut to length (not emptied first): the holder's lines
    // never change, so a process reading them to name the holder never finds them missing.
    while (bytes.hasRemaining()) {
      channel.write(bytes, bytes.position());
    }
    channel.truncate(bytes.limit());
    lastWritten = requests;
  }

  Path path() {
    return path;
  }

  /** Releases the lock; the file stays (it keeps the request count for the next open). */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      SqliteJournal.LOG.log(System.Logger.Level.WARNING, "releasing the lock " + path + " failed", e);
    } finally {
      try {
        channel.close();
      } catch (IOException e) {
        SqliteJournal.LOG.log(System.Logger.Level.WARNING, "closing the lock file " + path + " failed", e);
      }
    }
  }

  private static Map<String, String> read(FileChannel channel) throws IOException {
    long size = Math.min(channel.size(), 64 * 1024);
    ByteBuffer buffer = ByteBuffer.allocate((int) size);
    while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
      // read it all
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\n")) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return out;
  }

  private static long parseLong(String s) {
    if (s == null) {
      return -1;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1; // a damaged marker says nothing
    }
  }

  /** This machine's name, without asking DNS (which may be slow or absent). */
  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    try {
      return Files.readString(Path.of("/etc/hostname")).strip();
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
