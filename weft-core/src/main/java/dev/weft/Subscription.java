package dev.weft;

/**
 * A listener's registration, ended with {@link #close()}: what {@link Request#onProgress} returns.
 * Use it in try-with-resources, or keep it and close it when the listener is no longer wanted (a
 * client that hung up, a view that closed), so the listener and what it holds can be collected
 * before the request ends.
 *
 * <p>{@link #close()} is idempotent, thread-safe, never blocks and never throws. The listener is
 * not called for anything reported after {@code close()} returned; a call already under way on
 * another thread may still finish.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

  /** Ends the registration; later calls do nothing. */
  @Override
  void close();
}
