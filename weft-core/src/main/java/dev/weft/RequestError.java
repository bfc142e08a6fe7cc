package dev.weft;

/**
 * Thrown by a function to fail the whole request with exactly this message. A caller may catch
 * it like any exception; if nobody does, the request fails with it. Never retried.
 *
 * <p>The name follows Tensorlake's {@code RequestError}; it is an unchecked exception, not a
 * {@link java.lang.Error}.
 */
public class RequestError extends WeftException {
  private static final long serialVersionUID = 1L;

  /** Fails the request with {@code message}. */
  public RequestError(String message) {
    super(message);
  }

  /** Fails the request with {@code message}, keeping {@code cause} for diagnosis. */
  public RequestError(String message, Throwable cause) {
    super(message, cause);
  }
}
