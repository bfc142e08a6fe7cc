package dev.weft.engine;

import dev.weft.FunctionException;
import dev.weft.RequestError;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The text a failed request is recorded with: which function failed, on which attempt of how many,
 * the exception's type and message (its type alone, said so, when the message is empty) and its
 * cause chain, e.g. {@code Fetch.page failed on attempt 3 of 3: java.net.ConnectException (no
 * message); caused by ...}. The exception itself is never changed: callers still catch its type.
 *
 * <p>The call a failure came from is noted when the call gives up; the first note wins, so a
 * failure that travels up through its callers keeps the innermost function. Notes are held
 * weakly and the methods are thread-safe.
 */
final class FailureText {
  /** Enough to show a wrapped failure's story; a longer chain is cut with "…". */
  private static final int MAX_CAUSES = 8;

  /** Where a failure was given up on. */
  private record Origin(String function, int attempt, int attempts, boolean retryable) {}

  private static final Map<Throwable, Origin> ORIGINS = Collections.synchronizedMap(new WeakHashMap<>());

  private FailureText() {}

  /** Notes that {@code function} gave up with {@code failure} after attempt {@code attempt} of {@code attempts}. */
  static void noteGivenUp(Throwable failure, String function, int attempt, int attempts, boolean retryable) {
    ORIGINS.putIfAbsent(failure, new Origin(function, attempt, attempts, retryable));
  }

  /**
   * The whole text for {@code failure}, with the function and attempt when they were noted. A
   * {@link RequestError} with a message is its message alone: the application wrote it for the
   * request's caller.
   */
  static String describe(Throwable failure) {
    if (failure instanceof RequestError e && e.getMessage() != null && !e.getMessage().isBlank()) {
      return e.getMessage();
    }
    StringBuilder text = new StringBuilder();
    // A checked exception reaches callers wrapped in a FunctionException that only repeats it:
    // describe what was thrown, where it was given up on.
    Origin origin = ORIGINS.get(failure);
    while (failure instanceof FunctionException wrapper && wrapper.getCause() != null) {
      failure = wrapper.getCause();
      origin = ORIGINS.getOrDefault(failure, origin);
    }
    if (origin != null) {
      text.append(origin.function()).append(" failed on attempt ").append(origin.attempt());
      if (!origin.retryable()) {
        text.append(" (not retried: another attempt would fail the same way)");
      } else {
        text.append(" of ").append(origin.attempts());
      }
      text.append(": ");
    }
    text.append(exception(failure));
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(failure);
    Throwable cause = failure.getCause();
    for (int i = 0; cause != null && seen.add(cause); i++, cause = cause.getCause()) {
      if (i == MAX_CAUSES) {
        text.append("; caused by …");
        break;
      }
      text.append("; caused by ").append(exception(cause));
    }
    return text.toString();
  }

  /** {@code type: message}, or {@code type (no message)}. */
  static String exception(Throwable t) {
    String message = t.getMessage();
    return message == null || message.isBlank()
        ? t.getClass().getName() + " (no message)"
        : t.getClass().getName() + ": " + message;
  }
}
