package dev.weft.transport;

import dev.weft.WeftException;

/**
 * JSON received from outside (an HTTP body, a journal row, a worker's reply) does not match the
 * type it was declared to be. The message says what was expected, where, and what was found, in a
 * form fit to return as an HTTP 400 body, for example {@code expected Integer at $.numbers[1], got
 * "x"}. It never contains a Java stack trace or a class name read from the input.
 *
 * <p>Thrown by {@link JsonCodec#decode} and {@link JsonCodec#decodeArgs}. Never thrown for a
 * programming error (a declared type that cannot be decoded at all): that is a {@link
 * dev.weft.UsageException}. Immutable, and so safe to share between threads.
 */
public class TransportException extends WeftException {
  private static final long serialVersionUID = 1L;

  private final String jsonPath;

  /**
   * An exception about the value at {@code jsonPath} (a JSONPath such as {@code $.items[2].name};
   * {@code $} is the whole document).
   */
  public TransportException(String message, String jsonPath) {
    super(message);
    this.jsonPath = jsonPath;
  }

  /** As {@link #TransportException(String, String)}, keeping the parser's failure as the cause. */
  public TransportException(String message, String jsonPath, Throwable cause) {
    super(message, cause);
    this.jsonPath = jsonPath;
  }

  /**
   * Where in the document the problem is, as a JSONPath: {@code $}, {@code $.owner.name}, {@code
   * $[1].numbers[0]}.
   */
  public String jsonPath() {
    return jsonPath;
  }
}
