package dev.weft;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The result of work forked into an {@link AsyncScope}: a value that arrives late.
 *
 * <p>Read it with {@link #value()} (never blocks), wait for it with {@link #block()} (blocking
 * code), or compose on it as a {@link CompletionStage} (async code); a {@code DelayedResult} may
 * also be passed as an input to any Weft call. Each of these <em>awaits</em> it: a failure
 * delivered there is not reported again when the scope closes, and {@link ExitMode#RAISE}
 * accepts it. Dependent actions run with the registering function's
 * {@link RequestContext}. Thread-safe.
 *
 * @param <T> the value's type
 */
public interface DelayedResult<T> extends CompletionStage<T> {

  /** Where a result is. */
  enum State {
    /** Not finished yet (queued or running). */
    PENDING,
    /** Finished with a value. */
    SUCCEEDED,
    /** Finished with a failure. */
    FAILED,
    /** Cancelled (by its scope, or because the scope was cancelled). */
    CANCELLED
  }

  /**
   * The value, without waiting.
   *
   * @throws IllegalStateException if it is not yet available (the message says so)
   * @throws java.util.concurrent.CancellationException if it was cancelled
   * @throws java.util.concurrent.CompletionException if it failed; the cause is the failure
   */
  T value();

  /**
   * Waits for the value and returns it; throws the failure as {@link Future#result()} does, so
   * code after {@code block()} may assume success. On an event-loop thread the loop keeps
   * running its queued tasks meanwhile (no deadlock, but the blocked-loop detector reports it).
   *
   * @throws java.util.concurrent.CancellationException if it was cancelled, or if the waiting
   *     thread is interrupted (its interrupt status is kept set)
   */
  T block();

  /** Like {@link #block()}, waiting at most {@code timeout} ({@link WaitTimeoutException}). */
  T block(Duration timeout);

  /** Where it is now. Never blocks; does not count as awaiting it. */
  State state();

  /** Whether it has been awaited (by {@code block}, {@code value} or composition). */
  boolean awaited();
}
