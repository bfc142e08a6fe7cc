package dev.weft;

import java.time.Duration;

/** An attempt of a function ran longer than its timeout and was interrupted or cancelled. */
public class FunctionTimeoutException extends WeftException {
  private static final long serialVersionUID = 1L;
  private final String function;
  private final Duration timeout;

  /** The attempt of {@code function} ran longer than {@code timeout}. */
  public FunctionTimeoutException(String function, Duration timeout) {
    super(function + " timed out after " + timeout.toMillis() + " ms");
    this.function = function;
    this.timeout = timeout;
  }

  /** The function that timed out. */
  public String function() {
    return function;
  }

  /** The timeout that was exceeded. */
  public Duration timeout() {
    return timeout;
  }
}
