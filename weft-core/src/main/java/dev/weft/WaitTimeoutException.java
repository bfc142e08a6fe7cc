package dev.weft;

import java.time.Duration;

/** {@link Future#result(Duration)} ran out of time; the call itself goes on. */
public class WaitTimeoutException extends WeftException {
  private static final long serialVersionUID = 1L;

  /** The wait of {@code timeout} ended before the result was there. */
  public WaitTimeoutException(Duration timeout) {
    super("no result within " + timeout.toMillis() + " ms; the call is still running");
  }
}
