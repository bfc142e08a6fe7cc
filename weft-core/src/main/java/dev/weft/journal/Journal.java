package dev.weft.journal;

/**
 * Where a runtime records the calls of its requests so that a retried call, a resumed request or
 * a replayed one can take finished work from the record instead of redoing it.
 *
 * <p>This is the SPI durable back ends implement (in memory here; SQLite and PostgreSQL in their
 * own modules). Implementations must be thread-safe: the engine calls them from many threads at
 * once, and from event-loop threads, so no method may block for long (a durable implementation
 * queues writes and commits them in groups).
 */
public interface Journal extends AutoCloseable {

  /**
   * Opens the log of request {@code requestId}, creating it if it is new or resuming what was
   * recorded of it if it is not.
   */
  RequestLog open(String requestId, String application);

  /** Releases resources; the default does nothing. */
  @Override
  default void close() {}
}
