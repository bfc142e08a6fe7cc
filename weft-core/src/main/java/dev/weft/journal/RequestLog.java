package dev.weft.journal;

import dev.weft.ProgressUpdate;
import dev.weft.RequestState;
import java.lang.reflect.Type;
import java.util.Optional;

/**
 * The record of one request and its calls. Thread-safe; no method blocks for long (see
 * {@link Journal}).
 */
public interface RequestLog {

  /** The request's id. */
  String requestId();

  /** Whether {@link Journal#create} made this request (false: an idempotent repeat). */
  boolean isNew();

  /**
   * Whether this process may record for the request. False when another process holds it (a node
   * of a fleet holds its lease): the engine then follows the request through the journal instead
   * of running a second copy of it. The default is true.
   */
  default boolean writable() {
    return true;
  }

  /** The request's input, read as {@code declared}. */
  Object input(Type declared);

  /**
   * The recorded output of a completed call, read as {@code declared}. The engine asks this
   * before it runs a call; a present value is used instead of running it (replay).
   */
  Optional<Recorded> find(DurableId call, Type declared);

  /** How many attempts of the call have been recorded as failed (so retries survive restarts). */
  int failedAttempts(DurableId call);

  /** Records that a call started (its parent, if not the request's entry, and its arguments). */
  void started(DurableId call, Optional<DurableId> parent, String function, Object[] args, Type[] argTypes);

  /** Records that a call completed with {@code output} (which may be null). */
  void completed(DurableId call, String function, Object output, Type declared);

  /** Records a failed attempt of a call; {@code willRetry} says whether another follows. */
  void attemptFailed(DurableId call, String function, int attempt, Throwable failure, boolean willRetry);

  /** Records the request's latest progress. */
  void progress(ProgressUpdate update);

  /**
   * Records that the request finished: {@code state} is SUCCEEDED with {@code output}, or FAILED
   * or CANCELLED with {@code failure}.
   */
  void finished(RequestState state, Object output, Type outputType, Optional<Throwable> failure);

  /**
   * Records that the request failed or was cancelled with {@code failure}, described for people
   * by {@code description}: which function failed, on which attempt of how many, the exception's
   * type and message and its causes. A journal stores the description as the request's {@link
   * RequestInfo#errorMessage()} (and the exception's class as its error type). The default, for
   * journals written before descriptions existed, records {@code failure} as {@link #finished}
   * does and drops the description.
   */
  default void failed(RequestState state, Throwable failure, String description) {
    finished(state, null, Void.class, Optional.of(failure));
  }

  /** A recorded output. */
  record Recorded(Object output) {}
}
