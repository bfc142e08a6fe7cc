package dev.weft;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A running or finished request of an {@link Application}, made by {@link Weft#submit} or
 * {@link WeftRuntime#submit}. A request that finished in an earlier process (found through its
 * idempotency key) is a read-only view of its record: {@code cancel} does nothing and there are
 * no further progress updates. Thread-safe.
 *
 * @param <R> the application's result type
 */
public interface Request<R> {

  /** The request's id. */
  String id();

  /** The application's name. */
  String application();

  /** Waits for the request's output; throws its failure as {@link Future#result()} does. */
  R result();

  /** Like {@link #result()}, waiting at most {@code timeout} ({@link WaitTimeoutException}). */
  R result(Duration timeout);

  /** Whether the request has finished, in any way. */
  boolean done();

  /** Where the request is now. */
  RequestState state();

  /** Cancels the request and every call it is running. Returns whether this cancelled it. */
  boolean cancel();

  /** The latest progress update, if any. */
  Optional<ProgressUpdate> progress();

  /**
   * Calls {@code listener} with every later progress update, on the thread that reports it,
   * until the returned {@link Subscription} is closed or the request ends; a listener must be
   * quick and must not throw. Close the subscription when the listener is no longer wanted:
   * otherwise the request holds it (and what it refers to) until the request ends. A request
   * that has finished never calls the listener.
   *
   * @return the registration; closing it removes the listener (idempotent, never blocks)
   */
  Subscription onProgress(Consumer<ProgressUpdate> listener);

  /** A snapshot of the request's counters. */
  Map<String, Long> counters();

  /** A snapshot of the request's timers: total time recorded per name. */
  Map<String, Duration> timers();
}
