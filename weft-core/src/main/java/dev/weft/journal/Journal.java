package dev.weft.journal;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Optional;

/**
 * Where a runtime records requests and their calls, so that a retried call, a resumed request
 * or a replayed one takes finished work from the record instead of redoing it.
 *
 * <p>The SPI durable back ends implement (in memory here; SQLite in {@code weft-sqlite}).
 * Implementations must be thread-safe, and no method may block for long: the engine calls them
 * from many threads at once, event-loop threads included, so a durable implementation queues
 * writes and commits them in groups. Values cross this interface as objects with their declared
 * {@link Type}s; a durable implementation serializes them (and never with Java serialization).
 */
public interface Journal extends AutoCloseable {

  /**
   * Records a new request, or, if {@code request} carries an idempotency key that an earlier
   * request had, returns that request's log instead ({@link RequestLog#isNew()} is then false).
   * The earlier request counts as the same only if it has the same application and the same
   * input (equal encodings in a durable journal, {@code equals} in memory); a journal keeps what
   * it needs to tell (a hash of application and input) beside the key.
   *
   * @throws dev.weft.UsageException if the input cannot be serialized
   * @throws dev.weft.IdempotencyKeyReusedException if the key was used for another application
   *     or another input
   * @throws JournalUnavailableException if the journal cannot record now (the request was not
   *     accepted)
   */
  RequestLog create(NewRequest request);

  /** Reopens the log of a recorded request, to resume or replay it. */
  Optional<RequestLog> reopen(String requestId);

  /** The requests recorded as running: after a restart, those to resume. */
  List<RequestInfo> unfinished();

  /** What is recorded of a request. */
  Optional<RequestInfo> info(String requestId);

  /** A page of recorded requests, newest first. */
  RequestPage list(RequestQuery query);

  /**
   * The calls recorded for a request, in the order they started (its call tree: each names its
   * parent). Empty if the request is unknown, or if this journal keeps no call rows (the default,
   * and {@link InMemoryJournal}). A durable journal returns what it has committed: calls made in
   * the last moments may show a little later. Blocks for a read.
   *
   * @throws JournalUnavailableException if the journal cannot be read now
   */
  default List<CallRecord> calls(String requestId) {
    return List.of();
  }

  /**
   * The output a request finished with, read as {@code declared}; empty unless it succeeded.
   */
  Optional<Object> output(String requestId, Type declared);

  /**
   * The input a request was submitted with, read as {@code declared} (for people and tools, such
   * as the server's dashboard); empty if the request is not recorded, or the journal does not keep
   * inputs (the default). Blocks for a read.
   *
   * @throws JournalUnavailableException if the journal cannot be read now
   */
  default Optional<Object> input(String requestId, Type declared) {
    return Optional.empty();
  }

  /**
   * Follows a request as any process sharing this journal records it: calls {@code onChange}
   * whenever its recorded progress or state may have changed (a hint: read {@link #info} again),
   * on a thread of the journal's; the listener must be quick and must not throw. Empty if no
   * other process writes to this journal (the default): then a request not running in this
   * process changes only when this process resumes it. Close the subscription when done.
   */
  default Optional<dev.weft.Subscription> watch(String requestId, Runnable onChange) {
    return Optional.empty();
  }

  /**
   * Asks the process running request {@code requestId} (another node sharing this journal) to
   * cancel it; that process cancels it as a local {@link dev.weft.Request#cancel()} would, and
   * the journal records it {@code CANCELLED}. Returns whether the request was recorded as running
   * and the ask was recorded; the default, for a journal no other process shares, returns false.
   *
   * @throws JournalUnavailableException if the journal cannot record the ask now
   */
  default boolean requestCancel(String requestId) {
    return false;
  }

  /**
   * The queue through which {@link dev.weft.Placement#FLEET} calls reach other nodes, if this
   * journal is shared by a fleet; the default has none (such calls then run locally).
   */
  default Optional<WorkQueue> workQueue() {
    return Optional.empty();
  }

  /**
   * Whether the journal can record now, as far as it knows: false while its writes fail (a full
   * disk, an unreachable database), so that a server reports itself not ready. Quick, never
   * blocks, never throws. The default, for a journal that cannot fail so, is true.
   */
  default boolean canWrite() {
    return true;
  }

  /**
   * How many records this journal has accepted and not yet started to write (its write queue's
   * depth), for metrics. Quick, never blocks, never throws. The default, for a journal that
   * writes as it is called, is 0.
   */
  default int queuedWrites() {
    return 0;
  }

  /**
   * A runtime using this journal is observed: a journal that commits writes in groups tells
   * {@code observer} of each commit ({@link dev.weft.observe.WeftObserver#journalCommitted}), on
   * its writer thread. Called once per runtime, before its first request; a journal shared by
   * several observed runtimes tells the last one given. The default does nothing.
   */
  default void observedBy(dev.weft.observe.WeftObserver observer) {}

  /** Releases resources, after writing what is queued; the default does nothing. */
  @Override
  default void close() {}
}
