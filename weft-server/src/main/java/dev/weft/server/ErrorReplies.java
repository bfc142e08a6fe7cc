package dev.weft.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error handler for the server: what Jetty answers itself (a request it could not parse
 * — a garbage request line, a bad or repeated {@code Content-Length}, headers too large — or a
 * failure outside the router) is Weft's JSON {@code {"code", "message"}} like every other error,
 * never Jetty's HTML page. Runs on whichever thread Jetty reports the error from and does not
 * block (the answer is written with Jetty's callback).
 *
 * <p>A 5xx answer says only that the server failed; what failed is logged. A 4xx answer names
 * what to fix, from Jetty's reason when that is a short phrase (Jetty's reasons for malformed
 * requests are such phrases, like {@code Duplicate Content-Length}).
 */
final class ErrorReplies implements Request.Handler {
  private static final System.Logger LOG = System.getLogger("dev.weft.server");
  /** A reason safe to repeat to a client: a short phrase, no class names or paths. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9 ,.:;='()_+-]{1,120}");

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
    String reason0 = request.getAttribute(ErrorHandler.ERROR_MESSAGE) instanceof String m ? m : "";
    Throwable cause = request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof Throwable t ? t : null;
    String reason = reason0;
    // Jetty's reason is often only the status phrase; what it caught says more.
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof NumberFormatException && String.valueOf(t.getMessage()).startsWith("!hex")) {
        reason = "Bad percent-encoding in the URI";
      } else if (t instanceof ArithmeticException) { // the one number Jetty parses in a request head
        reason = "Content-Length too large for a number";
      }
    }
    String[] reply = reply(status, reason);
    if (status >= 500) {
      LOG.log(System.Logger.Level.ERROR, "answered " + status + " to " + request.getMethod() + " "
          + request.getHttpURI().getPath() + ": " + reason, cause);
    } else {
      LOG.log(System.Logger.Level.DEBUG, "refused a malformed request (" + status + "): " + reason, cause);
    }
    byte[] body = Json.object().str("code", reply[0]).str("message", reply[1]).end().getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Call.JSON);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  /** The code and message for an error Jetty found. */
  static String[] reply(int status, String reason) {
    String r = reason.toLowerCase(Locale.ROOT);
    if (status >= 500) {
      return new String[] {status == 505 ? "unsupported_http_version" : status == 501 ? "not_implemented" : "internal_error",
          status == 505 ? "this server speaks HTTP/1.1 (and 1.0); send the request as HTTP/1.1"
              : status == 501 ? "the server does not implement what the request asks for"
                  + (r.contains("transfer") ? " (a Transfer-Encoding other than chunked)" : "") + "; send a plain HTTP/1.1 request"
                  : "the server failed to serve this request; the details are in its log"};
    }
    String detail = PLAIN.matcher(reason).matches() && !r.contains("exception") ? " (" + reason + ")" : "";
    return switch (status) {
      case 400 -> {
        if (r.contains("content-length") || r.contains("content length")) {
          yield new String[] {"invalid_content_length", "Content-Length must be one decimal number of bytes, sent once, "
              + "and not together with Transfer-Encoding: chunked" + detail};
        }
        if (r.contains("uri") || r.contains("path") || r.contains("encoding") || r.contains("utf")) {
          yield new String[] {"invalid_path", "the request target is not a valid URI path" + detail
              + "; percent-encode every byte outside A-Z a-z 0-9 -._~ as %XX with two hex digits"};
        }
        yield new String[] {"bad_request", "the request is not valid HTTP/1.1" + detail
            + "; send a request line 'METHOD /path HTTP/1.1', then headers, then an empty line"};
      }
      case 408 -> new String[] {"request_timeout", "the request did not arrive in time; send its headers and body at once"};
      case 413 -> new String[] {"body_too_large", "the request body is too large" + detail + "; send a smaller input"};
      case 414 -> new String[] {"uri_too_long", "the request target is too long; send the input in the body, not the URL"};
      case 431 -> new String[] {"headers_too_large", "the request headers are too large (at most 8 KiB in all); "
          + "send fewer or shorter headers"};
      default -> new String[] {"bad_request", "the request cannot be served" + detail};
    };
  }
}
