package dev.weft;

/**
 * The root of Weft's own exceptions. Unchecked. A function's own exceptions are not wrapped in
 * it: they reach the caller with their own type (see {@link Future#result()}).
 */
public class WeftException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public WeftException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public WeftException(String message, Throwable cause) {
    super(message, cause);
  }
}
