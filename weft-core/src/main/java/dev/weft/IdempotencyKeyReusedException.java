package dev.weft;

/**
 * An idempotency key was used again for a different request: another application, or another
 * input than the request first made with it. The first request is left as it was; send the new
 * request with a new key. Never retried; over HTTP it is {@code 409 idempotency_key_reused}.
 */
public final class IdempotencyKeyReusedException extends UsageException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final String firstApplication;

  /**
   * @param key the reused key
   * @param firstApplication the application of the request first made with it
   * @param message says what differs and what to do
   */
  public IdempotencyKeyReusedException(String key, String firstApplication, String message) {
    super(message);
    this.key = key;
    this.firstApplication = firstApplication;
  }

  /** The reused key. */
  public String key() {
    return key;
  }

  /** The application of the request first made with the key. */
  public String firstApplication() {
    return firstApplication;
  }
}
