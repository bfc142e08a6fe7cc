package dev.weft;

/**
 * Weft was used in a way it does not support. The message says what was wrong and what to do
 * instead. Never retried.
 */
public class UsageException extends WeftException {
  private static final long serialVersionUID = 1L;

  /** A usage error; {@code message} should say what to do instead. */
  public UsageException(String message) {
    super(message);
  }

  /** A usage error with the failure that revealed it. */
  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
