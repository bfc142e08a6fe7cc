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

  /**
   * The key was first used for a request of {@code firstApplication}, and now for one of {@code
   * application}; the message says so and asks for a new key.
   */
  public static IdempotencyKeyReusedException forAnotherApplication(String key, String firstApplication,
      String application) {
    return new IdempotencyKeyReusedException(key, firstApplication, "the idempotency key '" + key
        + "' was first used for a request of " + firstApplication + ", not of " + application
        + "; send this request with a new key");
  }

  /**
   * The key was first used for a request of {@code application} with another input; the message
   * says so and asks for a new key.
   */
  public static IdempotencyKeyReusedException forAnotherInput(String key, String application) {
    return new IdempotencyKeyReusedException(key, application, "the idempotency key '" + key
        + "' was first used for a request of " + application + " with another input; the first request "
        + "stands as it was: send this one with a new key");
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
