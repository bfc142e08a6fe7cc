package dev.weft.server;

import dev.weft.Subscription;
import dev.weft.journal.Journal;
import dev.weft.journal.RequestInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Follows a request that another process runs (a node of a fleet sharing the journal) through
 * the journal's record: the record is read again at every change the journal hints at, and at
 * least once a second in case a hint was missed. Used by one thread; {@link #close()} stops the
 * hints.
 */
final class RecordFollower implements AutoCloseable {
  /** The longest a follower goes without reading the record again. */
  static final Duration POLL = Duration.ofSeconds(1);

  private final Journal journal;
  private final String id;
  private final Semaphore changed = new Semaphore(0);
  private final Subscription hints;

  private RecordFollower(Journal journal, String id) {
    this.journal = journal;
    this.id = id;
    this.hints = journal.watch(id, changed::release).orElseThrow();
  }

  /** A follower, if the journal is shared with other processes (else nobody else changes the record). */
  static Optional<RecordFollower> of(Journal journal, String id) {
    if (journal.watch(id, () -> {}).map(s -> {
      s.close();
      return true;
    }).orElse(false)) {
      return Optional.of(new RecordFollower(journal, id));
    }
    return Optional.empty();
  }

  /**
   * The record after the next change, or after {@code timeout} (at most {@link #POLL}) without
   * one.
   *
   * @throws InterruptedException if the thread is interrupted (the client hung up, the server is
   *     closing)
   * @throws ApiException 404 if the record is gone (purged)
   */
  RequestInfo next(Duration timeout) throws InterruptedException {
    long nanos = Math.min(timeout.toNanos(), POLL.toNanos());
    changed.tryAcquire(nanos, TimeUnit.NANOSECONDS);
    changed.drainPermits();
    return now();
  }

  /** The record as it is now. */
  RequestInfo now() {
    return journal.info(id).orElseThrow(() -> Service.unknownRequest(id));
  }

  /**
   * Waits until the record says the request finished, at most {@code limit}; empty if it did not
   * in time.
   *
   * @throws InterruptedException as {@link #next} does
   */
  Optional<RequestInfo> awaitFinished(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    RequestInfo info = now();
    while (!info.state().finished()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      info = next(Duration.ofNanos(left));
    }
    return Optional.of(info);
  }

  @Override
  public void close() {
    hints.close();
  }
}
