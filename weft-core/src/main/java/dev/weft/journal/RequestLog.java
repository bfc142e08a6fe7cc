package dev.weft.journal;

import java.util.Optional;

/**
 * The record of one request's calls. Thread-safe; methods must not block for long (see
 * {@link Journal}).
 */
public interface RequestLog {

  /** The request's id. */
  String requestId();

  /**
   * The recorded outcome of a completed call, if there is one. The engine asks this before it
   * runs a call; a present value is used instead of running it (replay).
   */
  Optional<Recorded> find(DurableId call);

  /** Records that a call completed with {@code output} (which may be null). */
  void completed(DurableId call, String function, Object output);

  /** Records a failed attempt of a call; {@code willRetry} says whether another follows. */
  void attemptFailed(DurableId call, String function, int attempt, Throwable failure, boolean willRetry);

  /** Records that the request finished: with output, or with a failure. */
  void finished(Optional<Throwable> failure, Object output);

  /** A recorded output. */
  record Recorded(Object output) {}
}
