package dev.weft.server;

import java.util.Map;

/**
 * Ends an HTTP exchange with an error response {@code {"code": ..., "message": ...}}; thrown by
 * handlers, turned into the response by the {@link Router}. The message says what to fix.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final transient Map<String, String> headers;

  ApiException(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  ApiException(int status, String code, String message, Map<String, String> headers) {
    super(message, null, false, false); // control flow: no stack trace
    this.status = status;
    this.code = code;
    this.headers = Map.copyOf(headers);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  /** Extra response headers, such as {@code Allow} for a 405. */
  Map<String, String> headers() {
    return headers;
  }

  static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }

  static ApiException notFound(String code, String message) {
    return new ApiException(404, code, message);
  }

  static ApiException conflict(String code, String message) {
    return new ApiException(409, code, message);
  }
}
