package dev.weft.engine;

import java.lang.System.Logger.Level;

/**
 * What the engine logs about failures, through {@link System.Logger} (routed to
 * java.util.logging unless the application installs another {@code System.LoggerFinder}, such
 * as SLF4J's): each failed request on {@code dev.weft.requests} at WARNING, each retried call
 * on {@code dev.weft.calls} at INFO. Thread-safe; never throws.
 */
final class EngineLog {
  static final System.Logger REQUESTS = System.getLogger("dev.weft.requests");
  static final System.Logger CALLS = System.getLogger("dev.weft.calls");

  private EngineLog() {}

  /** A request of {@code application} ended FAILED with {@code failure}. */
  static void requestFailed(String requestId, String application, Throwable failure) {
    if (REQUESTS.isLoggable(Level.WARNING)) {
      REQUESTS.log(Level.WARNING, "request " + requestId + " (application " + application + ") failed: "
          + FailureText.describe(failure), failure);
    }
  }

  /** Attempt {@code attempt} of {@code attempts} of {@code function} failed; another follows. */
  static void retrying(String requestId, String function, int attempt, int attempts, Throwable failure) {
    if (CALLS.isLoggable(Level.INFO)) {
      CALLS.log(Level.INFO, "request " + requestId + ": " + function + " attempt " + attempt + " of " + attempts
          + " failed, retrying: " + FailureText.describe(failure));
    }
  }

}
